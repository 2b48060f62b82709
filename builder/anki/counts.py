"""Which model nodes become cards, and how many cards each kind gives (no Anki libraries)."""

from __future__ import annotations

from collections import Counter

from builder.anki.cloze import flag_cards
from builder.anki.commands import command_cards, command_groups
from builder.anki.cited import explained
from builder.anki.facts import objective_facts
from builder.anki.commands import trivial
from builder.anki.facts import definition_text
from builder.anki.interference import SharedCommands
from builder.anki.leaks import URL, filler_cell, gives_away
from builder.anki.procedures import asked, procedures
from builder.anki.samples import sample_line_facts
from builder.diagnostics import Diagnostic, name_languages, warning
from builder.i18n import override
from builder.remember import remembered
from builder.model import Definition, Guide, Objective, SourcePos, Table, TableRow


MARKS = frozenset("✓✗⚠")  # mark-only cells: yes / no / partly
COMMON = 2 / 3  # a column whose one value fills this share of the rows tells little


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _value(row: TableRow, col: int) -> str:
    return _norm(row.cells[col].plain) if col < len(row.cells) else ""


def parallel_lists(table: Table) -> bool:
    """"Advantages | Drawbacks": sentences side by side, not rows named by a key; a row of such a
    table pairs two unrelated items, so it asks nothing answerable."""
    firsts = [r.cells[0] for r in table.rows if r.cells]
    # sentences: several plain words each, no code and no paths
    prose = all(all(s.style.value == "text" for s in c.spans) and "/" not in c.plain
                and len(c.plain.split()) >= 4 for c in firsts)
    return bool(firsts) and prose and sum(len(c.plain) for c in firsts) / len(firsts) > 30


def asked_columns(table: Table, common: bool = False) -> tuple[int, ...]:
    """Columns after the key that have a header and tell rows apart (not one value repeated);
    with `common`, also those whose one value fills most rows (`no` in five rows of six: the
    answer is a guess, and the odd row shows on the row's other cards)."""
    cols: list[int] = []
    if parallel_lists(table):
        return ()
    for col in range(1, len(table.header)):
        values = [_value(r, col) for r in table.rows]
        counts = Counter(v for v in values if v)
        if not table.header[col].plain.strip() or not counts or (len(counts) < 2 and len(table.rows) > 1):
            continue  # one value in every row
        if common and len(table.rows) >= 3 and max(counts.values()) >= COMMON * len(table.rows):
            continue
        cols.append(col)
    return tuple(cols)


def asked_cells(table: Table, row: TableRow, common: bool = True,
                columns: tuple[int, ...] | None = None, worth: bool = True) -> tuple[int, ...]:
    """The row's cells worth a card: filled, and not given away by the row key or the header
    (nor, with `common`, the answer of most rows of their column). With `worth` (the default),
    also not a filler ("N/A", "High") and not given away by the card's front by the shared rule
    (`hyperv-iso` answers "A Hyper-V VM"); without it, the cells that decided a row's identity
    before that rule. `columns`: the table's `asked_columns(table, common)`, when the caller
    asks for every row."""
    key = _norm(row.cells[0].plain) if row.cells else ""
    out = []
    for col in asked_columns(table, common) if columns is None else columns:
        value = _value(row, col)
        if not value or value in key or value == _norm(table.header[col].plain):
            continue
        if worth and (filler_cell(value) or gives_away(value, cell_front(table, row, col), "term")):
            continue
        out.append(col)
    return tuple(out)


def cell_front(table: Table, row: TableRow, col: int) -> str:
    """What a cell's card shows: the table's title and section, the row's key and the column."""
    return " ".join((table.title, table.section or "", row.cells[0].plain if row.cells else "",
                     table.header[col].plain))


def column_values(table: Table, col: int) -> Counter[str]:
    """How many rows hold each value of a column (for `reversible`, once per table)."""
    return Counter(_value(r, col) for r in table.rows)


