"""Writers turn the model into files under dist/; each lives in its own module.

A writer module exposes `NAME` and `write(guide, config) -> list[Path]`. Modules are imported
only when their format is built, so a missing native library breaks one format, not the tool.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Protocol

from builder.config import BuildConfig
from builder.diagnostics import Diagnostic
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


class Findings:
    """Diagnostics a writer found during its last write(), handed to the pipeline once.

    A writer module keeps one instance and exposes `take_diagnostics = FINDINGS.take`; the
    pipeline runs writers in threads, hence the lock.
    """

    def __init__(self) -> None:
        self._found: list[Diagnostic] = []
        self._lock = threading.Lock()

    def replace(self, found: list[Diagnostic]) -> None:
        with self._lock:
            self._found[:] = found

    def take(self) -> list[Diagnostic]:
        with self._lock:
            found = list(self._found)
            self._found.clear()
        return found


def load_writer(name: str) -> Writer:
    """The writer module for a format name."""
    module: Writer = importlib.import_module(WRITERS[name])  # type: ignore[assignment]
    return module


def available_writers() -> list[str]:
    """Formats whose writer module is present in this installation, in build order."""
    import importlib.util

    return [name for name, module in WRITERS.items() if importlib.util.find_spec(module) is not None]
