"""The command line, apart from the pipeline: exit codes, output shapes, clean error lines."""

from __future__ import annotations

import json

from click.testing import CliRunner

from builder import __version__
from builder.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_build_json_writes_notes(fixtures, tmp_path):
    result = run("build", str(fixtures / "reader" / "clean.md"), "-o", str(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "notes.json").read_text())
    assert data["topics"][0]["objectives"][0]["id"] == "910.1"


def test_build_only_selects_objectives(fixtures, tmp_path):
    result = run("build", str(fixtures / "reader" / "two-topics.md"), "-o", str(tmp_path),
                 "-f", "json", "--only", "902.1")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "notes.json").read_text())
    assert [o["id"] for t in data["topics"] for o in t["objectives"]] == ["902.1"]


def test_unknown_only_and_format_are_usage_errors(fixtures, tmp_path):
    source = str(fixtures / "reader" / "clean.md")
    unknown = run("build", source, "-o", str(tmp_path / "out"), "--only", "999.9")
    assert unknown.exit_code == 2 and "no objective 999.9" in unknown.output
    assert not (tmp_path / "out").exists(), "an unknown --only must fail before anything is written"
    assert run("build", source, "-o", str(tmp_path), "-f", "pdfx").exit_code == 2
    assert run("check", "--format", "xml", source).exit_code == 2


def test_missing_source_is_one_clean_line(tmp_path):
    result = run("check", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert "no such file or directory" in result.output
    assert "Traceback" not in result.output


def test_check_clean_guide_exits_zero_even_strict(fixtures):
    result = run("check", "--strict", str(fixtures / "reader" / "clean.md"))
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_check_reports_located_diagnostics_and_strict_fails(fixtures):
    source = str(fixtures / "reader" / "stubs.md")
    relaxed = run("check", source)
    assert relaxed.exit_code == 0
    assert f"{source}:9:1: warning: placeholder 'foo' in 900.2" in relaxed.output
    assert run("check", "--strict", source).exit_code == 1


def test_check_formats(fixtures):
    source = str(fixtures / "reader" / "stubs.md")
    github = run("check", "--format", "github", source)
    assert f"::warning file={source},line=9,col=1,title=stub-placeholder::" in github.output
    data = json.loads(run("check", "--format", "json", source).output)
    assert {"path": source, "line": 18, "col": 1, "severity": "warning", "rule": "comment-only-block"}.items() \
        <= next(d for d in data if d["line"] == 18).items()


def test_inspect_tree(fixtures):
    result = run("inspect", str(fixtures / "reader" / "objective-format.md"))
    assert result.exit_code == 0
    assert "Topic 900: Fixture Virtualization" in result.output
    assert "900.1 Fixture Objective  (weight 4)" in result.output
    assert "3 key knowledge areas, 6 cited objects, 8 command groups" in result.output
    assert "cited pattern   /proc/[0-9]+/fixture" in result.output


def test_inspect_shows_stubs(fixtures):
    result = run("inspect", str(fixtures / "reader" / "stubs.md"))
    assert "stub  line 9: placeholder 'foo'" in result.output


def test_inspect_json_is_the_model(fixtures):
    result = run("inspect", "--json", str(fixtures / "reader" / "clean.md"))
    data = json.loads(result.output)
    assert data["topics"][0]["objectives"][0]["command_groups"][0]["purpose"] == \
        "show the version of the clean tool"


def test_inspect_lists_exams(fixtures):
    result = run("inspect", str(fixtures / "exam" / "issue-example.md"))
    assert result.exit_code == 0
    assert "Exam: LPIC-3 305-300 Practice Exam (Topics 351, 352, 353)" in result.output
    assert "questions (" in result.output and "fill-in) in" in result.output
