"""Cloze text from the guide's prose and code samples: the author's emphasis and the directives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.anki.cloze import safe
from builder.anki.fields import breakable
from builder.model import CodeSample, Objective, SourcePos, Span, SpanStyle

MAX_BLANKS = 3  # cards per sentence
MAX_TERM = 40  # a longer code or bold span is a phrase to read, not a term to recall
MAX_SAMPLE_LINES = 18  # a longer sample would not fit a phone with its blanks
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`])")
_MARKED = (SpanStyle.CODE, SpanStyle.STRONG)


@dataclass(frozen=True, slots=True)
class Fact:
    """One cloze note's text and identity."""

    key: str
    text: str  # HTML with {{cN::…}} blanks
    blanks: int
    section: str | None
    pos: SourcePos


def _sentences(spans: tuple[Span, ...]) -> list[list[Span]]:
    """Spans cut into sentences at the end of a sentence in plain text."""
    out: list[list[Span]] = [[]]
    for span in spans:
        if span.style is not SpanStyle.TEXT:
            out[-1].append(span)
            continue
        parts = _BREAK.split(span.text)
        for i, part in enumerate(parts):
            if i:
                out.append([])
            if part:
                out[-1].append(Span(part))
    return [s for s in out if s]


def _sentence_fact(sentence: list[Span], section: str | None) -> tuple[str, int, list[str]] | None:
    plain = "".join(s.text for s in sentence)
    blocked = plain.casefold().count
    context = (section or "").casefold()
    numbers: dict[str, int] = {}
    for s in sentence:
        term = s.text.strip()
        if (s.style in _MARKED and 1 < len(term) <= MAX_TERM and blocked(term.casefold()) == 1
                and term.casefold() not in context and len(numbers) < MAX_BLANKS):
            numbers.setdefault(term, len(numbers) + 1)
    if not numbers or sum(len(t) for t in numbers) > 0.6 * len(plain.strip()):
        return None
    html = []
    for s in sentence:
        body = safe(s.text)
        if s.style is SpanStyle.CODE:
            body = f"<code>{body}</code>"
        elif s.style is SpanStyle.STRONG:
            body = f"<b>{body}</b>"
        n = numbers.get(s.text.strip())
        html.append(f"{{{{c{n}::{body}}}}}" if n and s.style in _MARKED else body)
    return "".join(html).strip(), len(numbers), list(numbers)


def prose_facts(o: Objective) -> list[Fact]:
    """Each sentence of a paragraph or list item with marked terms: those terms blanked; and the
    sentences after the first of a long definition (its card asks the term, these the details)."""
    texts = [(p.text.spans, p.section, p.pos, 0) for p in o.prose
             if not p.text.plain.rstrip().endswith(":")]  # a lead-in says what follows, not a fact
    texts += [(d.text.spans, d.section, d.pos, 1) for d in o.definitions]
    facts = []
    for spans, section, pos, skip in texts:
        for sentence in _sentences(spans)[skip:]:
            made = _sentence_fact(sentence, section)
            if made:
                text, blanks, terms = made
                facts.append(Fact(f"fact\x1f{section or ''}\x1f{' '.join(terms)}", text, blanks,
                                  section, pos))
    return facts


_DIRECTIVE = {
    "dockerfile": re.compile(r"^()([A-Z]{2,})(?=\s)"),
    "yaml": re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w.-]*)(?=:)"),
    "ini": re.compile(r"^(\s*)([A-Za-z_][\w.-]*)(?=\s*=)"),
    "hcl": re.compile(r"^(\s*)([A-Za-z_][\w.-]*)(?=\s*=)"),
    "json": re.compile(r'^(\s*")([\w.-]+)(?=":)'),
}


def sample_fact(sample: CodeSample) -> Fact | None:
    """A config sample with its rarest keys (or Dockerfile instructions) blanked."""
    rx = _DIRECTIVE.get(sample.language)
    lines = sample.text.splitlines()
    if rx is None or not sample.caption or len(lines) > MAX_SAMPLE_LINES:
        return None
    found = [(i, m) for i, line in enumerate(lines) if (m := rx.match(line))]
    counts: dict[str, int] = {}
    for _, m in found:
        counts[m.group(2)] = counts.get(m.group(2), 0) + 1
    # A key written once and nowhere else in the sample: a blank the rest cannot fill in.
    chosen = [w for w in dict.fromkeys(m.group(2) for _, m in found) if counts[w] == 1 and
              len(re.findall(rf"(?<![\w-]){re.escape(w)}(?![\w-])", sample.text)) == 1]
    chosen = [w for w in chosen if w.casefold() not in sample.caption.casefold()][:MAX_BLANKS + 1]
    if not chosen:
        return None
    number = {w: n for n, w in enumerate(chosen, 1)}
    out = []
    for i, line in enumerate(lines):
        m = rx.match(line)
        if m and m.group(2) in number:
            out.append(safe(m.group(1)) + f"{{{{c{number[m.group(2)]}::{safe(m.group(2))}}}}}"
                       + safe(line[m.end(2):]))
        else:
            out.append(safe(line))
    text = (f'<div class="purpose">{safe(sample.caption)}</div>'
            f'<pre class="code">{breakable(chr(10).join(out))}</pre>')
    return Fact(f"sample\x1f{sample.section or ''}\x1f{sample.caption}", text, len(chosen),
                sample.section, sample.pos)


def objective_facts(o: Objective) -> list[Fact]:
    """Prose facts then sample facts; a key seen twice keeps the first."""
    facts = prose_facts(o) + [f for s in o.samples if (f := sample_fact(s)) is not None]
    first: dict[str, Fact] = {}
    for fact in facts:
        first.setdefault(fact.key, fact)
    return list(first.values())
