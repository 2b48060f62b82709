"""Link and image targets: whether they exist inside the source root, and what is never followed."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from builder.diagnostics import Diagnostic, warning
from builder.model import SourcePos
from builder.reader.text import RAW_HTML

_UNSAFE_URL = re.compile(r"\]\(\s*((?:file|javascript|vbscript|data):[^)\s]*)", re.IGNORECASE)


def resolve_target(target: str, file_dir: Path, root: Path) -> tuple[bool | None, str | None]:
    """Whether a relative target exists inside the source root (remote ones are never fetched).

    A target that starts with one `/` means, as on GitHub, the top folder of the git repository
    the file is in (the source root outside a repository); it must still land inside the source
    root, symlinks resolved.
    """
    if not target or target.startswith("#") or re.match(r"^(https?|mailto|ftp):", target, re.I):
        return None, None
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
        return False, None
    clean = target.split("#", 1)[0].split("?", 1)[0]
    base = file_dir
    if clean.startswith("/"):
        base, clean = repository_top(file_dir.resolve()) or root, clean.lstrip("/")
    try:
        resolved = (base / clean).resolve()
        inside = resolved.is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False, None
    if not inside:
        return False, None
    return resolved.is_file(), resolved.relative_to(root.resolve()).as_posix()


@lru_cache(maxsize=256)
def repository_top(folder: Path) -> Path | None:
    """The top folder of the git working tree holding `folder` (where `.git` is), if any."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def unsafe_urls(plain: str, pos: SourcePos) -> list[Diagnostic]:
    """markdown-it refuses file:, javascript:, vbscript: and data: targets and leaves them as text."""
    if "](" not in plain:
        return []
    return [warning(pos, "unsafe-url", f"target '{m.group(1)[:60]}' uses a scheme that is never "
                                       "followed (file:, javascript:, vbscript:, data:); it shows as "
                                       "plain text")
            for m in _UNSAFE_URL.finditer(plain)]


def raw_html(plain: str, pos: SourcePos) -> list[Diagnostic]:
    """Raw HTML is never rendered from markdown: say so where it stands."""
    m = RAW_HTML.search(plain) if "<" in plain else None
    return [warning(pos, "raw-html", f"raw HTML {m.group(0)[:40]!r} is not rendered (it shows as "
                                     "text); write it in markdown")] if m else []
