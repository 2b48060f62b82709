"""The JSON writer: dist/notes.json, the whole model with positions, under a versioned schema."""

from __future__ import annotations

import json
from pathlib import Path

from builder.config import BuildConfig
from builder.model import Guide
from builder.output import atomic_write
from builder.serialize import guide_to_data, relative_to_root

NAME = "json"


def render(guide: Guide) -> str:
    """The model as stable, sorted, indented JSON text, paths relative to the source root."""
    return json.dumps(guide_to_data(relative_to_root(guide)), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write(guide: Guide, config: BuildConfig) -> list[Path]:
    path = atomic_write(config.output / "notes.json", render(guide))
    config.progress(f"json: wrote {path}")
    return [path]
