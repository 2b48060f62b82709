"""Command groups as cards: one card per independent command line, with a cue that tells lines apart."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from functools import lru_cache

from builder.anki.leaks import gives_away, says_more
from builder.i18n import _
from builder.model import CommandGroup, CommandLine, GroupKind, Objective

_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"sudo", "env", "time", "nohup", "exec"}


@dataclass(frozen=True, slots=True)
class CommandCard:
    """What one command note asks: a group's purpose and some of its lines."""

    group: CommandGroup
    lines: tuple[CommandLine, ...]  # what the back shows (a split note: one line)
    key: str  # identity: the pin, else the command (a split group's first line keeps its old key)
    cue: str  # the program that tells this card from the group's others ("" when none does)
    step: int = 0  # 1-based number of its first line within a split group, 0 when whole
    steps: int = 0
    context: str = ""  # what tells it from another card of the same purpose (its section)


def command_groups(o: Objective) -> tuple[CommandGroup, ...]:
    """Groups that make cards: a purpose to recall and lines to show."""
    return tuple(g for g in o.command_groups if g.purpose and g.lines)


@lru_cache(maxsize=8192)
def _split(text: str) -> tuple[str, ...]:
    """shlex's words (the slowest step of making notes; each line is asked for several times)."""
    try:
        return tuple(shlex.split(text, comments=False))
    except ValueError:
        return tuple(text.split())


def words_of(line: CommandLine) -> list[str]:
    words = list(_split(line.normalized))
    while words and (words[0] in _WRAPPERS or _ASSIGN.match(words[0]) or words[0].startswith("-")):
        words.pop(0)
    return words


def program(line: CommandLine) -> str:
    """The program a line runs (after `sudo`, `env` and variable assignments)."""
    words = words_of(line)
    return words[0].rsplit("/", 1)[-1] if words else ""


def units(group: CommandGroup) -> list[tuple[CommandLine, ...]]:
    """The group's commands, each with the heredoc body it opens (through its end marker)."""
    out: list[tuple[CommandLine, ...]] = []
    end: str | None = None
    for line in group.commands:
        if end is not None:
            out[-1] += (line,)
            end = None if line.text.strip() == end else end
            continue
        out.append((line,))
        if m := _HEREDOC.search(line.text):
            end = m.group(1)
    return out


def trivial(group: CommandGroup, lines: tuple[CommandLine, ...], cue: str = "") -> bool:
    """A note that asks nothing: its purpose (with the section and the cue) shows every word of
    the command (`vagrant version`: "show the Vagrant version"), or says nothing the command
    does not (`docker history`: "show the history"; the recognize card would ask nothing)."""
    if not any(ln.normalized.strip() for ln in lines):
        return True  # nothing to show on the back
    text = "\n".join(ln.normalized for ln in lines if not ln.disabled)
    if not text:
        return False  # commented-out lines are shown dimmed, and asked
    purpose = " ".join(group.purposes)
    return (gives_away(text, " ".join((purpose, group.section or "", cue)), "command")
            or not says_more(purpose, f"{text} {group.section or ''}"))


def command_cards(o: Objective) -> list[CommandCard]:
    """Every command note of an objective, in guide order: one per program of a group (the
    variants of one program, or a list of paths, are one note that lists them, cued by the program
    when the group runs several); a command asked twice is asked once, and notes whose fronts
    would read the same get what tells them apart."""
    groups = command_groups(o)
    parts = {g: units(g) for g in groups}
    whole = {_text(u) for g in groups if len(parts[g]) == 1 for u in parts[g]}
    cards: list[CommandCard] = []
    seen: set[str] = set()
    for group in groups:
        if len(parts[group]) == 1:
            if not trivial(group, group.lines):
                cards.append(CommandCard(group, group.lines, group.key, ""))
            continue
        kept: dict[str, list[int]] = {}  # program -> indexes of the units asked under it
        for i, unit in enumerate(parts[group]):
            text = _text(unit)
            if text in seen or text in whole:
                continue  # the same command is already a card of its own
            seen.add(text)
            # A list of paths is one answer; so are the lines of one program (`xl list`,
            # `xl list -l`): the order they are written in is no fact to learn.
            name = "" if group.kind is GroupKind.FILES else program(unit[0])
            kept.setdefault(name, []).append(i)
        cards += _variant_cards(group, parts[group], kept)
    return _told_apart(cards)


def _variant_cards(group: CommandGroup, parts: list[tuple[CommandLine, ...]],
                   kept: dict[str, list[int]]) -> list[CommandCard]:
    """One card per program of a split group, cued by the program when the group runs several;
    the programs whose name would be their answer (`cont`, `stop` at the QEMU monitor) share one
    card without a cue. The first card keeps a pin, every other card the identity of its first
    line (the card that line had before)."""
    several = len(kept) > 1
    cards: list[tuple[str, list[int]]] = []
    uncued: list[int] = []
    for name, indexes in kept.items():
        lines = tuple(ln for i in indexes for ln in parts[i])
        if several and not trivial(group, lines, name):
            cards.append((name, indexes))
        else:
            uncued += indexes
    if uncued:
        cards.append(("", sorted(uncued)))
    out: list[CommandCard] = []
    for cue, indexes in sorted(cards, key=lambda c: c[1][0]):
        lines = tuple(ln for i in indexes for ln in parts[i])
        if trivial(group, lines, cue):
            continue
        key = group.key if group.card_key and not out else _text(parts[indexes[0]])
        out.append(CommandCard(group, lines, key, cue, indexes[0] + 1, len(parts)))
    return out


def _text(unit: tuple[CommandLine, ...]) -> str:
    return "\n".join(line.normalized for line in unit)


def _told_apart(cards: list[CommandCard]) -> list[CommandCard]:
    """Cards with one purpose and cue get their section, else their program and first word,
    unless that gives a line away, else a number."""
    same: dict[tuple[object, ...], list[int]] = {}
    for i, c in enumerate(cards):
        same.setdefault((c.group.purposes, c.cue), []).append(i)
    out = list(cards)
    for indexes in (v for v in same.values() if len(v) > 1):
        group = [cards[i] for i in indexes]
        for how in (lambda c: c.group.section or "", lambda c: " ".join(words_of(c.lines[0])[:2])):
            labels = [how(c) for c in group]
            # A label that names the line ("dumpe2fs -h") would be its answer.
            if (all(labels) and len(set(labels)) == len(labels)
                    and not any(trivial(c.group, c.lines, f"{c.cue} {lb}") for c, lb in zip(group, labels))):
                break
        else:
            labels = [_("variant {k} of {n}").format(k=k, n=len(group)) for k in range(1, len(group) + 1)]
        for i, label in zip(indexes, labels):
            out[i] = replace(cards[i], context=label)
    return out
