"""`check` and `build` agree: every diagnostic a build raises from the guide is one `check` raises
on the same input, with the same rule id, severity and position (writer-only findings aside)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.config import BuildConfig
from builder.pipeline import build, check

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted((FIXTURES / "rules").glob("*.md")) + sorted((FIXTURES / "bad").glob("*.md")) + \
    sorted((FIXTURES / "guides").glob("*.md"))
# Findings that only rendering can make (a glyph no font has, a URL WeasyPrint asked for).
WRITER_ONLY = ("sheet-",)


def found(diagnostics) -> set[tuple[str, str, int, str]]:  # type: ignore[no-untyped-def]
    return {(d.rule, d.pos.path, d.pos.line, d.severity.value) for d in diagnostics
            if not d.rule.startswith(WRITER_ONLY)}


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_build_raises_what_check_raises(case: Path, tmp_path: Path) -> None:
    source = tmp_path / case.name
    source.write_bytes(case.read_bytes())
    if case.name == "symlink-escape.md":
        os.symlink("/etc/passwd", tmp_path / "escape.png")
    checked = check([str(source)])
    built = build([str(source)], BuildConfig(output=tmp_path / "dist", formats=("json", "anki"),
                                             options={"ledger": str(tmp_path / "l.lock")}))
    assert found(built.diagnostics) == found(checked.diagnostics)
    # a source with no objective at all writes nothing (no empty deck)
    assert (tmp_path / "dist" / "notes.json").is_file() is bool(checked.guide.objectives)


def test_every_rule_fixture_is_walked() -> None:
    """New rule fixtures are picked up by the agreement test without listing them."""
    names = {p.stem for p in CASES}
    assert {"repeated-command", "fence-swallows-heading", "marks", "lpic2"} <= names
