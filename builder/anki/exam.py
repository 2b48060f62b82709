"""Exam questions as Anki notes: note types, fields, cloze text, tags and deck (pure, no files).

Two note types with fixed IDs and frozen field lists, like the guide's note types: a
multiple-choice one (front: question and options; back: the right option marked, the others
dimmed, and the guide passage that answers it) and a cloze one for fill-ins.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

from builder.anki import fields as f
from builder.anki.notes import AnkiNote, guid_for
from builder.anki.notetypes import TOOL_NAME, CardTemplate, NoteType, localized
from builder.anki.sanitize import clean_html
from builder.i18n import _, override
from builder.model import (
    Exam, Guide, Objective, Question, QuestionKind, RichText, SourcePos, SpanStyle,
)
from builder.anki.exam_refs import GuideRef, find_reference
from builder.html import highlight_code, rich_to_html

TEMPLATE_DIR = "exam"  # templates/exam/anki/*.html, next to the printable exam's template
_BLANK = re.compile(r"_{3,}")
_RANGE_NOTE = re.compile(r"\(?\s*\bQ(?:uestions?|s)?\.?\s*#?\d+(?:\s*(?:-|\u2013|\u2014|to)\s*\d+)?\s*\)?",
                         re.IGNORECASE)

CHOICE = NoteType("exam-choice", 4836233703801, f"{TOOL_NAME} Exam question", (
    ("Sort", 3700852851877), ("Question", 8620674224031), ("Options", 1498780429663),
    ("Marked", 3794151674315), ("Answer", 7867174401595), ("Explanation", 1599408451254),
    ("Guide", 2498940803704), ("Exam", 6602199377583), ("Objective", 1786820690651),
    ("Section", 2377189448053), ("Id", 3199978827040)),
    (CardTemplate("Question", 5761175009022, "choice-front.html", "choice-back.html"),))

FILL_IN = NoteType("exam-fill-in", 1870524716252, f"{TOOL_NAME} Exam fill-in", (
    ("Sort", 6504406339473), ("Text", 6511190464950), ("Explanation", 6064592106778),
    ("Guide", 6552246937706), ("Exam", 1566733393784), ("Objective", 3225213652527),
    ("Section", 4976186749835), ("Id", 3191186365445)),
    (CardTemplate("Cloze", 7294967306379, "fill-in-front.html", "fill-in-back.html"),), cloze=True)

EXAM_NOTE_TYPES = (CHOICE, FILL_IN)


def deck_name(guide: Guide, exam: Exam) -> str:
    """`LPIC-3 305-300::Exam::<exam title>`: an Exam subdeck beside the topic decks."""
    with override(guide.lang):
        parts = [guide.deck_title, _("Exam"), exam.title]
    return "::".join(" ".join(p.replace("::", ":").split()) for p in parts)


def exam_tags(guide: Guide, exam: Exam, q: Question) -> tuple[str, ...]:
    """The guide's objective tags (`LPIC-3::305-300::352::352.1`), `kind::exam`, `exam::<slug>`."""
    root = "::".join(guide.exam.split())
    tags = [f"{root}::{oid.split('.')[0]}::{oid}" for oid in q.objectives]
    if not tags and q.topic:
        tags.append(f"{root}::{q.topic}")
    tags += ["kind::exam", f"exam::{exam.slug}", TOOL_NAME]
    return tuple(sorted(dict.fromkeys("".join(t.split()) for t in tags)))


def section_label(q: Question) -> str | None:
    """The heading a question sits under, unless it only repeats the objectives: no range."""
    if q.section is None:
        return None
    label = _RANGE_NOTE.sub("", q.section).strip(" -:\u2013\u2014")
    if q.objectives and all(oid in label for oid in q.objectives):
        return None
    return label or None


def question_html(q: Question) -> str:
    """The question's text (kept line breaks as <br>) and its code blocks, highlighted."""
    body = rich_to_html(q.text).replace("\n", "<br>")
    code = "".join(f'<pre class="code">{highlight_code(c.text, c.language)}</pre>' for c in q.code)
    return f'<div class="qtext">{body}</div>{code}'


def options_html(q: Question, marked: bool) -> str:
    """The options as a list; marked: the right ones carry `right` and a tick, the others `dim`."""
    items = []
    for o in q.options:
        cls = (' class="right"' if o.letter in q.answers else ' class="dim"') if marked else ""
        tick = '<span class="tick">\u2713</span>' if marked and o.letter in q.answers else ""
        items.append(f'<li{cls}><span class="letter">{escape(o.letter)}</span>'
                     f'<span class="opt">{rich_to_html(o.text)}</span>{tick}</li>')
    return f'<ol class="options{" marked" if marked else ""}">{"".join(items)}</ol>'


