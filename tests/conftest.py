"""Shared test fixtures: paths to fixture roots and the upstream seed guide."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT.parent / "shared" / "seed" / "topic-352.md"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seed_path() -> Path:
    """The real upstream excerpt, read from ../shared/seed/; tests skip when it is absent."""
    if not SEED.is_file():
        pytest.skip("seed guide ../shared/seed/topic-352.md is not present")
    return SEED
