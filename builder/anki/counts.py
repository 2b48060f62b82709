"""Which model nodes become cards, and how many cards each kind gives (no Anki libraries)."""

from __future__ import annotations

from builder.model import CommandGroup, Objective, Table, TableRow


def command_groups(o: Objective) -> tuple[CommandGroup, ...]:
    """Groups that make cards: a purpose to recall and lines to show."""
    return tuple(g for g in o.command_groups if g.purpose and g.lines)


def carded_rows(table: Table) -> tuple[TableRow, ...]:
    """Rows that make cards: those with a first cell to name them by."""
    return tuple(r for r in table.rows if r.key)


def has_reverse(table: Table, row: TableRow) -> bool:
    """Two-column "term | meaning" rows are asked both ways."""
    return len(table.header) == 2 and len(row.cells) == 2 and bool(row.cells[1])


def card_counts(o: Objective) -> dict[str, int]:
    """How many cards each kind gives for an objective (what `inspect` shows)."""
    rows = [(t, r) for t in o.tables for r in carded_rows(t)]
    return {"overview": 1, "command": 2 * len(command_groups(o)), "cited": len(o.cited_objects),
            "row": len(rows) + sum(has_reverse(t, r) for t, r in rows),
            "definition": len(o.definitions), "timeline": len(o.timeline)}
