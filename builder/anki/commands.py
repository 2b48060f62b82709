"""Command groups as cards: one card per independent command line, with a cue that tells lines apart."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from functools import lru_cache

from builder.i18n import _
from builder.model import CommandGroup, CommandLine, GroupKind, Objective

_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"sudo", "env", "time", "nohup", "exec"}
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class CommandCard:
    """What one command note asks: a group's purpose and some of its lines."""

    group: CommandGroup
    lines: tuple[CommandLine, ...]  # what the back shows (a split note: one line)
    key: str  # identity: the pin, else the command (a split group's first line keeps its old key)
    cue: str  # what tells this line from the group's others ("" for a whole group)
    step: int = 0  # 1-based line number within a split group, 0 when whole
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


def _cues(lines: tuple[CommandLine, ...]) -> list[str] | None:
    """A distinct cue per line: its sub-command when the lines share a program, else the program."""
    words = [words_of(line) for line in lines]
    if not all(words):
        return None
    programs = [w[0].rsplit("/", 1)[-1] for w in words]
    cues = []
    for program, w in zip(programs, words):
        sub = next((x for x in w[1:] if not x.startswith("-")), "")
        shared = programs.count(program) > 1
        cues.append(sub if shared and _WORD.match(sub) else program)
    if len(set(cues)) != len(cues):
        # Lines of one program and verb differ in what would be their answer: the step
        # number tells them apart (the purpose usually names them in that order).
        return [""] * len(lines)
    # A cue that is the whole line would be its answer: the step number alone tells it then.
    return ["" if cue == line.normalized else cue for cue, line in zip(cues, lines)]


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


def trivial(group: CommandGroup, lines: tuple[CommandLine, ...]) -> bool:
    """A purpose that is its command (`docker history`), or a command its purpose spells out:
    each card of the note would show its answer on the front."""
    purpose = " ".join((group.purpose or "").casefold().split())
    texts = [ln.normalized.casefold() for ln in lines if not ln.disabled]
    return bool(texts) and (all(t in purpose for t in texts) or any(purpose in t for t in texts))


def command_cards(o: Objective) -> list[CommandCard]:
    """Every command note of an objective, in guide order: one per command (with the heredoc it
    opens); a command asked twice is asked once, and notes whose fronts would read the same get
    what tells them apart."""
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
        # A path's name would be its own answer: paths listed under a comment get a step.
        heads = tuple(u[0] for u in parts[group])
        cues = [""] * len(heads) if group.kind is GroupKind.FILES else _cues(heads) or [""] * len(heads)
        kept = 0  # the group's first kept command keeps the group's identity
        for i, (unit, cue) in enumerate(zip(parts[group], cues)):
            text = _text(unit)
            if text in seen or text in whole or trivial(group, unit):
                continue  # the same command is already a card of its own, or the purpose says it
            seen.add(text)
            # The first kept line keeps a pin; otherwise every line is known by its own text, so
            # the group's first line keeps the identity it had when a group was one card (its
            # first line), and the reviews learners gave it.
            key = group.key if group.card_key and not kept else text
            cards.append(CommandCard(group, unit, key, cue, i + 1, len(cues)))
            kept += 1
    return _told_apart(cards)


def _text(unit: tuple[CommandLine, ...]) -> str:
    return "\n".join(line.normalized for line in unit)


def _told_apart(cards: list[CommandCard]) -> list[CommandCard]:
    """Cards with one purpose and cue get their section, else their program, else a number."""
    same: dict[tuple[object, ...], list[int]] = {}
    for i, c in enumerate(cards):
        same.setdefault((c.group.purposes, c.cue, c.step), []).append(i)
    out = list(cards)
    for indexes in (v for v in same.values() if len(v) > 1):
        group = [cards[i] for i in indexes]
        for how in (lambda c: c.group.section or "", lambda c: " ".join(words_of(c.lines[0])[:2])):
            labels = [how(c) for c in group]
            if all(labels) and len(set(labels)) == len(labels):
                break
        else:
            labels = [_("variant {k} of {n}").format(k=k, n=len(group)) for k in range(1, len(group) + 1)]
        for i, label in zip(indexes, labels):
            out[i] = replace(cards[i], context=label)
    return out
