"""The sheets writer: a printable PDF (and standalone HTML) per objective and per topic.

WeasyPrint's findings (refused URLs, missing glyphs) are located diagnostics; the pipeline
collects them with `take_diagnostics()` after `write()`, so `--strict` counts them.
"""

from __future__ import annotations

import threading
from pathlib import Path

from builder.config import BuildConfig
from builder.diagnostics import Diagnostic
from builder.model import Guide

NAME = "sheets"

_found: list[Diagnostic] = []
_lock = threading.Lock()


def write(guide: Guide, config: BuildConfig) -> list[Path]:
    from builder.sheets.build import SheetBuild

    build = SheetBuild(guide, config)
    outputs = build.run()
    with _lock:
        _found[:] = build.diagnostics
    config.progress(f"sheets: {len(outputs)} file(s) in {config.output / 'sheets'}")
    return outputs


def take_diagnostics() -> list[Diagnostic]:
    """The findings of the last write(), once (the list is emptied)."""
    with _lock:
        found = list(_found)
        _found.clear()
    return found
