"""The shape of the code: layers import one way, no cycles, the environment read in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"

# Each unit (a top-level module or subpackage of builder/) and its layer: a unit may import
# only units of lower layers (and itself). The reader never sees a writer; anki/ and sheets/
# share html.py below them and never import each other; writers sit above both; the pipeline
# and release above the writers; the CLI on top, its subcommands (loaded by name, lazily) above it.
LAYERS: dict[str, int] = {
    "builder": 0, "model": 0,
    "diagnostics": 1, "html": 1, "resources": 1, "i18n": 1, "svg": 1, "remember": 1,
    "catalogue": 2, "output": 2, "cachecheck": 2, "media": 2, "version": 2, "config": 2, "watch": 2,
    "serialize": 2,
    "reader": 3, "rules": 3, "sourcelinks": 3,
    "snapshot": 4, "project": 4,
    "context": 5, "artifacts": 5,
    "workers": 6,
    "anki": 7, "sheets": 7,
    "writers": 8, "writer_cache": 8, "preview": 8, "progress": 8, "release_notes": 8,
    "release": 9,
    "pipeline": 10, "release_action": 10,
    "cli": 11, "commands": 12, "__main__": 13, "rules_table": 12,
}
# Where the process environment may be touched: the CLI, and the build context's constructor
# (plus the helpers beside it that hand variables on to child processes and fontTools), and the
# GitHub Action's entry point, whose inputs and outputs are variables (INPUT_*, GITHUB_OUTPUT).
ENVIRON_ALLOWED = {"builder/cli.py", "builder/context.py", "builder/release_action.py"}
ENVIRON = re.compile(r"\bos\.(environ|getenv|putenv|unsetenv)\b|\bfrom os import [^\n]*\b(environ|getenv)\b")


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every builder module `path` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "builder":
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "builder")
    return {name for name in found if name in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_unit_has_a_layer():
    assert {unit(m) for m in modules()} - set(LAYERS) == set(), "give the new module a layer in LAYERS"


def test_layers_import_one_way():
    upward = [f"{a} -> {b}" for a, deps in sorted(graph().items()) for b in sorted(deps)
              if unit(a) != unit(b) and LAYERS[unit(b)] >= LAYERS[unit(a)]]
    assert upward == []


@pytest.mark.parametrize("upper, lower", [("writers", "anki"), ("pipeline", "writers"), ("cli", "pipeline")])
def test_layers_are_in_the_order_the_docs_give(upper, lower):
    assert LAYERS[upper] > LAYERS[lower]


def test_no_environment_access_outside_the_cli_and_the_context():
    touching = sorted(path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py")
                      if ENVIRON.search(path.read_text(encoding="utf-8")))
    assert set(touching) - ENVIRON_ALLOWED == set()
    assert "builder/context.py" in touching  # the grep does find what it looks for
