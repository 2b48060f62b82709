"""Small text recognizers shared by the reader: icons, titles, placeholders, raw HTML."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_JOINERS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}
PLACEHOLDER_WORDS = {"foo", "bar", "baz", "todo", "tbd", "tbc", "fixme", "xxx", "lorem ipsum",
                     "placeholder", "...", "…", "coming soon", "wip"}
_HTML_TAGS = ("a|abbr|b|br|center|code|details|div|em|font|h[1-6]|hr|i|iframe|img|kbd|li|object|ol|p|"
              "pre|script|small|span|strong|style|sub|summary|sup|table|tbody|td|th|thead|tr|u|ul|"
              "embed|form|input|button|svg|video|audio|link|meta|base")
RAW_HTML = re.compile(rf"</?(?:{_HTML_TAGS})\b[^<>]*>", re.IGNORECASE)
_BACK_TO_TOP = re.compile(r"^\(?\s*back to\b.*\)?$", re.IGNORECASE)
_SPACE_RUN = re.compile(r"\s{2,}")
_DIRECTIVES = re.compile(r"(?:\s*<!--\s*cheatdeck:.*?-->)+\s*")  # ignore comments, never content


@lru_cache(maxsize=4096)
def is_icon_char(ch: str) -> bool:
    """An emoji or pictograph (or a joiner inside one), as decorative headings use them."""
    if ch in _JOINERS:
        return True
    cat = unicodedata.category(ch)
    return cat == "So" or (cat == "Sk" and 0x1F3FB <= ord(ch) <= 0x1F3FF) or 0x1F1E6 <= ord(ch) <= 0x1F1FF


def split_icon(text: str) -> tuple[str | None, str]:
    """Split leading decorative emoji off a title: '🧱 Types' -> ('🧱', 'Types')."""
    text = text.strip()
    if text[:1].isascii():
        return None, text
    i = 0
    while i < len(text) and (is_icon_char(text[i]) or (i and text[i] == " " and _more_icons(text, i))):
        i += 1
    icon = text[:i].replace(" ", "") or None
    return icon, text[i:].strip()


def _more_icons(text: str, i: int) -> bool:
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    return j < len(text) and is_icon_char(text[j])


def strip_icons(text: str) -> str:
    """Remove every emoji from a text (titles keep them apart in an icon field)."""
    out = text if text.isascii() else "".join(ch for ch in text if not is_icon_char(ch))
    return _SPACE_RUN.sub(" ", out).strip()


def is_placeholder(text: str) -> bool:
    """A stand-in such as `foo` or `TODO` instead of content."""
    return text.strip().strip(".:!").lower() in PLACEHOLDER_WORDS or text.strip() in {"...", "…"}


def is_ignorable_html(text: str) -> bool:
    """Anchors and "back to top" lines that only make sense on a web page; cheatdeck's comments."""
    if "<" not in text:  # no tag, no comment: most paragraphs
        return False
    if "cheatdeck:" in text and _DIRECTIVES.fullmatch(text):
        return True
    stripped = RAW_HTML.sub("", text).strip()
    # one block may hold several: `(back to Sub Topic 202.2)`, `(back to Topic 202)`, `(back to top)`
    return bool(RAW_HTML.search(text)) and all(_BACK_TO_TOP.match(line.strip())
                                               for line in stripped.splitlines() if line.strip())


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def clean_title(text: str) -> str:
    """A heading or caption as clean text: no icons, no zero-width or soft-hyphen characters, no
    trailing colon, single spaces (titles name decks, files and tags)."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return " ".join(strip_icons(text).split()).rstrip(":").strip()
