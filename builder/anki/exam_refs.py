"""Where the guide answers an exam question: the command group, definition or table row it tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.model import (
    CommandGroup, CommandLine, Definition, Guide, Objective, Question, QuestionKind, SpanStyle, Table, TableRow,
)

_BLANK = re.compile(r"_{3,}")
MIN_SCORE = 0.5  # share of the answer's words a command line must hold


@dataclass(frozen=True, slots=True)
class GuideRef:
    """A passage of the guide that holds a question's answer."""

    objective: Objective
    group: CommandGroup | None = None
    line: CommandLine | None = None  # the line of `group` that holds the answer
    definition: Definition | None = None
    table: Table | None = None
    row: TableRow | None = None

    @property
    def label(self) -> str:
        """`352.2 LXC › command lxc-ls --fancy`, for a reader looking it up."""
        where = f"{self.objective.id} {self.objective.title}"
        if self.line is not None:
            return f"{where} \u203a command {self.line.normalized}"
        if self.definition is not None:
            return f"{where} \u203a {self.definition.term}"
        if self.table is not None and self.row is not None:
            return f"{where} \u203a {self.table.title}: {self.row.key}"
        return where


def answer_phrases(q: Question) -> list[str]:
    """What the right answer says: the right options' code (else text), or the filled-in blank."""
    if q.kind is QuestionKind.CHOICE:
        phrases = []
        for letter in q.answers:
            option = q.option(letter)
            if option is None:
                continue
            code = " ".join(s.text for s in option.text.spans if s.style is SpanStyle.CODE)
            phrases.append(code or option.text.plain)
        return [p.strip() for p in phrases if p.strip()]
    answer = q.fill_answer.plain.strip() if q.fill_answer else ""
    filled: list[str] = []
    for span in q.text.spans:
        for line in span.text.split("\n"):
            if m := _BLANK.search(line):
                if span.style is SpanStyle.CODE:
                    filled.append(_BLANK.sub(answer, line, count=1))
                else:  # prose: only the word the blank sits in (`/etc/______.`)
                    word = re.search(r"\S*$", line[:m.start()]).group(0) + answer  # type: ignore[union-attr]
                    filled.append((word + re.match(r"\S*", line[m.end():]).group(0)).rstrip(".,;:"))  # type: ignore[union-attr]
    filled += [_BLANK.sub(answer, line, count=1) for c in q.code for line in c.text.split("\n")
               if _BLANK.search(line)]
    return [f.strip() for f in filled if f.strip()] or ([answer] if answer else [])


def find_reference(guide: Guide, q: Question) -> GuideRef | None:
    """The best passage among the question's objectives (or its topic's, or all of them).

    A command line that holds the answer wins over a definition or row named like it; when
    the answer is prose, the code the question quotes (`HEALTHCHECK ...`) names the passage.
    """
    phrases = answer_phrases(q)
    if not phrases:
        return None
    candidates = _candidates(guide, q)
    best: tuple[float, GuideRef] | None = None
    for objective in candidates:
        found = _command_in(objective, phrases)
        if found and (best is None or found[0] > best[0]):
            best = found
    if best is not None:
        return best[1]
    for terms in (phrases, quoted_terms(q)):
        if ref := next((ref for o in candidates if (ref := _term_in(o, terms))), None):
            return ref
    return None


def quoted_terms(q: Question) -> list[str]:
    """The first word of each code block line the question quotes, then its inline code."""
    words = [line.split()[0] for c in q.code for line in c.text.split("\n") if line.split()]
    words += [s.text.strip() for s in q.text.spans if s.style is SpanStyle.CODE and s.text.strip()]
    return [w for w in dict.fromkeys(words) if not _BLANK.search(w)]


def _candidates(guide: Guide, q: Question) -> list[Objective]:
    named = [o for o in guide.objectives if o.id in q.objectives]
    if named:
        return named
    if q.topic:
        return [o for o in guide.objectives if o.topic == q.topic]
    return list(guide.objectives)


def _required(words: list[str]) -> set[str]:
    """The command, its subcommand (`docker logs`) and every option must all be on the line."""
    required = {words[0]} | {w for w in words if w.startswith("-")}
    if len(words) > 1 and re.fullmatch(r"[a-z][a-z0-9-]*", words[1]):
        required.add(words[1])
    return required


def _command_in(o: Objective, phrases: list[str]) -> tuple[float, GuideRef] | None:
    best: tuple[float, GuideRef] | None = None
    for phrase in phrases:
        words = phrase.split()
        required = _required(words)
        for group in o.command_groups:
            for line in group.commands:
                tokens = set(line.normalized.split())
                if not required <= tokens:
                    continue
                score = sum(w in tokens for w in words) / len(words)
                if score >= MIN_SCORE and (best is None or score > best[0]):
                    best = (score, GuideRef(o, group=group, line=line))
    return best


def _term_in(o: Objective, phrases: list[str]) -> GuideRef | None:
    """A definition term or a table row key that is the answer (`UTS`, `cgroup.freeze`)."""
    wanted = {p.casefold() for p in phrases}
    for d in o.definitions:
        if d.term.casefold() in wanted or _word_in(wanted, d.term):
            return GuideRef(o, definition=d)
    for table in o.tables:
        for row in table.rows:
            if row.key.casefold() in wanted or _word_in(wanted, row.key):
                return GuideRef(o, table=table, row=row)
    return None


def _word_in(wanted: set[str], text: str) -> bool:
    """A one-word answer that appears as a word of a short term: `UTS` in `UTS namespace`."""
    words = re.findall(r"[\w./-]+", text.casefold())
    return len(words) <= 4 and any(w in words for w in wanted if " " not in w)
