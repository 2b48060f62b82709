"""Command groups whose lines are steps of one procedure: one cloze note over the sequence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.anki.cloze import safe
from builder.anki.commands import program, trivial, units, words_of
from builder.anki.leaks import gives_away, setup_step
from builder.anki.fields import breakable
from builder.model import CommandGroup, CommandLine, GroupKind

MAX_STEPS = 8  # a longer sequence is a script to read, not steps to recall (and would not fit)
# The purpose says the lines come in order: "set ..., then rebuild the GRUB menu".
_ORDERED = re.compile(r"\b(then|first|afterwards|finally)\b", re.I)
# The purpose offers the lines as choices: "shut down or reboot a guest".
_CHOICE = re.compile(r"\bor\b", re.I)
# Words many unrelated lines share; a subject is a name (`web01`, `br0`, `/srv/x.qcow2`).
_COMMON = frozenset("""help up down on off all any none type master list show info set get add
    del yes no true false default status start stop run name new dev id""".split())
_SHELL = frozenset("| || && ; > >> < 2> 2>&1 & $".split())


@dataclass(frozen=True, slots=True)
class Procedure:
    """A group whose lines are steps: each step (with the heredoc it opens) is one blank."""

    group: CommandGroup
    steps: tuple[tuple[CommandLine, ...], ...]

    @property
    def key(self) -> str:
        # The group's own key (its lines, or its pin): rewording the purpose keeps the note.
        return f"procedure\x1f{self.group.key}"


def subjects(line: CommandLine) -> set[str]:
    """The names a line works on: its arguments and option values, not the program, its
    sub-command, options, shell operators or common words."""
    words = words_of(line)
    out: set[str] = set()
    for i, word in enumerate(words):
        if i == 0 or (i == 1 and re.fullmatch(r"[a-z][a-z0-9-]*", word)) or word in _SHELL:
            continue
        if word.startswith("-"):
            if "=" not in word:
                continue
            word = word.split("=", 1)[1]
        for part in re.split(r",\s*", word):
            part = part.rsplit("=", 1)[-1].strip("'\"").rstrip("/")
            if len(part) >= 2 and part.casefold() not in _COMMON and not part.startswith("-"):
                # `lab.xml` defines the network `lab`, `appliance.ova` unpacks `appliance.ovf`.
                out |= {part, part if "/" in part else re.sub(r"(?<=\w)\.\w+$", "", part)}
    return out


def _verb(line: CommandLine) -> tuple[str, ...]:
    """The program and its sub-commands: `docker service inspect`, `ip link set`."""
    words = words_of(line)
    verb = words[:1]
    for word in words[1:3]:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        verb.append(word)
    return tuple(verb)


def is_procedure(group: CommandGroup) -> bool:
    """Are the group's lines steps of one procedure (rather than independent commands)?

    Yes when it has 2 to MAX_STEPS commands (not a list of paths) and either its purpose orders
    them ("..., then ...") or every line after the first names something an earlier line named
    (the VM, container, bridge or file the steps work on), the lines do not all run one command
    (variants of `docker service inspect`) and the purpose does not offer them as choices
    ("... or ...")."""
    steps = units(group)
    if group.kind is GroupKind.FILES or not 2 <= len(steps) <= MAX_STEPS:
        return False
    if any(step[0].normalized.startswith("-") for step in steps):
        return False  # `--pid: processes see ...`: notes in a code block, not commands
    purpose = " ".join(group.purposes)
    if _ORDERED.search(purpose):
        return True
    if _CHOICE.search(purpose) or len({_verb(step[0]) for step in steps}) == 1:
        return False  # choices, or one command with other arguments: variants, not steps
    seen = subjects(steps[0][0])
    for step in steps[1:]:
        names = subjects(step[0])
        if not names & seen:
            return False
        seen |= names
    return True


def procedures(groups: tuple[CommandGroup, ...]) -> list[Procedure]:
    """The groups that are procedures with at least two steps to ask."""
    found = (Procedure(g, tuple(units(g))) for g in groups if is_procedure(g))
    return [p for p in found if sum(asked(p)) >= 2]


def asked(p: Procedure) -> list[bool]:
    """Which steps are blanks: not a setup step (`mkdir`, `cat > file`), not one the purpose
    spells out, and not one the rest of the card gives away (another step that contains it,
    or its inverse: `docker unpause web` answers `docker pause web`)."""
    texts = [" ".join(ln.normalized for ln in step) for step in p.steps]
    context = " ".join(p.group.purposes + (p.group.section or "",))
    out = []
    for i, (step, text) in enumerate(zip(p.steps, texts)):
        rest = " ".join([context] + [t for j, t in enumerate(texts) if j != i])
        out.append(not setup_step(program(step[0])) and not trivial(p.group, step)
                   and not gives_away(text, rest, "command"))
    return out


def cloze_text(p: Procedure) -> tuple[str, int]:
    """The purpose, then every step as a blank (c1..cN) with the other steps shown."""
    lines, n = [], 0
    for step, blank in zip(p.steps, asked(p)):
        body = safe("\n".join(ln.text for ln in step))
        if blank:
            n += 1
            body = f"{{{{c{n}::{body}}}}}"
        lines.append(f'<span class="ln">{breakable(body)}</span>')
    purposes = "<br>".join(safe(x) for x in p.group.purposes)
    return (f'<div class="purpose">{purposes}</div>'
            f'<pre class="code">{"".join(lines)}</pre>'), n

