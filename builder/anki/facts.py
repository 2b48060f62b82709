"""Cloze text from the guide's prose and code samples: the author's emphasis and the directives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.anki.cloze import safe
from builder.anki.fields import breakable
from builder.anki.leaks import URL, gives_away, ubiquitous_key
from builder.model import CodeSample, Definition, Objective, RichText, SourcePos, Span, SpanStyle

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


def _sentence_fact(sentence: list[Span], context: str | None,
                   lead: str = "") -> tuple[str, int, list[str]] | None:
    """The sentence with its marked terms blanked (not those the context names); `lead` is shown
    before it (the term a definition's later sentence is about)."""
    plain = "".join(s.text for s in sentence)
    blocked = plain.casefold().count
    context = f"{context or ''} {lead}".casefold()
    numbers: dict[str, int] = {}
    for i, s in enumerate(sentence):
        term = s.text.strip()
        # The card shows the rest of the sentence, the section and the lead: none may name it.
        rest = " ".join([x.text for j, x in enumerate(sentence) if j != i] + [context])
        if (s.style in _MARKED and 1 < len(term) <= MAX_TERM and blocked(term.casefold()) == 1
                and term.casefold().strip(":=,.() ") not in context and len(numbers) < MAX_BLANKS
                and not gives_away(term, rest, "term") and not URL.fullmatch(term)):  # an address teaches nothing
            numbers.setdefault(term, len(numbers) + 1)
    if not numbers or sum(len(t) for t in numbers) > 0.6 * len(plain.strip()):
        return None
    html = []
    for s in sentence:
        body = _styled(s)
        n = numbers.get(s.text.strip())
        html.append(f"{{{{c{n}::{body}}}}}" if n and s.style in _MARKED else body)
    return _with_lead("".join(html).strip(), lead), len(numbers), list(numbers)


def _styled(s: Span) -> str:
    body = safe(s.text)
    if s.style is SpanStyle.CODE:
        return f"<code>{body}</code>"
    return f"<b>{body}</b>" if s.style is SpanStyle.STRONG else body


def _with_lead(html: str, lead: str) -> str:
    return f'<div class="purpose">{safe(lead)}</div>{html}' if lead else html


_QUESTION = re.compile(r"^(?:what|who)\s+(?:is|are)\s+(?:an?\s+|the\s+)?(.+?)\??$", re.I)


def names_of(d: Definition) -> list[str]:
    """What a definition's term is called: `Virtual Machine Monitor (VMM)` -> itself, the name
    and the short form; a question heading ("What is a namespace?") -> what it asks about."""
    term = d.term.strip()
    if d.form == "question":
        m = _QUESTION.match(term)
        return [m.group(1)] if m else []
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", term)
    return [term, m.group(1), m.group(2)] if m else [term]


def _term_fact(sentence: list[Span], d: Definition) -> tuple[str, int, list[str]] | None:
    """A later sentence of a definition that names its term: the term blanked, the section as
    context ("With KVM ... each QEMU process is the [...] of one guest")."""
    plain = "".join(s.text for s in sentence)
    for name in names_of(d):
        rx = re.compile(rf"(?<![\w-]){re.escape(name)}s?(?![\w-])", re.I)
        # Only plain text is blanked: a path or code span that holds the name stays visible.
        shown = "".join(rx.sub(" ", s.text) if s.style is SpanStyle.TEXT else s.text for s in sentence)
        if (1 < len(name) <= MAX_TERM and rx.search(plain) and len(name) < 0.6 * len(plain)
                and not gives_away(name, f"{shown} {d.section or ''}", "term")):
            html = "".join(rx.sub(lambda m: f"{{{{c1::{m.group()}}}}}", safe(s.text))
                           if s.style is SpanStyle.TEXT else _styled(s) for s in sentence)
            return (html.strip(), 1, [name]) if "{{c1::" in html else None
    return None


def definition_sentences(d: Definition) -> list[tuple[list[Span], tuple[str, int, list[str]] | None]]:
    """A definition's sentences, each with the cloze it makes: the first sentence is the
    definition card's answer (None); a later one blanks its marked terms (with the term shown
    before it), else the term when it names it, else nothing (it stays on the definition card)."""
    sentences = _sentences(d.text.spans)
    out: list[tuple[list[Span], tuple[str, int, list[str]] | None]] = [(sentences[0], None)] if sentences else []
    for sentence in sentences[1:]:
        out.append((sentence, _sentence_fact(sentence, d.section, d.term) or _term_fact(sentence, d)))
    return out


def definition_text(d: Definition) -> RichText:
    """What the definition card answers: its first sentence, and the later ones that make no
    card of their own."""
    kept = [sentence for sentence, fact in definition_sentences(d) if fact is None]
    spans: list[Span] = []
    for i, sentence in enumerate(kept):
        spans += ([Span(" ")] if i else []) + sentence
    return RichText(tuple(spans))


def prose_facts(o: Objective) -> list[Fact]:
    """Each sentence of a paragraph or list item with marked terms: those terms blanked; and the
    sentences after the first of a definition (its card asks the term, these the details)."""
    facts = []
    for p in o.prose:
        if p.text.plain.rstrip().endswith(":"):
            continue  # a lead-in says what follows, not a fact
        for sentence in _sentences(p.text.spans):
            if made := _sentence_fact(sentence, p.section):
                facts.append(_fact(made, p.section, p.pos))
    for d in o.definitions:
        facts += [_fact(made, d.section, d.pos) for _, made in definition_sentences(d) if made]
    return facts


def _fact(made: tuple[str, int, list[str]], section: str | None, pos: SourcePos) -> Fact:
    text, blanks, terms = made
    return Fact(f"fact\x1f{section or ''}\x1f{' '.join(terms)}", text, blanks, section, pos)


_DIRECTIVE = {
    "dockerfile": re.compile(r"^()([A-Z]{2,})(?=\s)"),
    "yaml": re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w.-]*)(?=:)"),
    "ini": re.compile(r"^(\s*)([A-Za-z_][\w.-]*)(?=\s*=)"),
    "hcl": re.compile(r"^(\s*)([A-Za-z_][\w.-]*)(?=\s*=)"),
    "json": re.compile(r'^(\s*")([\w.-]+)(?=":)'),
}


def _without(text: str, word: str) -> str:
    """The sample as its card shows it: the blanked key hidden, `auth_url` still there."""
    return re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)


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
    # Never a key every configuration has (`name`), nor one the caption or the rest names.
    chosen = [w for w in chosen if w.casefold() not in sample.caption.casefold() and not ubiquitous_key(w)
              and not gives_away(w, f"{sample.caption} {sample.section or ''} {_without(sample.text, w)}", "term")][:MAX_BLANKS + 1]
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


def area_facts(o: Objective) -> list[Fact]:
    """A key knowledge area with terms the author marked: those terms blanked (one thing to
    recall, not the whole list)."""
    facts = []
    for area in o.key_knowledge_areas:
        if made := _sentence_fact(list(area.spans), f"{o.id} {o.title}"):
            facts.append(Fact(f"area\x1f{' '.join(area.plain.split())}", made[0], made[1], None, o.pos))
    return facts


def objective_facts(o: Objective) -> list[Fact]:
    """Key knowledge areas, prose facts, then sample facts; a key seen twice keeps the first."""
    facts = area_facts(o) + prose_facts(o) + [f for s in o.samples if (f := sample_fact(s)) is not None]
    first: dict[str, Fact] = {}
    for fact in facts:
        first.setdefault(fact.key, fact)
    return list(first.values())
