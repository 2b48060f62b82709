"""The JSON writer: dist/notes.json, the whole model with positions, under a versioned schema."""

from __future__ import annotations

import io
from dataclasses import dataclass

from builder.artifacts import Artifact, WriterResult
from builder.context import BuildContext
from builder.model import Guide
from builder.output import atomic_file
from builder.serialize import write_notes_json

NAME = "json"


@dataclass(frozen=True, slots=True)
class Options:
    """notes.json has no options."""


def render(guide: Guide) -> str:
    """The model as stable, sorted, indented JSON text, paths relative to the source root."""
    out = io.StringIO()
    write_notes_json(guide, out)
    return out.getvalue()


def write(guide: Guide, ctx: BuildContext) -> WriterResult:
    path = ctx.output / ctx.named("notes.json")
    with atomic_file(path) as fh:  # written as it is made: a large guide's JSON is tens of MB
        # A file name that is not UTF-8 reaches the model as surrogate escapes (os.fsdecode):
        # written as the JSON escape `\udcff`, which reads back as the same name.
        text = io.TextIOWrapper(fh, encoding="utf-8", errors="backslashreplace", newline="")
        write_notes_json(guide, text)
        text.flush()
        text.detach()
    ctx.progress(f"json: wrote {path}")
    return WriterResult((Artifact.of(path),))