def answer_text(q: Question) -> str:
    """`B) UTS` or the fill-in text, plain, for the Answer field and the printed key."""
    if q.kind is QuestionKind.FILL_IN:
        return q.fill_answer.plain if q.fill_answer else ""
    return "; ".join(f"{x}) {o.text.plain}" for x in q.answers if (o := q.option(x)))


def cloze_html(q: Question) -> str:
    """The question with `{{c1::answer}}` in place of its first blank (appended when it has none)."""
    answer = q.fill_answer or RichText()
    in_code = any(_BLANK.search(s.text) for s in q.text.spans if s.style is SpanStyle.CODE) or \
        (not _BLANK.search(q.text.plain) and any(_BLANK.search(c.text) for c in q.code))
    inner = escape(answer.plain, quote=False) if in_code else rich_to_html(answer)
    # `::` and `}}` inside the answer would end the cloze early.
    inner = inner.replace("::", ":<span>:</span>").replace("}}", "}<span>}</span>")
    html = question_html(q)
    marked, count = _BLANK.subn(lambda _: "{{c1::" + inner + "}}", html, count=1)
    return marked if count else f"{html}<div>{{{{c1::{inner}}}}}</div>"


def reference_html(ref: GuideRef | None) -> str:
    """The guide passage that answers the question, headed by where it is."""
    if ref is None:
        return ""
    head = f'<div class="where">{f.text(ref.label)}</div>'
    if ref.group is not None and ref.line is not None:
        caption = f'<div class="caption">{f.text(ref.group.purpose)}</div>' if ref.group.purpose else ""
        return head + caption + f.code_lines((ref.line,), ref.group.language)
    if ref.definition is not None:
        d = ref.definition
        return head + f'<dl class="defs"><dt>{f.text(d.term)}</dt><dd>{rich_to_html(d.text)}</dd></dl>'
    if ref.table is not None and ref.row is not None:
        return head + f.row_cells(ref.table, ref.row)
    return head


def _shown_objective(guide: Guide, q: Question, ref: GuideRef | None) -> Objective | None:
    """The objective a card names: the answering passage's when the heading allows it."""
    if ref is not None and (not q.objectives or ref.objective.id in q.objectives):
        return ref.objective
    return guide.objective(q.objectives[0]) if len(q.objectives) == 1 else None


def question_note(guide: Guide, exam: Exam, q: Question) -> AnkiNote:
    """One note for an answered question: multiple-choice or cloze."""
    nt = localized(CHOICE if q.kind is QuestionKind.CHOICE else FILL_IN, guide.lang)
    guid = guid_for(guide.namespace, "exam", nt.kind, q.key)
    ref = find_reference(guide, q)
    objective = _shown_objective(guide, q, ref)
    values = {
        "Sort": f"{exam.slug} \u00b7 {q.number:04d}",
        "Guide": reference_html(ref),
        "Explanation": rich_to_html(q.explanation),
        "Exam": f.text(f"{exam.title} \u00b7 " + _("question {number}").format(number=q.number)),
        "Objective": f.text(f"{objective.id} {objective.title}" if objective
                            else ", ".join(q.objectives)),  # a heading naming several: all ids
        "Section": f.text(section_label(q)),
        "Id": f.text(guid),
    }
    if nt.kind == CHOICE.kind:
        values |= {"Question": question_html(q), "Options": options_html(q, marked=False),
                   "Marked": options_html(q, marked=True), "Answer": f.text(answer_text(q))}
    else:
        values["Text"] = cloze_html(q)
    cleaned = tuple(clean_html(values.get(name, "")) for name in nt.field_names)
    # A question that names no objective is tagged with the one whose passage answers it.
    tagged = q if q.objectives or objective is None else replace(q, objectives=(objective.id,))
    return AnkiNote(nt, guid, f"exam {nt.kind} {q.key}", q.objectives[0] if q.objectives else "exam",
                    deck_name(guide, exam), cleaned, exam_tags(guide, exam, tagged), q.pos)


def exam_notes(guide: Guide) -> tuple[list[tuple[Exam, list[AnkiNote]]], list[tuple[SourcePos, str]]]:
    """Each exam with the notes of its answered questions (an unanswered one is reported by the
    reader), and the questions left out because an earlier exam already made their card."""
    out: list[tuple[Exam, list[AnkiNote]]] = []
    shared: list[tuple[SourcePos, str]] = []
    seen: dict[str, AnkiNote] = {}
    for exam in guide.exams:
        notes: list[AnkiNote] = []
        for q in exam.questions:
            if not q.has_answer:
                continue
            with override(guide.lang):
                note = question_note(guide, exam, q)
            if note.guid in seen:
                shared.append((q.pos, f"question {q.number} is the same card as the question at "
                                      f"{seen[note.guid].pos}; it is packaged once, with that exam"))
                continue
            seen[note.guid] = note
            notes.append(note)
        out.append((exam, notes))
    return out, shared
