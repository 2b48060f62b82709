"""Each rule fires on its fixture at the stated lines; a clean guide triggers none.

Every fixture under tests/fixtures/bad/ and tests/fixtures/rules/ says on its first line which
diagnostics it must produce: `<!-- expect: rule@line rule@line -->`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from builder.pipeline import check
from builder.rules import RULES
from tests.conftest import FIXTURES

EXPECT = re.compile(rb"<!-- expect: (.*?) -->")
CASES = sorted((FIXTURES / "bad").glob("*.md")) + sorted((FIXTURES / "rules").glob("*.md"))


def expectations(path: Path) -> set[tuple[str, int]]:
    first = path.read_bytes().split(b"\n", 1)[0]
    match = EXPECT.search(first)
    assert match, f"{path} must state its expected diagnostics on line 1"
    return {(rule, int(line)) for rule, line in re.findall(r"([\w-]+)@(\d+)", match.group(1).decode())}


@pytest.fixture
def case_dir(tmp_path: Path, request) -> Path:
    """A copy of one fixture in its own folder (so relative targets resolve inside it)."""
    source: Path = request.param
    target = tmp_path / source.name
    target.write_bytes(source.read_bytes())
    if source.name == "symlink-escape.md":
        os.symlink("/etc/passwd", tmp_path / "escape.png")
    return target


@pytest.mark.parametrize("case_dir", CASES, ids=[p.stem for p in CASES], indirect=True)
def test_fixture_produces_its_stated_diagnostics(case_dir: Path):
    expected = expectations(case_dir)
    result = check([str(case_dir)])
    found = {(d.rule, d.pos.line) for d in result.diagnostics}
    assert expected <= found, f"missing {expected - found}; found {sorted(found)}"
    for d in result.diagnostics:
        assert d.pos.path == str(case_dir)
        assert str(d).startswith(f"{case_dir}:{d.pos.line}:{d.pos.col}: {d.severity.value}: ")


def test_clean_guide_triggers_no_rule():
    result = check([str(FIXTURES / "reader" / "clean.md")])
    assert result.diagnostics == ()


def test_every_model_rule_has_a_fixture():
    stated = {rule for path in CASES for rule, _ in expectations(path)}
    for rule in RULES:
        for code in rule.codes:
            assert code in stated, f"rule {rule.check.__name__} has no fixture that triggers {code}"


def test_diagnostics_are_sorted_by_position():
    result = check([str(FIXTURES / "rules")])
    keys = [d.sort_key for d in result.diagnostics]
    assert keys == sorted(keys)


def test_seed_diagnostics_at_their_lines(seed_path: Path):
    result = check([str(seed_path)])
    found = {(d.rule, d.pos.line) for d in result.diagnostics}
    expected = {("stub-placeholder", 560), ("comment-only-block", 605),
                ("no-commands", 616), ("objective-incomplete", 616), ("broken-link", 117)}
    expected |= {("broken-image", line) for line in (9, 65, 129, 199, 223, 299)}
    expected |= {("mojibake-repaired", line) for line in (71, 73, 131, 197)}
    expected |= {("mojibake-dropped", line) for line in (75, 78, 127, 410)}
    assert expected <= found, f"missing {expected - found}"
    incomplete = next(d for d in result.diagnostics if d.rule == "objective-incomplete")
    assert "cited objects" in incomplete.message and "352.4" in incomplete.message
