"""Cloze text: command lines with their options blanked, and sentences with their marked terms blanked."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from html import escape

from builder.anki.commands import CommandCard, program, units, words_of
from builder.anki.leaks import everyday, gives_away
from builder.model import CitedKind, CommandLine, Objective

Span = tuple[int, int, int]  # start, end and cloze number of a blank
MAX_BLANKS = 4  # cards per note: a line with more options drills the first four
_TOKEN = re.compile(r"\S+")
_OPTION = re.compile(r"^--?[A-Za-z]")
_PIPES = frozenset("| || && ; & > >> < 2> 2>&1 $(".split())


def safe(text: str) -> str:
    """Escaped text in which `{{`, `}}` and `::` cannot open, close or split a cloze."""
    return (escape(text, quote=False).replace("{{", "{<span></span>{")
            .replace("}}", "}<span></span>}").replace("::", ":<span></span>:"))


def blank(text: str, spans: list[tuple[int, int, int]]) -> str:
    """`text` escaped, with each (start, end, number) span wrapped as `{{cN::…}}`."""
    out, last = [], 0
    for start, end, n in sorted(spans):
        out.append(safe(text[last:start]) + f"{{{{c{n}::{safe(text[start:end])}}}}}")
        last = end
    return "".join(out) + safe(text[last:])


def _masked(text: str, spans: list[Span]) -> str:
    """What a card's front shows of the line: the text with every blank hidden."""
    for start, end, _ in sorted(spans, reverse=True):
        text = text[:start] + "\0" + text[end:]
    return text


def drilled_programs(o: Objective) -> set[str]:
    """Programs whose options are worth drilling: those the objective cites."""
    return {c.name.split()[0].rsplit("/", 1)[-1] for c in o.cited_objects if c.kind is CitedKind.COMMAND}


def drilled(card: CommandCard, prog: str, cited: set[str]) -> bool:
    """Options worth learning: of a cited program, or of the program the section (or the
    Important Commands list) is about, but never of an everyday utility the objective does not
    cite (`ls -l`, `grep -E`, `ping -c`)."""
    if prog in cited:
        return True
    if not prog or everyday(prog):
        return False
    section = (card.group.section or "").casefold()
    return card.group.important or re.search(rf"(?<![\w-]){re.escape(prog.casefold())}(?![\w-])",
                                             section) is not None


def option_names(line: CommandLine) -> set[tuple[str, str]]:
    """(program, option) pairs a line uses: how often an option recurs says how telling it is."""
    prog = program(line)
    return {(prog, tok.split("=", 1)[0]) for tok in line.normalized.split() if _OPTION.match(tok)}


def _quoted(text: str, at: int) -> bool:
    """Does position `at` of a command line sit inside quotes (or start a quoted word)?"""
    before = text[:at + 1]
    return before.count("'") % 2 == 1 or before.count('"') % 2 == 1


def _front(card: CommandCard, line: str, hidden: str) -> str:
    """What a blank's card shows: the purposes, the section and the rest of the line."""
    rest = re.sub(rf"(?<!\S){re.escape(hidden)}(?=[\s=]|$)", " ", line)
    return " ".join(card.group.purposes + (card.group.section or "", rest))


def option_spans(card: CommandCard, line: CommandLine, subcommands: set[str],
                 seen: Counter[tuple[str, str]]) -> list[tuple[int, int, int]]:
    """What to blank in a one-line card: its rarest options (those that carry the line's meaning,
    not the `-m 2G` every line has; an option written twice is one blank), else its sub-command;
    never the program, and never what the front would give away (the purpose, the section or
    the rest of the line naming it: "force ..." for `--force`)."""
    prog = program(line)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(line.text)]
    # Only the program's own words: `grep -E` after a `|`, or `-alF` inside `alias ll='ls -alF'`,
    # belongs to another program.
    cut = next((i for i, (_, _, tok) in enumerate(tokens) if tok in _PIPES), len(tokens))
    after = line.text[tokens[cut][0]:] if cut < len(tokens) else ""  # shown, never blanked
    tokens = [t for t in tokens[:cut] if not _quoted(line.text, t[0])]
    names = {tok.split("=", 1)[0] for _, _, tok in tokens if _OPTION.match(tok)}
    names = {n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", after)}
    names = {n for n in names if not gives_away(n, _front(card, line.text, n), "term")}
    ranked = sorted(names, key=lambda n: (seen[(prog, n)], n))
    if ranked:
        rarest = seen[(prog, ranked[0])]
        ranked = [n for n in ranked if seen[(prog, n)] <= max(2, rarest)][:MAX_BLANKS]
    numbers = {n: i for i, n in enumerate(sorted(ranked, key=lambda n: line.text.find(n)), 1)}
    spans = [(start, start + len(tok.split("=", 1)[0]), numbers[tok.split("=", 1)[0]])
             for start, _, tok in tokens if tok.split("=", 1)[0] in numbers]
    if spans:
        return spans
    at = next((i for i, (_, _, tok) in enumerate(tokens) if tok.rsplit("/", 1)[-1] == prog), None)
    if at is None or at + 1 >= len(tokens):
        return []
    start, end, tok = tokens[at + 1]
    # A cue names the sub-command; in a group of several lines the purpose would fit another
    # line's sub-command too ("pause a guest and let it continue": suspend or resume?).
    ok = (tok in subcommands and not card.cue and len(units(card.group)) == 1
          and not gives_away(tok, _front(card, line.text, tok), "term")
          and not re.search(rf"(?<![\w-]){re.escape(tok)}(?![\w-])", after))
    return [(start, end, 1)] if ok else []


def subcommands_of(cards: list[CommandCard]) -> set[str]:
    """Words after a program that vary between its lines: `start`, `stop` after `vzctl`."""
    seen: dict[str, set[str]] = {}
    for card in cards:
        for line in card.group.commands:
            words = words_of(line)
            if len(words) > 1 and re.fullmatch(r"[a-z][a-z0-9-]*", words[1]):
                seen.setdefault(program(line), set()).add(words[1])
    return {w for words in seen.values() if len(words) > 1 for w in words}


def _one_line_cards(card: CommandCard) -> list[tuple[CommandCard, CommandLine]]:
    """Each command of a card that is one line (not a heredoc), as a card of its own: the lines
    of a variants card (`xl list`, `xl list -l`) are drilled one by one."""
    mine = {id(ln) for ln in card.lines}
    out = []
    for unit in units(card.group):
        commands = [ln for ln in unit if not ln.disabled]
        if id(unit[0]) in mine and len(unit) == 1 and len(commands) == 1:
            out.append((replace(card, lines=unit), commands[0]))
    return out


def flag_cards(o: Objective, cards: list[CommandCard]) -> list[tuple[CommandCard, list[Span]]]:
    """One-line commands worth drilling (of a cited program, the section's program or under
    Important Commands) and their blanks."""
    cited = drilled_programs(o)
    subs = subcommands_of(cards)
    counts = Counter(pair for g in o.command_groups for ln in g.commands for pair in option_names(ln))
    out, seen, fronts = [], set(), set()
    for card, line in (pair for c in cards for pair in _one_line_cards(c)):
        if line.normalized in seen or not drilled(card, program(line), cited):
            continue
        spans = option_spans(card, line, subs, counts)
        # Two lines of one purpose that differ only in what is blanked would ask the same.
        masked = (card.group.purposes, _masked(line.text, spans))
        if spans and masked not in fronts:
            fronts.add(masked)
            seen.add(line.normalized)
            out.append((card, spans))
    return out
