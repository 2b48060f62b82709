"""Shared test fixtures: paths to fixture roots and the upstream seed guide."""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chromium import ARGS, CHROMIUM
from tests import pdftext

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT.parent / "shared" / "seed" / "topic-352.md"
SOURCE = ROOT / "source"
UPSTREAM = ROOT.parent / "shared" / "upstream" / "README.md"
SHARED = {"source": [SOURCE], "upstream": [UPSTREAM]}  # the guides whose sheets the tests share


@pytest.fixture(scope="session", autouse=True)
def machine_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Builds keep prepared deck images in the machine's cache (~/.cache/cheatdeck): the tests'
    builds, and the command lines they start, use a folder of their own instead."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("machine-cache")
        patch.setenv("CHEATDECK_CACHE_DIR", str(folder))
        yield folder


@dataclass
class Built:
    """A sheets build the tests read back: the model, dist/sheets/ and what the build said."""

    guide: Any  # builder.model.Guide
    sheets: Path
    unprintable: str  # characters a sheet-missing-glyph warning named (no installed font has them)
    diagnostics: tuple[Any, ...]


def inputs_key(sources: list[Path]) -> str:
    """A digest of everything a sheets build reads: the guide, the builder's code, its templates
    and the installed library versions (the build's own cache adds fonts and the rest)."""
    from importlib.metadata import version

    digest = hashlib.sha256(" ".join(version(n) for n in ("weasyprint", "pypdf", "jinja2")).encode())
    for root in (ROOT / "builder", ROOT / "templates", *sources):
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(root)}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


_IN_USE: list[Any] = []  # lock files held open for the session: their builds are being read


