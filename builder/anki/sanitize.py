"""The one place nh3 is used: every HTML fragment bound for an Anki field is cleaned here."""

from __future__ import annotations

import re

import nh3

# What card fields may contain: text structure, code spans and tables; no scripts, styles,
# event handlers or frames, whatever a guide holds.
TAGS = {"a", "b", "br", "code", "dd", "div", "dl", "dt", "em", "i", "img", "kbd", "li", "mark",
        "ol", "p", "pre", "small", "span", "strong", "table", "tbody", "td", "th", "thead", "tr",
        "ul", "wbr"}
ATTRIBUTES = {"*": {"class"}, "a": {"href"}, "img": {"src", "alt"}, "td": {"colspan"},
              "th": {"colspan", "scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Built once: nh3.clean() would convert the whitelists for each of a deck's ~10 fields per note.
_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                       clean_content_tags={"script", "style"}, strip_comments=True)


# Text with none of these is no markup and nothing nh3 would escape or drop: it is returned as it
# is (most fields: a purpose, a cell, a term), which is what nh3 returns for it
# (tests/test_anki_notes.py fuzzes that).
_MAYBE_MARKUP = re.compile(r"[<>&\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\u00a0]")


def clean_html(fragment: str) -> str:
    """`fragment` with everything outside the card whitelist removed."""
    if not _MAYBE_MARKUP.search(fragment):
        return fragment
    return _CLEANER.clean(fragment)
