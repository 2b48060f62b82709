"""WeasyPrint's findings about a sheet as located diagnostics, kept relative to their objective."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from builder.diagnostics import Diagnostic, Severity
from builder.model import Objective, SourcePos, Topic
from builder.sheets.cache import Entry

# Log lines that only restate a refusal we already report, or say nothing about the guide.
ECHOES = ("Failed to load image at", "Failed to load stylesheet at", ".notdef glyph rendered")
BENIGN = ("Using fontTools instead of HarfBuzz",)


def entry_for(rendered: Any, node: Objective | Topic, templates: tuple[Path, ...] = ()) -> Entry:
    """A render's refusals, missing glyphs and log lines; lines in the guide relative to `node`."""
    found: list[tuple[SourcePos, str, str, str]] = []
    for url, reason in rendered.refused:
        found.append((_url_pos(node, url, templates), "warning", "sheet-url-refused",
                      f"not fetched for the sheet: {url} ({reason}); the sheet is built without it"))
    for char in rendered.missing_glyphs:
        found.append((locate_char(node, char), "warning", "sheet-missing-glyph",
                      f"no installed font draws {char!r} (U+{ord(char):04X}): it prints as a box; "
                      f"{font_advice(char)}, or change the text"))
    found += _overflow(node, getattr(rendered, "overflow", ()))
    for level, message in dict.fromkeys(rendered.log):
        if message.startswith(ECHOES):
            continue
        severity = "info" if message.startswith(BENIGN) else "warning"
        found.append((node.pos, severity, "sheet-render", f"WeasyPrint {level.lower()}: {message}"))
    diagnostics = tuple(dict.fromkeys((pos.path, _offset(pos, node), pos.col, severity, rule, msg)
                                      for pos, severity, rule, msg in found))
    return Entry(rendered.pages, diagnostics)


def _overflow(node: Objective | Topic, outside: Any) -> list[tuple[SourcePos, str, str, str]]:
    """One warning per model node whose text prints past its column, with how far and where."""
    by_pos: dict[SourcePos, list[tuple[int, str, float]]] = {}
    for page, text, past in outside:
        by_pos.setdefault(locate_char(node, text), []).append((page, text, past))
    return [(pos, "warning", "sheet-overflow",
             f"{len(items)} piece(s) of text print past their column, up to {max(i[2] for i in items)} mm "
             f"(page {items[0][0]}: {items[0][1]!r}); a word or table too wide for the column")
            for pos, items in by_pos.items()]


# Scripts by code point range, with the Debian package whose fonts draw them (the stylesheet
# names Noto Sans CJK, and fontconfig falls back to any installed font that has the character).
_FONT_PACKAGES = (
    ((0x1100, 0x11FF), "fonts-noto-cjk"), ((0x2E80, 0x9FFF), "fonts-noto-cjk"),
    ((0xA960, 0xA97F), "fonts-noto-cjk"), ((0xAC00, 0xD7FF), "fonts-noto-cjk"),
    ((0xF900, 0xFAFF), "fonts-noto-cjk"), ((0xFF00, 0xFFEF), "fonts-noto-cjk"),
    ((0x20000, 0x3FFFF), "fonts-noto-cjk"),
    ((0x1F000, 0x1FAFF), "fonts-noto-color-emoji"), ((0x2600, 0x27BF), "fonts-noto-color-emoji"),
)


def font_advice(char: str) -> str:
    """What to install (or do) so a character prints."""
    code = ord(char)
    if 0xE000 <= code <= 0xF8FF or 0xF0000 <= code:
        return "it is a private-use character no font package covers"
    package = next((p for (lo, hi), p in _FONT_PACKAGES if lo <= code <= hi), "fonts-noto-core")
    advice = f"install {package} (apt-get install {package})"
    return advice + (" or use --emoji drop" if package == "fonts-noto-color-emoji" else "")


def _offset(pos: SourcePos, node: Objective | Topic) -> int:
    """Lines in the node's own file are kept relative to it; template lines stay as they are."""
    return pos.line - node.pos.line if pos.path == node.pos.path else pos.line


def rebase(entry: Entry, node: Objective | Topic) -> list[Diagnostic]:
    """Stored findings placed at the node's current lines (it may have moved since it was cached)."""
    return [Diagnostic(SourcePos(path, offset + (node.pos.line if path == node.pos.path else 0), col),
                       Severity(severity), rule, message)
            for path, offset, col, severity, rule, message in entry.diagnostics]


def _url_pos(node: Objective | Topic, url: str, templates: tuple[Path, ...]) -> SourcePos:
    """Where a refused URL was written: an image in the guide, else a line of a template."""
    target = unquote(url)
    for image in getattr(node, "images", ()):
        for name in (image.target, image.resolved):
            if name and target.endswith(name.lstrip("./")):
                return image.pos
    needle = urlsplit(target).path.rsplit("/", 1)[-1] or target
    for folder in templates:
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            lines = path.read_text("utf-8", errors="replace").splitlines() if path.is_file() else []
            for number, line in enumerate(lines, 1):
                if needle in line:
                    return SourcePos(str(path), number, line.index(needle) + 1)
    return node.pos


def locate_char(node: Any, char: str) -> SourcePos:
    """The position of the innermost model node whose text holds `char` (or a longer text)."""
    found = _search(node, char, node.pos)
    return found or node.pos


def _search(value: Any, char: str, pos: SourcePos) -> SourcePos | None:
    if isinstance(value, str):
        return pos if char in value else None
    if isinstance(value, (tuple, list)):
        return next((hit for v in value if (hit := _search(v, char, pos))), None)
    if is_dataclass(value) and not isinstance(value, type):
        here = getattr(value, "pos", pos)
        here = here if isinstance(here, SourcePos) else pos
        return next((hit for f in fields(value) if (hit := _search(getattr(value, f.name), char, here))),
                    None)
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return None  # an enum member
    return None
