"""The index that ends a topic PDF: each command and cited object with where it is shown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.model import CitedKind, Objective
from builder.sheets.names import anchor_for, group_anchor

# Words that come before the command itself: a prompt, privilege or environment wrappers.
_PREFIXES = frozenset("$ # sudo doas env nohup time exec".split())
_NAME = re.compile(r"[a-z][\w.+-]*\Z")
_ASSIGNMENT = re.compile(r"\w+=")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    name: str
    kind: str  # "command", or the cited object's kind: "file", "directory", "pattern"
    anchors: tuple[str, ...]  # the first place it is shown in each objective, in topic order


def command_name(line: str) -> str | None:
    """The program a command line runs: `sudo lxc-start -n c1` -> `lxc-start`."""
    for word in line.split():
        if word in _PREFIXES or _ASSIGNMENT.match(word):
            continue
        if word.startswith("."):  # a script of the reader's own (`./build.sh`) is no command to look up
            return None
        name = word.rsplit("/", 1)[-1]
        return name if _NAME.match(name) else None
    return None


def topic_index(objectives: tuple[Objective, ...],
                cited_targets: dict[str, dict[str, str | None]]) -> tuple[IndexEntry, ...]:
    """Commands (from the command lines) and cited objects, with one anchor per objective.

    `cited_targets` maps an objective id to each cited name's first use (as the sheet links it).
    """
    found: dict[tuple[str, str], list[str]] = {}

    def add(name: str, kind: str, anchor: str) -> None:
        anchors = found.setdefault((name, kind), [])
        if anchor not in anchors:
            anchors.append(anchor)

    for o in objectives:
        seen: set[tuple[str, str]] = set()
        for i, group in enumerate(o.command_groups):
            for line in group.commands if group.kind.value == "commands" else ():
                name = command_name(line.normalized)
                if name and (name, "command") not in seen:
                    seen.add((name, "command"))
                    add(name, "command", group_anchor(o.id, i))
        for c in o.cited_objects:
            kind = "command" if c.kind is CitedKind.COMMAND else c.kind.value
            if (c.name, kind) in seen:
                continue
            seen.add((c.name, kind))
            add(c.name, kind, cited_targets.get(o.id, {}).get(c.name) or anchor_for(o.id))
    return tuple(IndexEntry(name, kind, tuple(anchors))
                 for (name, kind), anchors in sorted(found.items(), key=lambda e: (e[0][0].lower(), e[0])))
