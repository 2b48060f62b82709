"""Card identity inside one objective: repeated commands merged, remaining key clashes numbered.

Every node that makes a card has a `key` (see the model). Guides written by others repeat
themselves, so two nodes of one objective may share a key; a build must still write its deck:

1. Command groups with the same command lines (white space folded) are one fact: the later ones
   are merged into the first, which keeps every purpose they were written under (`also`) and
   where they stand (`repeats`); an `info` says so.
2. Any other nodes of one kind that still share a key (two pins with one name, a term defined
   twice in one section, a table row repeated) keep their source order: the first keeps the key,
   the n-th gets `occurrence = n`, and a `warning` names both places.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from builder.diagnostics import Diagnostic, info, warning
from builder.model import CommandGroup, Objective, Table

T = TypeVar("T")


def resolve_identities(o: Objective) -> tuple[Objective, list[Diagnostic]]:
    """The objective with repeated command groups merged and every card key unique per kind."""
    diags: list[Diagnostic] = []
    groups = _merge_repeated_commands(o.command_groups, diags)
    groups = _number(groups, lambda g: g.key if g.purpose and g.lines else None,
                     "command group", diags)
    cited = _number(o.cited_objects, lambda c: c.key, "cited object", diags)
    tables = _number_rows(o.tables, diags)
    definitions = _number(o.definitions, lambda d: d.key, "definition", diags)
    timeline = _number(o.timeline, lambda e: e.key, "timeline period", diags)
    resolved = replace(o, command_groups=groups, cited_objects=cited, tables=tables,
                       definitions=definitions, timeline=timeline)
    return resolved, diags


def _merge_repeated_commands(groups: Sequence[CommandGroup],
                             diags: list[Diagnostic]) -> tuple[CommandGroup, ...]:
    """Groups whose command lines repeat an earlier group's are folded into that group."""
    out: list[CommandGroup] = []
    first: dict[tuple[str | None, tuple[str, ...]], int] = {}
    for group in groups:
        lines = tuple(line.normalized for line in group.lines)
        if not lines or not group.purpose:
            out.append(group)
            continue
        at = first.setdefault((group.card_key, lines), len(out))
        if at == len(out):
            out.append(group)
            continue
        kept = out[at]
        same = group.purpose in kept.purposes
        how = "under the same purpose" if same else f"under another purpose ('{group.purpose}')"
        diags.append(info(group.pos, "repeated-command",
                          f"these command lines repeat those at {kept.pos} {how}: they make one "
                          f"card{'' if same else ' that asks for them from either purpose'}"))
        out[at] = replace(kept, also=kept.also if same else kept.also + (group.purpose,),
                          repeats=kept.repeats + (group.pos,),
                          important=kept.important or group.important)
    return tuple(out)


def _number(nodes: Sequence[T], key_of: Callable[[T], str | None], what: str,
            diags: list[Diagnostic]) -> tuple[T, ...]:
    """Nodes that share a key with an earlier one get occurrence 2, 3, … in source order."""
    seen: dict[str, T] = {}
    count: dict[str, int] = {}
    out: list[T] = []
    for node in nodes:
        key = key_of(node)
        if key is None:
            out.append(node)
            continue
        if key not in seen:
            seen[key] = node
            count[key] = 1
            out.append(node)
            continue
        count[key] += 1
        numbered = replace(node, occurrence=count[key])  # type: ignore[type-var]
        diags.append(_clash(what, key, node, seen[key], count[key]))
        out.append(numbered)
    return tuple(out)


def _number_rows(tables: Sequence[Table], diags: list[Diagnostic]) -> tuple[Table, ...]:
    """Rows of tables of one title share one key space (their cards are told apart by it)."""
    seen: dict[str, object] = {}
    count: dict[str, int] = {}
    out = []
    for table in tables:
        rows = []
        numbered = False
        for row in table.rows:
            if not row.key:
                rows.append(row)
                continue
            key = table.row_key(row)
            if key not in seen:
                seen[key], count[key] = row, 1
                rows.append(row)
                continue
            count[key] += 1
            diags.append(_clash("table row", key, row, seen[key], count[key]))
            rows.append(replace(row, occurrence=count[key]))
            numbered = True
        out.append(replace(table, rows=tuple(rows)) if numbered else table)
    return tuple(out)


def _clash(what: str, key: str, node: object, first: object, n: int) -> Diagnostic:
    shown = key.replace("\x1f", " / ").replace("\n", "; ")
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return warning(node.pos, "identity-collision",  # type: ignore[attr-defined]
                   f"{what} '{shown}' has the same card identity as the one at "
                   f"{first.pos}; this one is card #{n} in source order (pin one with "  # type: ignore[attr-defined]
                   f"<!-- card: KEY --> to name it)")
