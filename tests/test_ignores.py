"""--select, --ignore and `<!-- cheatdeck: ignore[...] -->` comments: what each one drops."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from builder.cli import cli
from builder.pipeline import check
from builder.reader import read_guide
from tests.conftest import FIXTURES

COMMENTS = FIXTURES / "ignores" / "comments.md"


def _found(path: Path, **codes: tuple[str, ...]) -> set[tuple[str, int]]:
    return {(d.rule, d.pos.line) for d in check([str(path)], **codes).diagnostics}


def test_comments_cover_the_file_or_the_next_block():
    assert [(i.pos.line, i.codes, i.first, i.last) for i in read_guide([str(COMMENTS)]).ignores] == [
        (1, ("heading-skip",), 1, 33),  # before any content: the whole file
        (10, ("no-purpose",), 10, 13),  # the fence after it
        (19, ("objective-incomplete", "no-commands"), 19, 20),  # the objective heading after it
        (24, ("raw-html",), 24, 26),  # the paragraph after it
    ]  # and none from the comment inside the code block at line 31
    assert _found(COMMENTS) == {("objective-incomplete", 4), ("no-purpose", 16),
                                ("objective-incomplete", 22), ("no-commands", 22), ("raw-html", 28)}


def test_without_the_comments_every_finding_is_back(tmp_path: Path):
    """The same guide with each comment blanked out (lines unchanged) reports what they ignored."""
    text = COMMENTS.read_text(encoding="utf-8")
    path = tmp_path / "comments.md"
    path.write_text(text, encoding="utf-8")
    shutil.copy(COMMENTS.parent / "cheatdeck.toml", tmp_path)  # the exam, as beside the fixture
    commented = read_guide([str(path)]).guide.topics
    lines = text.split("\n")
    for number in (1, 10, 19, 24):  # the comments, not the example in the code block
        lines[number - 1] = ""
    path.write_text("\n".join(lines), encoding="utf-8")
    ignored = {("heading-skip", 4), ("no-purpose", 12),
               ("objective-incomplete", 20), ("no-commands", 20), ("raw-html", 26)}
    assert _found(path) == _found(COMMENTS) | ignored
    # The comments are no content: the model is the same with and without them.
    assert read_guide([str(path)]).guide.topics == commented


def test_an_unknown_code_in_a_comment_is_reported_where_it_stands():
    found = check([str(FIXTURES / "rules" / "unknown-code.md")]).diagnostics
    unknown = [d for d in found if d.rule == "unknown-code"]
    assert [(d.pos.line, d.message.split("'")[1]) for d in unknown] == [(8, "no-such-code"), (8, "stub*x")]
    assert not [d for d in found if d.rule == "no-purpose"]  # the known code is still ignored


def test_select_and_ignore_keep_and_drop_codes_and_globs():
    everything = _found(COMMENTS)
    assert _found(COMMENTS, select_codes=("objective-*",)) == \
        {f for f in everything if f[0] == "objective-incomplete"}
    assert _found(COMMENTS, ignore_codes=("objective-incomplete", "raw-html")) == \
        {("no-purpose", 16), ("no-commands", 22)}
    assert _found(COMMENTS, select_codes=("no-*",), ignore_codes=("no-commands",)) == {("no-purpose", 16)}


def test_check_and_build_take_select_and_ignore(tmp_path: Path):
    runner = CliRunner()
    done = runner.invoke(cli, ["check", str(COMMENTS), "--format", "json", "--select",
                               "no-purpose,raw-html", "--ignore", "raw-html"])
    assert done.exit_code == 0, done.output
    assert [(d["rule"], d["line"]) for d in json.loads(done.output)] == [("no-purpose", 16)]
    done = runner.invoke(cli, ["check", str(COMMENTS), "--strict", "--ignore", "objective-*",
                               "--ignore", "no-*,raw-html"])
    assert done.exit_code == 0, done.output  # nothing left to fail on
    done = runner.invoke(cli, ["build", str(COMMENTS), "-o", str(tmp_path / "dist"), "-f", "json",
                               "--strict", "--select", "raw-html"])
    assert done.exit_code == 1 and "[raw-html]" in done.output and "[no-purpose]" not in done.output
    assert (tmp_path / "dist" / "notes.json").is_file()


def test_an_unknown_code_on_the_command_line_is_a_usage_error():
    done = CliRunner().invoke(cli, ["check", str(COMMENTS), "--ignore", "no-purpse"])
    assert done.exit_code == 2
    assert "'no-purpse' matches no diagnostic code" in done.output
