"""Writers turn the model into files under dist/; each is one module named in WRITERS.

A writer module is the protocol below: `NAME`, an `Options` dataclass (its typed options, filled
from the command line and cheatdeck.toml by field name) and `write(guide, ctx) -> WriterResult`
(the files it wrote, with what they hold, and its diagnostics); it may have `prepare(jobs)`,
called before the guide is read, to start what `write` would wait for. Modules are imported only when
their format is built, so a missing native library breaks one format, not the tool. Adding a
format is one module and one line here (docs/writers.md shows a whole example).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any, Protocol

from builder.artifacts import WriterResult
from builder.context import BuildContext
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
    Options: type[Any]

    def write(self, guide: Guide, ctx: BuildContext) -> WriterResult: ...


def load_writer(name: str) -> Writer:
    """The writer module for a format name."""
    module: Writer = importlib.import_module(WRITERS[name])  # type: ignore[assignment]
    return module


def available_writers() -> list[str]:
    """Formats whose writer module is present in this installation, in build order."""
    return [name for name, module in WRITERS.items() if importlib.util.find_spec(module) is not None]
