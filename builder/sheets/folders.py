"""Where sheet templates are found, and a digest of them for the render cache (no Jinja import)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from builder.resources import templates_dir


def sheet_template_dirs(replacement: Path | None) -> tuple[Path, ...]:
    """Where sheet templates are looked up: the --templates folder first, then the built-in ones."""
    builtin = templates_dir() / "sheets"
    if replacement is None:
        return (builtin,)
    return (Path(replacement) / "sheets", builtin)


def templates_digest(dirs: tuple[Path, ...]) -> str:
    """A hash of every template file that could be used, for the render cache key."""
    digest = hashlib.sha256()
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
