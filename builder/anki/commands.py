"""Command groups as cards: one card per independent command line, with a cue that tells lines apart."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

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
    key: str  # identity: a group's first split note keeps the group's key (its history)
    cue: str  # what tells this line from the group's others ("" for a whole group)
    step: int = 0  # 1-based line number within a split group, 0 when whole
    steps: int = 0


def command_groups(o: Objective) -> tuple[CommandGroup, ...]:
    """Groups that make cards: a purpose to recall and lines to show."""
    return tuple(g for g in o.command_groups if g.purpose and g.lines)


def words_of(line: CommandLine) -> list[str]:
    try:
        words = shlex.split(line.normalized, comments=False)
    except ValueError:
        words = line.normalized.split()
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
        return None
    # A cue that is the whole line would be its answer: the step number alone tells it then.
    return ["" if cue == line.normalized else cue for cue, line in zip(cues, lines)]


def _splittable(group: CommandGroup) -> bool:
    # Paths under a comment are one list; a heredoc's body lines belong to the line that opens it.
    if group.kind is not GroupKind.COMMANDS:
        return False
    return len(group.commands) > 1 and not any(_HEREDOC.search(ln.text) for ln in group.lines)


def command_cards(o: Objective) -> list[CommandCard]:
    """Every command note of an objective, in guide order; a line asked twice is asked once."""
    groups = command_groups(o)
    whole = {ln.normalized for g in groups if not _splittable(g) for ln in g.commands}
    cards: list[CommandCard] = []
    seen: set[str] = set()
    for group in groups:
        cues = _cues(group.commands) if _splittable(group) else None
        if cues is None:
            cards.append(CommandCard(group, group.lines, group.key, ""))
            continue
        for i, (line, cue) in enumerate(zip(group.commands, cues)):
            text = line.normalized
            if i and (text in whole or text in seen):
                continue  # the same line is already a card of its own
            seen.add(text)
            key = group.key if i == 0 else text
            cards.append(CommandCard(group, (line,), key, cue, i + 1, len(cues)))
    return cards
