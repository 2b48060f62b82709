"""Questions and answer key merged into frozen `Question`s: numbering, key and range checks, identity."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import replace

from builder.diagnostics import Diagnostic, error, warning
from builder.model import ExamSection, Question, QuestionKind, RichText, SourcePos
from builder.reader import spans
from builder.reader.exam_key import KeyEntry, KeyLine, QuestionDraft, parse_key_line

_BLANK = re.compile(r"_{3,}")


def merge_exam(drafts: list[QuestionDraft], key_lines: list[KeyLine], key_headings: list[SourcePos],
               sections: list[ExamSection], path: str) -> tuple[list[Question], list[Diagnostic]]:
    """Attach each question's key entry, report what does not fit, and give every question a key."""
    diags: list[Diagnostic] = []
    check_numbers(drafts, diags)
    check_ranges(sections, diags)
    entries = read_key(key_lines, path, diags)
    known = {d.number for d in drafts}
    for entry in entries:
        if entry.number not in known:
            diags.append(warning(entry.pos, "exam-key-unknown-question",
                                 f"the answer key answers question {entry.number}, but the exam has "
                                 "no such question: remove the entry or add the question"))
    chosen = first_entries(entries, diags)
    answered_somewhere = bool(key_headings or key_lines)
    if drafts and not answered_somewhere:
        diags.append(warning(SourcePos(path, 1), "exam-no-key",
                             f"exam has no 'Answer Key' heading, so none of its {len(drafts)} "
                             "questions can be marked: add '## Answer Key' with lines like '61-B, 62-C'"))
    questions = [build_question(d, chosen.get(d.number), answered_somewhere, diags) for d in drafts]
    return assign_keys(questions, diags), diags


def read_key(key_lines: list[KeyLine], path: str, diags: list[Diagnostic]) -> list[KeyEntry]:
    """Every entry of the answer key, in file order; unreadable fragments are reported."""
    entries: list[KeyEntry] = []
    for key_line in key_lines:
        found, leftovers = parse_key_line(key_line, path)
        entries.extend(found)
        for text in leftovers:
            diags.append(warning(SourcePos(path, key_line.line), "exam-key-unreadable",
                                 f"cannot read {text[:40]!r} in the answer key: write '61-B' for a "
                                 "choice and '65 `answer`' for a fill-in"))
    return entries


def first_entries(entries: list[KeyEntry], diags: list[Diagnostic]) -> dict[int, KeyEntry]:
    """The key entry of each question number; a second one is an error (which one is right?)."""
    chosen: dict[int, KeyEntry] = {}
    for entry in entries:
        first = chosen.get(entry.number)
        if first is None:
            chosen[entry.number] = entry
        else:
            diags.append(error(entry.pos, "exam-two-keys",
                               f"question {entry.number} has a second answer "
                               f"({_answer_text(entry)}) in the key; the first "
                               f"({_answer_text(first)}, line {first.pos.line}) is used: keep one"))
    return chosen


def _answer_text(entry: KeyEntry) -> str:
    return "/".join(entry.letters) if entry.letters else f"`{entry.fill.plain if entry.fill else ''}`"


def check_numbers(drafts: list[QuestionDraft], diags: list[Diagnostic]) -> None:
    """Question numbers run up by one: report repeats, gaps and steps back."""
    seen: dict[int, QuestionDraft] = {}
    previous: int | None = None
    for d in drafts:
        if d.number in seen:
            diags.append(error(d.pos, "exam-number-duplicate",
                               f"question {d.number} is numbered like the question at line "
                               f"{seen[d.number].pos.line}; the key cannot tell them apart: renumber"))
        elif previous is not None and d.number > previous + 1:
            missing = _ranges(list(range(previous + 1, d.number)))
            diags.append(warning(d.pos, "exam-number-skipped",
                                 f"question {d.number} follows question {previous}: {missing} "
                                 f"{'is' if d.number == previous + 2 else 'are'} missing"))
        elif previous is not None and d.number < previous:
            diags.append(warning(d.pos, "exam-number-order",
                                 f"question {d.number} comes after question {previous}: put the "
                                 "questions in order"))
        seen.setdefault(d.number, d)
        previous = d.number


def check_ranges(sections: list[ExamSection], diags: list[Diagnostic]) -> None:
    """`(Questions 61-63)` in a heading must name exactly the questions under it."""
    for s in sections:
        if s.first is None or s.last is None:
            continue
        expected = list(range(s.first, s.last + 1))
        if sorted(s.numbers) != expected:
            holds = _ranges(sorted(set(s.numbers))) if s.numbers else "none"
            diags.append(warning(s.pos, "exam-range-mismatch",
                                 f"heading announces {_announced(s.first, s.last)} but holds {holds}: "
                                 "fix the range or move the questions"))


def _announced(first: int, last: int) -> str:
    return f"question {first}" if first == last else f"questions {first}-{last}"