def shared_sheets(config: pytest.Config, name: str, sources: list[Path]) -> Built:
    """Sheets of `sources`, built once for as long as the inputs stay the same, by whichever
    xdist worker or test session asks first.

    The output folder is in pytest's cache folder (`.pytest_cache`), named by a digest of the
    inputs (`inputs_key`); the first worker to take its lock builds cold, every later one (in
    this session or the next) rebuilds into it, which is a no-op build (every render cached and
    checked against its recorded sha256) that still returns the model and every finding of the
    sheets. Each session holds a shared lock on the folder it reads; folders of other inputs
    that no session holds are removed. A worker that finds the build under way in another
    builds the other shared guide meanwhile (SHARED), rather than waiting with a core idle.
    """
    from builder.config import BuildConfig
    from builder.pipeline import build

    if name in _BUILT:
        return _BUILT[name]
    key = inputs_key(sources)
    if getattr(config, "cache", None) is not None:
        shared = config.cache.mkdir(f"sheets-{name}")
    else:  # -p no:cacheprovider: shared by this session's workers only
        base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
        shared = (base.parent if base.name.startswith("popen-gw") else base) / f"sheets-{name}"
        shared.mkdir(exist_ok=True)
    out = shared / key
    use = open(shared / f"{key}.use", "w")
    fcntl.flock(use, fcntl.LOCK_SH)
    _IN_USE.append(use)
    with open(shared / f"{key}.build", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another worker builds it: build another shared guide meanwhile
            for other, paths in SHARED.items():
                if other != name and other not in _BUILT and all(p.is_file() for p in paths):
                    shared_sheets(config, other, paths)
            fcntl.flock(lock, fcntl.LOCK_EX)
        _remove_unused(shared, key)
        options = BuildConfig(output=out, formats=("sheets",), options={"jobs": 2})
        result = build([str(s) for s in sources], options)
    pdftext.share(out, shared / f"{key}.text")  # each PDF read once a session (tests/pdftext.py)
    glyphs = "".join(re.findall(r"draws '(.)'", " ".join(d.message for d in result.diagnostics
                                                         if d.rule == "sheet-missing-glyph")))
    _BUILT[name] = Built(result.guide, out / "sheets", glyphs, tuple(result.diagnostics))
    return _BUILT[name]


_BUILT: dict[str, Built] = {}  # this worker's shared builds


def _remove_unused(shared: Path, key: str) -> None:
    """Remove the builds of other inputs that no session is reading (their `.use` lock is free)."""
    for other in shared.glob("*.use"):
        if other.stem == key:
            continue
        with open(other, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # another session reads it
            shutil.rmtree(shared / other.stem, ignore_errors=True)
            shutil.rmtree(shared / f"{other.stem}.text", ignore_errors=True)
            for suffix in (".build", ".use"):
                (shared / f"{other.stem}{suffix}").unlink(missing_ok=True)
    for folder in shared.iterdir():  # a build no lock names (left by an older conftest)
        name = folder.name.removesuffix(".text")
        if folder.is_dir() and name != key and not (shared / f"{name}.use").exists():
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def source_build(pytestconfig: pytest.Config) -> Built:
    """The sheets of source/ (shared by every test module, xdist worker and session)."""
    return shared_sheets(pytestconfig, "source", [SOURCE])


@pytest.fixture(scope="session")
def upstream_build(pytestconfig: pytest.Config) -> Built:
    """The sheets of the upstream guide, ../shared/upstream/README.md; skipped when it is absent."""
    if not UPSTREAM.is_file():
        pytest.skip("../shared/upstream/README.md is not present")
    return shared_sheets(pytestconfig, "upstream", [UPSTREAM])


@pytest.fixture(params=["source", "upstream"])
def built(request: pytest.FixtureRequest) -> Built:
    """The sheets of source/ or of the upstream guide, every PDF's text read (tests/pdftext.py:
    the workers share the reading)."""
    found = request.getfixturevalue(f"{request.param}_build")
    pdftext.read_all(sorted(found.sheets.glob("*.pdf")))
    return found


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seed_path() -> Path:
    """The real upstream excerpt, read from ../shared/seed/; tests skip when it is absent."""
    if not SEED.is_file():
        pytest.skip("seed guide ../shared/seed/topic-352.md is not present")
    return SEED


def _register_hypothesis_profiles() -> None:
    """`ci` (the default) is fixed and bounded: the same examples every run, in any folder, no
    example database written; `make fuzz` selects `long`, random and far longer."""
    import os

    from hypothesis import HealthCheck, settings

    # The deadline only catches runaway (quadratic) parsing: an example takes milliseconds, and
    # this 2-core machine is shared, so it is generous.
    common = {"deadline": 5000, "suppress_health_check": [HealthCheck.too_slow]}
    settings.register_profile("ci", max_examples=200, derandomize=True, database=None,
                              print_blob=True, **common)
    settings.register_profile("long", max_examples=5000, **common)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_register_hypothesis_profiles()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium through playwright, one per test module; skips when either is missing."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _modules_building_once(root: Path) -> frozenset[str]:
    """The test modules (as nodeids begin) that define a fixture of module or session scope:
    something built once for all their tests."""
    import ast

    found = set()
    for path in sorted((root / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            for decorator in getattr(node, "decorator_list", []):
                if isinstance(decorator, ast.Call) and any(
                        k.arg == "scope" and isinstance(k.value, ast.Constant)
                        and k.value.value in ("module", "session") for k in decorator.keywords):
                    found.add(path.relative_to(root).as_posix())
    return frozenset(found)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`-n` (xdist's `load`): single tests go to whichever worker is free, but each module that
    builds something once for its tests (a module- or session-scoped fixture of its own: a
    deck, a sheets build, a browser) runs whole in one worker, so that is built once, not once
    per worker. The modules go first, the most tests first; single tests even out the end.
    (xdist's `loadgroup` would do this with marks, but it renames node ids, which pytest 9 no
    longer allows.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    grouped = _modules_building_once(config.rootpath)

    class ModulesWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in grouped else nodeid

    return ModulesWhole(config, log)
