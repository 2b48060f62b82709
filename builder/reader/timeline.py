"""Mermaid `timeline` blocks to timeline events."""

from __future__ import annotations

import re

from builder.model import SourcePos, TimelineEvent

_TIMELINE_ENTRY = re.compile(r"^\s*([^:]+?)\s*:\s*(.+)$")


def parse_timeline(content: str, path: str, fence_line: int) -> list[TimelineEvent]:
    """A mermaid `timeline` block: `title ...`, then `period : event : event` lines."""
    lines = content.split("\n")
    if not lines or lines[0].strip().lower() != "timeline":
        return []
    title = None
    events: list[TimelineEvent] = []
    for offset, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if stripped.lower().startswith("title "):
            title = stripped[6:].strip()
            continue
        if not stripped or stripped.lower().startswith(("section ", "%%")):
            continue
        pos = SourcePos(path, fence_line + offset)
        if stripped.startswith(":") and events:
            last = events[-1]
            extra = tuple(e.strip() for e in stripped[1:].split(":") if e.strip())
            events[-1] = TimelineEvent(last.period, last.events + extra, last.timeline, last.pos)
        elif m := _TIMELINE_ENTRY.match(stripped):
            items = tuple(e.strip() for e in m.group(2).split(":") if e.strip())
            events.append(TimelineEvent(m.group(1).strip(), items, title, pos))
    return events