def _ranges(numbers: list[int]) -> str:
    """[61, 62, 64] -> '61-62, 64'."""
    parts: list[str] = []
    start = prev = None
    for n in numbers + [None]:  # type: ignore[list-item]
        if start is not None and (n is None or n != prev + 1):
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return ", ".join(parts)


def build_question(d: QuestionDraft, entry: KeyEntry | None, has_key: bool,
                   diags: list[Diagnostic]) -> Question:
    """A frozen question with its answer; a key that does not fit the question is reported."""
    kind = QuestionKind.CHOICE if d.options else QuestionKind.FILL_IN
    text = spans.join([line for line in d.lines if line], "\n")
    answers: tuple[str, ...] = ()
    fill: RichText | None = None
    letters = ", ".join(o.letter for o in d.options)
    if entry is None:
        if has_key:
            diags.append(warning(d.pos, "exam-no-key",
                                 f"question {d.number} has no answer in the answer key; it is left "
                                 "out of the cards: add it to the key"))
    elif kind is QuestionKind.CHOICE and entry.fill is not None:
        diags.append(error(entry.pos, "exam-key-not-an-option",
                           f"the key answers question {d.number} with `{entry.fill.plain}`, but it is "
                           f"multiple-choice (options {letters}): give a letter"))
    elif kind is QuestionKind.CHOICE:
        bad = [x for x in entry.letters if all(o.letter != x for o in d.options)]
        if bad:
            diags.append(error(entry.pos, "exam-key-not-an-option",
                               f"the key answers question {d.number} with {'/'.join(bad)}, which is "
                               f"not among its options ({letters})"))
        answers = tuple(x for x in entry.letters if x not in bad)
    elif entry.letters:
        diags.append(error(entry.pos, "exam-key-not-an-option",
                           f"the key answers question {d.number} with {'/'.join(entry.letters)}, but "
                           "it has no options (it reads as a fill-in): add the options, or give the "
                           "answer as `text`"))
    else:
        fill = entry.fill
    if kind is QuestionKind.FILL_IN and not _blank_lines(text, d):
        diags.append(warning(d.pos, "exam-fill-in-no-blank",
                             f"question {d.number} has no options and no blank (___) to fill in: add "
                             "the options, or mark the blank with ___"))
    return Question(d.number, kind, text, tuple(d.code), tuple(d.options), answers, fill,
                    d.objectives, d.topic, d.section, "", d.card_key,
                    entry.pos if entry else None, d.pos, entry.explanation if entry else None)


def _blank_lines(text: RichText, d: QuestionDraft) -> list[str]:
    lines = text.plain.split("\n") + [line for c in d.code for line in c.text.split("\n")]
    return [line for line in lines if _BLANK.search(line)]


def normalize(text: str) -> str:
    """Case, width and spacing folded, so cosmetic edits do not change an identity."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:10]


def identity_material(q: Question) -> str:
    """What a question *is*: its options and right answer, or its answer and the blank's line."""
    if q.kind is QuestionKind.CHOICE:
        options = "\x1f".join(sorted(normalize(o.text.plain) for o in q.options))
        right = "\x1f".join(sorted(normalize(o.text.plain) for o in q.options if o.letter in q.answers))
        return options + "\x1e" + right
    blanks = [normalize(line) for line in q.text.plain.split("\n") + [c.text for c in q.code]
              if _BLANK.search(line)]
    return normalize(q.fill_answer.plain if q.fill_answer else "") + "\x1e" + "\x1f".join(blanks)


def _scope(q: Question) -> str:
    return q.objectives[0] if q.objectives else f"topic-{q.topic}" if q.topic else "exam"


def assign_keys(questions: list[Question], diags: list[Diagnostic]) -> list[Question]:
    """Stable keys (see `QuestionKind` in the model); shared ones are told apart by the question text."""
    base = [q.card_key or f"{_scope(q)}/q-{_digest(identity_material(q))}" for q in questions]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(base):
        groups[key].append(i)
    keys = list(base)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        if questions[members[0]].card_key:
            for i in members[1:]:
                diags.append(error(questions[i].pos, "exam-card-key-duplicate",
                                   f"card key '{key}' is also pinned on question "
                                   f"{questions[members[0]].number}: pin a different key"))
            continue
        first_of: dict[str, int] = {}
        for i in members:
            key_i = f"{key}-{_digest(normalize(questions[i].text.plain))[:6]}"
            if key_i not in first_of:
                keys[i], first_of[key_i] = key_i, i
                continue
            first = questions[first_of[key_i]]
            diags.append(warning(questions[i].pos, "exam-duplicate-question",
                                 f"question {questions[i].number} repeats question {first.number} "
                                 f"(line {first.pos.line}): remove one"))
            keys[i] = f"{key_i}-{sum(1 for k in keys if k.startswith(key_i)) + 1}"
    return [replace(q, key=k) for q, k in zip(questions, keys)]
