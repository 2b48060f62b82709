"""Where the files that ship with the tool are: templates (Jinja2, CSS, Anki card templates)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def templates_dir() -> Path:
    """`templates/` of a source checkout, else the copy installed inside the wheel."""
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("builder.templates")))


def schema_path() -> Path:
    return Path(str(resources.files("builder") / "schema" / "notes.schema.json"))
