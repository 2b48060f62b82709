"""Shared test fixtures: paths to fixture roots and the upstream seed guide."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT.parent / "shared" / "seed" / "topic-352.md"


@pytest.fixture(scope="session", autouse=True)
def machine_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Builds keep prepared deck images in the machine's cache (~/.cache/cheatdeck): the tests'
    builds, and the command lines they start, use a folder of their own instead."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("machine-cache")
        patch.setenv("CHEATDECK_CACHE_DIR", str(folder))
        yield folder


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
