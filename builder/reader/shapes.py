"""Where guides write an objective's or a topic's number: the shapes the reader knows, as data.

Authors number objectives in every shape: `### 352.1 Title`, `## Title (201.1)`,
`## Objective 200.1; Title (6 points)`, `## 101.1 (2) Title`, or only in a file or folder name
(`1011-title.md`, `lpic2.201.1.md`, `1.1-title/`, `701.1 Title/`). Each shape is one entry of a
registry below, with an example it must read and the fixture guide under `tests/guides/` that
shows it in a whole guide (tests/test_guide_shapes.py holds every entry to both). A new shape is
one more entry and one more fixture, never a special case in the assembler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from builder.reader.certification import known_topic
from builder.reader.vocabulary import VOCABULARIES, fold

_SEP = r"[\s:;.,\-\u2013\u2014|]*"
# Words a title may put before an objective's number with no colon: `Lesson 101.1 Title`, `LPIC-1 101.1 Title`.
_PREFIX_WORDS = r"lesson|chapter|module|unit|section|part|lab|notes|obj\.?|exam|lpi|lpic-?[123]|aula|cap[ií]tulo|kapitel|lecci[oó]n|le[cç]on"
_ID = r"(?P<id>\d{1,3}\.\d{1,2})"


@dataclass(frozen=True, slots=True)
class Shape:
    """One way of writing a number into a heading or a path."""

    name: str  # short, stable: named in docs/guide-shapes.md and by the fixture's expectations
    pattern: re.Pattern[str]
    example: str  # a title this shape must read
    fixture: str  # the guide under tests/guides/ that uses it


@dataclass(frozen=True, slots=True)
class Numbered:
    """What a heading or path says: the number, the title around it and a weight written in it."""

    number: str  # "201.1" for an objective, "201" for a topic
    title: str
    weight: int | None
    shape: str


def _words(name: str) -> str:
    """Every language's words for `name` (a Vocabulary field) as a regex alternation."""
    words = {fold(w) for v in VOCABULARIES.values() for w in getattr(v, name)}
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _weight_tail() -> re.Pattern[str]:
    """`(6 points)`, `(weight: 2)`, `(peso 3)`, `- Weight 4`, `[2]` at the end of a title."""
    weight, points = _words("weight"), _words("points")

    def inner(k: str) -> str:
        return (rf"(?:(?:{weight})\s*[:=]?\s*(?P<a{k}>\d{{1,2}})(?:\s*(?:{points}))?"
                rf"|(?P<b{k}>\d{{1,2}})\s*(?:{points})"
                rf"|(?P<c{k}>\d{{1,2}}))")
    return re.compile(rf"\s*(?:[(\[]\s*{inner('1')}\s*[)\]]|[-\u2013\u2014,;]\s*{inner('2').replace('|(?P<c2>', '|(?!)(?P<c2>')})\s*$",
                      re.IGNORECASE)


def split_weight(title: str) -> tuple[str, int | None]:
    """A weight written at the end of a title, taken out of it: `Title (6 points)` -> ('Title', 6)."""
    m = _weight_tail().search(title)
    if not m or m.start() == 0:
        return title, None
    value = next(v for v in m.groups() if v)
    return title[:m.start()].rstrip(), int(value)


@lru_cache(maxsize=1)
def objective_shapes() -> tuple[Shape, ...]:
    lead = _words("objective")
    # a weight right after the number: `101.1 (2) Title`, `101.1 (weight 2) Title`
    w = rf"(?:\s*\((?:(?:{_words('weight')})\s*:?\s*)?(?P<w>\d{{1,2}})(?:\s*(?:{_words('points')}))?\))?"
    return (
        Shape("number-first", re.compile(rf"^\[?{_ID}(?!\d)(?!\.\d)[.)\]]?{w}{_SEP}(?P<title>.*)$", re.IGNORECASE),
              "352.1 Container Virtualization Concepts", "label-variants"),
        Shape("lead-in", re.compile(rf"^(?:{lead})\s*{_ID}(?!\d)(?!\.\d)\.?{w}{_SEP}(?P<title>.*)$",
                                    re.IGNORECASE),
              "Objective 200.1; Measure and Troubleshoot Resource Usage (6 points)", "topic-pages"),
        Shape("number-last", re.compile(rf"^(?P<title>.*?\w.*?)\s*[(\[]\s*{_ID}\s*[)\]]$"),
              "Kernel Components (201.1)", "topic-pages"),
        # a page title's own words before the number: `Tech Tutorial: 351.1 Title`, `LPIC-2 | 208.3 Title`
        Shape("after-prefix", re.compile(rf"^(?:[^:|]{{2,40}}?\s*[:|\u2013\u2014]|(?:(?:{_PREFIX_WORDS}|{lead}|"
                                         rf"{_words('topic')})\s+){{1,3}})\s*{_ID}(?!\d)(?!\.\d)\.?{_SEP}(?P<title>\D.*)$",
                                         re.IGNORECASE),
              "Tech Tutorial: 351.1 Virtualization Concepts and Theory (weight: 6)", "site-pages"),
    )


