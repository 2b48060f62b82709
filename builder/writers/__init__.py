"""Writers turn the model into files under dist/; each lives in its own module.

A writer module exposes `NAME` and `write(guide, config) -> list[Path]`. Modules are imported
only when their format is built, so a missing native library breaks one format, not the tool.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Protocol

from builder.config import BuildConfig
from builder.model import Guide

WRITERS: dict[str, str] = {
    "json": "builder.writers.json_writer",
    "anki": "builder.writers.anki",
    "sheets": "builder.writers.sheets",
    "exam-anki": "builder.writers.exam_anki",
    "exam-sheet": "builder.writers.exam_sheet",
}


class Writer(Protocol):
    NAME: str

    def write(self, guide: Guide, config: BuildConfig) -> list[Path]: ...


def load_writer(name: str) -> ModuleType:
    """The writer module for a format name."""
    return importlib.import_module(WRITERS[name])


def available_writers() -> list[str]:
    """Formats whose writer module is present in this installation, in build order."""
    import importlib.util

    return [name for name, module in WRITERS.items() if importlib.util.find_spec(module) is not None]
