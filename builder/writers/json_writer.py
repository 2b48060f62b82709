"""The JSON writer: dist/notes.json, the whole model with positions, under a versioned schema."""

from __future__ import annotations

import json
from dataclasses import dataclass

from builder.artifacts import Artifact, WriterResult
from builder.context import BuildContext
from builder.model import Guide
from builder.output import atomic_write
from builder.serialize import guide_to_data

NAME = "json"


@dataclass(frozen=True, slots=True)
class Options:
    """notes.json has no options."""


def render(guide: Guide) -> str:
    """The model as stable, sorted, indented JSON text, paths relative to the source root."""
    return json.dumps(guide_to_data(guide, relative=True), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write(guide: Guide, ctx: BuildContext) -> WriterResult:
    data = render(guide).encode("utf-8")
    path = atomic_write(ctx.output / ctx.named("notes.json"), data)
    ctx.progress(f"json: wrote {path}")
    return WriterResult((Artifact.of(path, data),))
