"""Anki's own backend for the deck tests: a fresh collection, a package imported into it, a fixed build time."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


# A test module that imports this one is skipped as a whole where Anki's backend is missing.
anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest

T0 = 1_780_000_000  # the build time (SOURCE_DATE_EPOCH) the deck tests start from


@contextmanager
def source_date_epoch(value: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to `value` for the block, then restored."""
    # Set directly, as a user's shell would: the build reads it once, when its context is made.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(value)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def open_collection(folder: Path) -> Collection:
    """A fresh, empty Anki collection in `folder` (created if needed); the caller closes it."""
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_deck(col: Collection, apkg: Path):  # type: ignore[no-untyped-def]
    """Import an .apkg with Anki's default options; returns the import log (new, updated, ...)."""
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


@contextmanager
def collection(folder: Path, *packages: Path) -> Iterator[Collection]:
    """A fresh collection with `packages` imported in order, closed after the block."""
    col = open_collection(folder)
    try:
        for apkg in packages:
            import_deck(col, apkg)
        yield col
    finally:
        col.close()
