"""Source lines of command blocks: an indented block is positioned like a fenced one."""

from __future__ import annotations

from pathlib import Path

from builder.pipeline import check
from builder.reader import read_guide


def test_shrunk_fuzz_case_reports_the_indented_line(fixtures: Path):
    """Hypothesis' shrunk case: a last-line indented command was reported one line below the file."""
    path = fixtures / "reader" / "indented-code.md"
    result = check([str(path)])
    no_purpose = [d for d in result.diagnostics if d.rule == "no-purpose"]
    assert [d.pos.line for d in no_purpose] == [3]
    assert all(d.pos.line <= 3 for d in result.diagnostics), [str(d) for d in result.diagnostics]


def test_fenced_and_indented_lines_point_at_their_text(fixtures: Path):
    path = fixtures / "reader" / "indented-lines.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    guide = read_guide([str(path)]).guide
    groups = guide.objectives[0].command_groups
    assert [g.purpose for g in groups] == ["list files", "show namespaces", None]
    assert [g.pos.line for g in groups] == [8, 14, 17]
    for group in groups:
        for line in group.lines:
            assert lines[line.pos.line - 1].strip() == line.text, line