@lru_cache(maxsize=1)
def topic_shapes() -> tuple[Shape, ...]:
    lead = _words("topic")
    return (
        Shape("topic-word", re.compile(rf"^(?:{lead})\s+(?P<id>\d{{1,3}})\b(?!\.\d){_SEP}(?P<title>.*)$", re.IGNORECASE),
              "Topic 352: Container Virtualization", "spanish"),
        Shape("topic-number-first", re.compile(rf"^(?P<id>\d{{3}})(?![\d.]){_SEP}(?P<title>\D.*?)(?:\s*\(\s*(?P=id)\s*\))?$"),
              "200 Capacity Planning (200)", "topic-pages"),
        Shape("topic-number-last", re.compile(r"^(?P<title>.*?[^\W\d].*?)\s*\(\s*(?P<id>\d{3})\s*\)$"),
              "Linux Kernel (201)", "command-blocks"),
    )


@lru_cache(maxsize=8192)
def match_objective(title: str) -> Numbered | None:
    """An objective's number, title and weight from a heading's text, by the first shape that reads it."""
    if "." not in title or not any(ch.isdigit() for ch in title):
        return None  # most headings: no number at all
    for shape in objective_shapes():
        m = shape.pattern.match(title)
        if not m:
            continue
        oid = m.group("id")
        topic = oid.split(".")[0]
        if oid.endswith(".0") or not (known_topic(topic) or shape.name == "number-first" and len(topic) == 3):
            continue  # any three-digit topic numbered first (as always); other shapes: LPI's topics
        rest, weight = split_weight(m.group("title").strip())
        if m.groupdict().get("w"):
            weight = int(m.group("w"))
        return Numbered(oid, rest, weight, shape.name)
    return None


@lru_cache(maxsize=8192)
def match_topic(title: str) -> Numbered | None:
    """A topic's number and title from a heading's text (`Tema 101: ...`, `200 Capacity Planning`)."""
    if not any(ch.isdigit() for ch in title):
        return None
    folded = fold(title)
    for shape in topic_shapes():
        m = shape.pattern.match(folded if shape.name == "topic-word" else title)
        if not m or not (known_topic(m.group("id")) or shape.name == "topic-word" and len(m.group("id")) == 3):
            continue  # `Topic 500` as always; a bare number only when it is one of LPI's topics
        if shape.name == "topic-word":  # the title as written, after the number
            rest = title.split(m.group("id"), 1)[1]
            rest = re.sub(rf"^{_SEP}", "", rest)
        else:
            rest = m.group("title")
        rest, _ = split_weight(rest.strip())
        return Numbered(m.group("id"), rest, None, shape.name)
    return None


# -- numbers in file and folder names ------------------------------------------------------------

PATH_SHAPES: tuple[Shape, ...] = (
    Shape("path-dotted", re.compile(r"^(?:[A-Za-z][\w-]*?[._-])?(?P<id>\d{1,3}\.\d{1,2})(?![\d])(?:[._\s-]+(?P<title>.*))?$"),
          "lpic2.201.1", "topic-pages"),
    Shape("path-joined", re.compile(r"^(?P<id>\d{4})(?:[._\s-]+(?P<title>.*))?$"),
          "1011-determine-and-configure-hardware-settings", "joined-file-names"),
    Shape("path-hyphen", re.compile(r"^(?:[A-Za-z][\w]*?[._-])?(?P<id>\d{3}-\d{1,2})(?![\d])(?:[._\s-]+(?P<title>\D.*))?$"),
          "351-1", "site-pages"),
)
# A topic's folder and the objective's number under it: `101/1/README.md`, `101-architecture/2-boot.md`.
NESTED_PATH = Shape("path-nested", re.compile(r"^(?P<topic>\d{1,3})(?:[._\s-][^/]*)?/(?P<n>\d{1,2})(?![\d.])"
                                              r"(?:[._\s-]+(?P<title>[^/]*))?$"),
                    "101/1", "nested-folders")


def humanize(name: str) -> str:
    """A file or folder name as a title: `linux-evolution_and-more` -> 'Linux evolution and more'."""
    text = " ".join(re.sub(r"[-_]+", " ", name).split())
    return text[:1].upper() + text[1:]


def objective_from_path(path: str, root: str) -> Numbered | None:
    """The objective a file's own name or one of its folders (nearest first) names, if any.

    An objective `.0` (`lpic2.201.0.md`) is the topic's own page, not an objective."""
    p = PurePath(path)
    try:
        parts = p.relative_to(root).parts
    except ValueError:
        parts = p.parts[-2:]
    names = [PurePath(parts[-1]).stem, *reversed(parts[:-1])] if parts else []
    for name in names:
        for shape in PATH_SHAPES:
            m = shape.pattern.match(name)
            if not m:
                continue
            raw = m.group("id")
            oid = f"{raw[:3]}.{raw[3]}" if shape.name == "path-joined" else raw.replace("-", ".")
            if not known_topic(oid.split(".")[0]) or oid.endswith(".0"):
                continue
            return Numbered(oid, humanize(m.group("title") or ""), None, shape.name)
    stems = [*parts[:-1], PurePath(parts[-1]).stem] if parts else []
    for parent, child in reversed(list(zip(stems, stems[1:]))):  # nearest pair first
        if (m := NESTED_PATH.pattern.match(f"{parent}/{child}")) and known_topic(m.group("topic")) \
                and int(m.group("n")):
            return Numbered(f"{m.group('topic')}.{int(m.group('n'))}", humanize(m.group("title") or ""),
                            None, NESTED_PATH.name)
    return None