def reversible(table: Table, row: TableRow, col: int, values: Counter[str] | None = None) -> bool:
    """Ask the other way round only in "term | meaning" tables, where the meaning names one row.
    `values`: the table's `column_values(table, col)`, when the caller asks for every row."""
    value = _value(row, col)
    key = _norm(row.cells[0].plain)
    same = (values if values is not None else column_values(table, col))[value]
    return (len(table.header) == 2 and same == 1 and value not in MARKS and len(value) > 2
            and key not in value and not gives_away(key, f"{table.title} {value}", "term"))


def cell_count(table: Table) -> tuple[int, int]:
    """(cell cards, reverse cards) a table gives."""
    columns = asked_columns(table, True)
    cells = [(r, c) for r in table.rows if r.key for c in asked_cells(table, r, columns=columns)]
    values = {c: column_values(table, c) for c in columns}
    return len(cells), sum(reversible(table, r, c, values[c]) for r, c in cells)


def card_counts(o: Objective, shared: SharedCommands | None = None) -> dict[str, int]:
    """How many cards each kind gives for an objective (what `inspect` shows); with the guide's
    `shared` commands, a command an earlier objective asks counts there only."""
    rows = [cell_count(t) for t in o.tables]
    commands = command_cards(o)
    steps = procedures(command_groups(o))
    in_steps = {p.group for p in steps}
    flags = sum(len({n for _, _, n in spans}) for _, spans in flag_cards(o, commands))
    flags += sum(f.blanks for f in objective_facts(o) + sample_line_facts(o.samples))
    flags += sum(sum(asked(p)) for p in steps)
    shared = shared or SharedCommands()
    return {"overview": int(o.weight is not None),
            "command": 2 * sum(c.group not in in_steps and shared.makes_note(o.id, c) for c in commands),
            "cited": sum(explained(o, c) for c in o.cited_objects),
            "row": sum(a + b for a, b in rows),
            "definition": sum(definition_asks(d) for d in o.definitions), "timeline": len(o.timeline), "cloze": flags}


def definition_asks(d: Definition) -> bool:
    """Does a definition's card teach something: an answer with a word its term does not show?"""
    text = definition_text(d).plain.strip()
    return bool(text) and not gives_away(text, d.term, "text")


def asks_nothing(o: Objective) -> list[tuple[SourcePos, str]]:
    """What would make cards that ask nothing, and so makes none (`card-asks-nothing`): a purpose
    that gives its command away or says no more than it, a definition that repeats its term, a
    cell that is only a link."""
    found = [(g.pos, f"the purpose '{g.purpose}' gives its command away or says nothing it does not: "
                     "it makes no command card (say what the command is for)")
             for g in command_groups(o) if trivial(g, g.lines)]
    found += [(d.pos, f"the definition of '{d.term}' adds nothing to the term: it makes no card")
              for d in o.definitions if not definition_asks(d)]
    for table in o.tables:
        for row in table.rows:
            found += [(row.pos, f"the cell '{c.plain.strip()}' of row '{row.key}' in '{table.title}' is "
                                "only a link: it makes no card (say what is there)")
                      for c in row.cells[1:] if URL.fullmatch(c.plain.strip())]
    return found


def card_diagnostics(guide: Guide) -> list[Diagnostic]:
    """`card-asks-nothing` over a guide, for `check`: found by the card makers' own rule."""
    with override(guide.lang):  # words are stemmed in the guide's language, as when notes are made
        found = [warning(pos, "card-asks-nothing", message)
                 for o in guide.objectives for pos, message in _found(o, guide.lang)]
    return name_languages(found, guide.languages)


def _found(o: Objective, lang: str) -> tuple[tuple[SourcePos, str], ...]:
    """asks_nothing, kept for an objective the next build reads unchanged (`build --watch`)."""
    return remembered("asks-nothing", (o, lang), lambda: tuple(asks_nothing(o)))
