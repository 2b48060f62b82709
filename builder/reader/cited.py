"""Cited Objects entries: a name, its kind and the annotation in parentheses."""

from __future__ import annotations

import re

from builder.model import CitedKind, CitedObject, SourcePos

_NOTE = re.compile(r"^(?P<name>.*?)\s*\((?P<note>[^()]*)\)\s*$")
_REGEX_SYNTAX = re.compile(r"\[[^\]]*\]|[+*?]|\\[dws]|\{\d|\^|\$$|\|")
_DIR_PREFIXES = ("/sys/", "/proc/", "/var/lib/", "/var/run/", "/var/log/", "/var/cache/", "/run/",
                 "/dev/", "/usr/", "/opt/", "/srv/")
_FILE_NAMES = re.compile(r"^(?:[\w.-]+\.[A-Za-z0-9]+|[A-Z][a-z]*file)$")


def parse_cited_object(text: str, pos: SourcePos) -> CitedObject | None:
    """One Cited Objects line such as `ip (including relevant subcommands)` or `/proc/[0-9]+/ns`."""
    text = text.strip().strip("`").strip()
    text = re.sub(r"^[-*+]\s+", "", text)
    if not text or text.startswith(("#", "![", "<!--")) or text.lower().startswith(("http://", "https://")):
        return None  # a comment, a picture or an address in the list is not an object
    note = None
    m = _NOTE.match(text)
    if m and m.group("name"):
        text, note = m.group("name").strip().strip("`"), m.group("note").strip()
    return CitedObject(text, classify(text), note, pos)


def classify(name: str) -> CitedKind:
    """Command, file, directory or pattern, from the shape of the name."""
    if name.startswith(("/", "~", "./")):
        if _REGEX_SYNTAX.search(name):
            return CitedKind.PATTERN
        if name.endswith("/"):
            return CitedKind.DIRECTORY
        last = name.rsplit("/", 1)[-1]
        if "." in last.lstrip("."):
            return CitedKind.FILE
        return CitedKind.DIRECTORY if name.startswith(_DIR_PREFIXES) else CitedKind.FILE
    if _FILE_NAMES.match(name) and not name.islower() or "." in name and " " not in name:
        return CitedKind.FILE
    return CitedKind.COMMAND
