"""The diagnostic catalogue is complete: every code has a row, a fixture that triggers it, its docs,
and the README table; every code the builder emits is catalogued."""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest

import builder.reader
import builder.sheets.limits
from builder.catalogue import CATALOGUE, CODES, Code
from builder.config import BuildConfig
from builder.pipeline import build, check
from builder.rules import RULES
from builder.rules_table import END, START, rules_table
from tests.conftest import FIXTURES, ROOT

BUILDER = ROOT / "builder"
EMITTERS = {"error", "warning", "info", "found"}  # (pos, code, message) constructors


def _unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every file is readable: make opening one fail the way a permission error does."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(builder.reader, "read_source", refuse)


def _fifo(_: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A FIFO cannot be committed: made beside a copy of the fixture guide."""
    folder = Path(shutil.copytree(FIXTURES / "catalogue" / "fifo", tmp_path / "fifo"))
    os.mkfifo(folder / "pipe.md")
    return folder / "pipe.md"  # named as a source (a folder's search skips what is not a file)


def _symlink_outside(_: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(FIXTURES / "catalogue" / "symlink-outside", tmp_path / "inside"))
    (tmp_path / "outside.md").write_text("# Topic 352: T\n\n## 352.2 Two\n")
    os.symlink(tmp_path / "outside.md", folder / "link.md")
    return folder


def _one_line_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages so short that the default page limit holds one line: any objective is too long."""
    monkeypatch.setattr(builder.sheets.limits, "LINES_PER_PAGE", 1 / builder.sheets.limits.MAX_SHEET_PAGES)


# The codes no fixture file can trigger by itself (a hook patches a limit, or makes the fixture in
# tmp and returns it); every other code needs only its fixture.
SETUP = {
    "file-too-large": lambda mp, _: mp.setattr(builder.reader, "MAX_FILE_BYTES", 16),
    "unreadable": lambda mp, _: _unreadable(mp),
    "not-regular-file": _fifo,
    "symlink-outside": _symlink_outside,
    "sheet-too-long": lambda mp, _: _one_line_pages(mp),
}


def _slow(code: Code) -> pytest.MarkDecorator | tuple[()]:
    return pytest.mark.slow if code.writer else ()


def _found(code: Code, tmp_path: Path, made: Path | None = None) -> list:  # type: ignore[type-arg]
    """The diagnostics of checking the code's fixture, or of building it with the code's writer."""
    fixture = made or FIXTURES / code.fixture
    if not code.writer:
        return list(check([str(fixture)]).diagnostics)
    source = tmp_path / "source"
    if fixture.is_dir():
        shutil.copytree(fixture, source)
    else:
        source.mkdir()
        shutil.copy(fixture, source / fixture.name)
    templates = source / "templates"
    options = {"templates_dir": str(templates.resolve())} if templates.is_dir() else {}
    config = BuildConfig(output=tmp_path / "dist", formats=(code.writer,), options=options)
    return list(build([str(p) for p in sorted(source.glob("*.md"))], config).diagnostics)


@pytest.mark.parametrize("code", [pytest.param(c, id=c.id, marks=_slow(c)) for c in CATALOGUE])
def test_each_code_is_triggered_by_its_fixture(code: Code, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    assert (FIXTURES / code.fixture).exists(), f"{code.id}: no fixture tests/fixtures/{code.fixture}"
    made = SETUP[code.id](monkeypatch, tmp_path) if code.id in SETUP else None
    found = [d for d in _found(code, tmp_path, made) if d.rule == code.id]
    assert found, f"{code.id}: tests/fixtures/{code.fixture} does not trigger it"
    assert {d.severity for d in found} == {code.severity}, f"{code.id}: not at its catalogued severity"


def _emitted() -> dict[str, list[str]]:
    """Every code written as a literal where a diagnostic is made in builder/, and where."""
    codes: dict[str, list[str]] = {}
    for path in sorted(BUILDER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            arg: ast.expr | None = None
            if isinstance(node, ast.Call) and len(node.args) >= 2 and \
                    getattr(node.func, "id", getattr(node.func, "attr", None)) in EMITTERS:
                arg = node.args[1]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused" and node.args:
                arg = node.args[0]  # a source the reader refuses: Refused(code, message)
            elif isinstance(node, ast.Tuple) and len(node.elts) == 4 and \
                    isinstance(node.elts[3], (ast.Constant, ast.JoinedStr)) and \
                    re.fullmatch(r"[a-z]+(-[a-z]+)+", str(getattr(node.elts[2], "value", ""))):
                arg = node.elts[2]  # (pos, severity, code, message), as the sheet writer stores them
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.setdefault(arg.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def test_every_code_the_builder_emits_is_catalogued():
    emitted = _emitted()
    emitted.update({code: ["builder/rules.py"] for rule in RULES for code in rule.codes})
    missing = {code: where for code, where in emitted.items() if code not in CODES}
    assert not missing, f"codes with no row in builder/catalogue.py: {missing}"
    unused = set(CODES) - set(emitted)
    assert not unused, f"catalogued codes nothing in builder/ emits: {sorted(unused)}"


def test_codes_are_unique_kebab_case_and_their_docs_anchors_exist():
    assert len(CODES) == len(CATALOGUE)
    for code in CATALOGUE:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code.id), code.id
        assert code.why and "\n" not in code.why, code.id
        page, anchor = code.docs.split("#")
        headings = re.findall(r"^#+ (.+)$", (ROOT / page).read_text(encoding="utf-8"), re.M)
        assert anchor in {_github_anchor(h) for h in headings}, f"{code.id}: no heading #{anchor} in {page}"


def _github_anchor(heading: str) -> str:
    """GitHub's heading id: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_readme_rules_table_is_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == rules_table(), "the README rules table is stale: run 'make rules-table'"
    assert "[`exam-card-shared`]" in table and "[`exam-sheet-glyph`]" in table
