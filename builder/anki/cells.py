"""Table cells as cards: which (row, column) pairs are worth asking, and the notes that ask them."""

from __future__ import annotations

from collections import Counter

from builder.anki import fields as f
from builder.anki.context import AnkiNote, NoteContext
from builder.anki.counts import asked_cells, asked_columns, column_values, reversible
from builder.anki.notetypes import ROW
from builder.model import Table, TableRow
from builder.html import rich_to_html

def cell_key(table: Table, row: TableRow, col: int, first: bool) -> str:
    """A row's first asked cell keeps the row's identity (its history); others add the column."""
    key = table.row_key(row)
    header = table.header[col].plain.strip()
    same = sum(1 for h in table.header if h.plain.strip() == header)
    return key if first else f"{key}\x1f{header}" + (f"\x1f#{col}" if same > 1 else "")


def row_notes(ctx: NoteContext, table: Table) -> list[AnkiNote]:
    notes = []
    every, asked = asked_columns(table, common=False), asked_columns(table, common=True)
    values = {col: column_values(table, col) for col in asked}
    for row in table.rows:
        if not row.key:
            continue
        # The row's identity stays with the cell that had it before common columns were left
        # out, so no other cell's note changes identity.
        first = next(iter(asked_cells(table, row, columns=every, worth=False)), None)
        for col in asked_cells(table, row, columns=asked):
            notes.append(_cell(ctx, table, row, col, col == first, values[col]))
    return notes


def _cell(ctx: NoteContext, table: Table, row: TableRow, col: int, first: bool,
          values: Counter[str]) -> AnkiNote:
    # The note type's fields are frozen, so each keeps its name and holds what the card asks:
    # KeyHeader the asked column, Cells the answer, FullTable the rest of the row.
    header = table.header[col].plain.strip()
    section = table.section if table.section != table.title else None
    answer = rich_to_html(row.cells[col])
    values = {**ctx.common(section), "Table": f.text(table.title), "KeyHeader": f.text(header),
              "Row": rich_to_html(row.cells[0]), "Cells": answer,
              # a two-column row has nothing besides its key and the answer
              "FullTable": f.row_cells(table, row, skip=col, with_key=True) if len(table.header) > 2 else "",
              "Reverse": answer if reversible(table, row, col, values) else ""}
    label = f"{table.title} / {row.key}" + ("" if first else f" / {header}")
    return ctx.note(ROW, cell_key(table, row, col, first), label, values, row.pos)
