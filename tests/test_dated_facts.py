"""Dated facts: `<!-- until: DATE -->` and `<!-- review: DATE -->` markers, read into the model,
warned about by `check` once their day has passed (the day from SOURCE_DATE_EPOCH), and never
part of a card."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from builder.cli import cli
from builder.context import BuildContext, check_day
from builder.model import DateKind
from builder.pipeline import check
from builder.reader import read_guide
from builder.resources import schema_path
from builder.writers import json_writer
from tests.conftest import FIXTURES

DATED = FIXTURES / "dated"


def _epoch(day: str) -> str:
    """SOURCE_DATE_EPOCH for noon UTC of a day."""
    return str(int(datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()))


def _found(path: Path, day: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(day))
    return [(d.rule, d.pos.line, d.message) for d in check([str(path)]).diagnostics]


def test_a_passed_date_is_a_located_warning(monkeypatch: pytest.MonkeyPatch):
    found = _found(DATED / "passed.md", "2026-12-06", monkeypatch)
    assert [(rule, line) for rule, line, _ in found] == [("dated-fact-expired", 23)]
    message = found[0][2]
    assert "2026-11-30" in message and "checked on 2026-12-06" in message
    assert "public mirror shutdown" in message and "remove the marker" in message


def test_a_date_still_to_come_is_silent(monkeypatch: pytest.MonkeyPatch):
    assert _found(DATED / "valid.md", "2026-12-06", monkeypatch) == []


@pytest.mark.parametrize(("day", "warned"), [("2026-12-30", False), ("2026-12-31", False),
                                             ("2027-01-01", True)])
def test_until_holds_through_its_day(day: str, warned: bool, monkeypatch: pytest.MonkeyPatch):
    found = _found(DATED / "valid.md", day, monkeypatch)
    assert bool(found) is warned
    assert all(rule == "dated-fact-expired" for rule, _, _ in found)


def test_the_day_is_source_date_epochs_in_utc():
    assert check_day({"SOURCE_DATE_EPOCH": _epoch("2026-12-06")}) == date(2026, 12, 6)
    assert check_day({"SOURCE_DATE_EPOCH": "1798761599"}) == date(2026, 12, 31)  # 23:59:59 UTC
    clock = datetime.now(timezone.utc).date()
    assert check_day({}) in {clock, date.fromordinal(clock.toordinal() + 1)}  # no epoch: the clock


def test_check_strict_fails_on_a_passed_date_only(monkeypatch: pytest.MonkeyPatch):
    runner = CliRunner()
    env = {"SOURCE_DATE_EPOCH": _epoch("2026-12-06")}
    passed = runner.invoke(cli, ["check", "--strict", str(DATED / "passed.md")], env=env)
    assert passed.exit_code == 1
    assert "passed.md:23:1: warning:" in passed.output and "[dated-fact-expired]" in passed.output
    valid = runner.invoke(cli, ["check", "--strict", str(DATED / "valid.md")], env=env)
    assert valid.exit_code == 0, valid.output


def test_markers_are_read_into_the_model_and_notes_json(tmp_path: Path):
    guide = read_guide([str(DATED / "passed.md")]).guide
    (fact,) = guide.dated
    assert (fact.kind, fact.date, fact.pos.line) == (DateKind.UNTIL, "2026-11-30", 23)
    assert fact.note == "public mirror shutdown (vendor notice)"
    assert (fact.first, fact.last) == (25, 28)  # the fence it dates
    assert fact.statement == "# download the dated tool from the public mirror"
    (artifact,) = json_writer.write(guide, BuildContext(output=tmp_path)).artifacts
    data = json.loads(artifact.path.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(schema_path().read_text(encoding="utf-8")),
                        cls=jsonschema.Draft202012Validator)
    assert data["dated"][0]["kind"] == "until" and data["dated"][0]["pos"]["path"] == "passed.md"


def test_review_markers_and_malformed_ones(monkeypatch: pytest.MonkeyPatch):
    found = _found(FIXTURES / "rules" / "dated-facts.md", "2026-12-06", monkeypatch)
    dated = {(rule, line): message for rule, line, message in found if rule.startswith("dated-")}
    assert set(dated) == {("dated-fact-expired", 8), ("dated-fact-expired", 20),
                          ("dated-fact-invalid", 12), ("dated-fact-invalid", 16),
                          ("dated-fact-invalid", 24), ("dated-fact-invalid", 28)}
    assert "due for review on 2020-01-15" in dated["dated-fact-expired", 20]
    assert "'30.06.2020' is not a day" in dated["dated-fact-invalid", 12]
    assert "YYYY-MM-DD" in dated["dated-fact-invalid", 12]
    assert "needs a colon" in dated["dated-fact-invalid", 16]
    assert "inside text" in dated["dated-fact-invalid", 24]
    assert "dates nothing" in dated["dated-fact-invalid", 28]


GUIDE = """\
# Topic 910: Dated Guide

## 910.1 Dated Objective

**Weight:** 2

{m}

* The registry is the default source of boxes.
* Boxes are named `organisation/name`.

Add a box from the registry:

{m}

```sh
boxtool add org/box
```

Registry post-processors

{m}

| name | what |
| --- | --- |
| registry | uploads a box |

### The registry

{m}
"""


def test_markers_change_no_card(tmp_path: Path):
    """A marker anywhere (between a lead-in and its block, a caption and its table, alone in a
    section) leaves every node of the model as it was without it."""
    marked, plain = tmp_path / "marked" / "guide.md", tmp_path / "plain" / "guide.md"
    for path, marker in ((marked, "<!-- until: 2099-12-31 registry shutdown -->"), (plain, "")):
        path.parent.mkdir()
        path.write_text(GUIDE.format(m=marker), encoding="utf-8")
    with_markers = read_guide([str(marked)]).guide
    without = read_guide([str(plain)]).guide
    assert len(with_markers.dated) == 3 and without.dated == ()
    (one,), (other,) = with_markers.objectives, without.objectives
    rooted = str(marked.parent), str(plain.parent)
    assert repr(one).replace(*rooted) == repr(other)
    group = one.command_groups[0]
    assert group.purpose == "Add a box from the registry" and one.tables[0].title == "Registry post-processors"
    assert [s.reason for s in one.stubs] == ["empty section"]  # a marker is no content


def test_a_marker_shown_in_a_code_span_is_an_example(tmp_path: Path):
    path = tmp_path / "guide.md"
    path.write_text("# Topic 910: T\n\n## 910.1 O\n\nWrite `<!-- until: 2026-12-31 -->` before a "
                    "statement. A real one <!-- until: 2026-12-31 --> is text.\n", encoding="utf-8")
    result = read_guide([str(path)])
    assert result.guide.dated == ()
    assert [(d.rule, d.pos.line) for d in result.diagnostics if d.rule.startswith("dated-")] == \
        [("dated-fact-invalid", 5)]
