"""Which certification exam a guide prepares for: configured, named in its title, or known by its topics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# LPI exams and the topic numbers each covers, from LPI's published objectives
# (https://www.lpi.org/our-certifications/exam-<code>-objectives): LPIC-1 101-500 and 102-500,
# LPIC-2 201-450 and 202-450, LPIC-3 300-300, 303-300, 305-300 and 306-300. Only the exam number
# names a deck ("LPIC-2 201"): a guide's objective numbers do not say which edition it follows.
LPI_EXAMS: tuple[tuple[str, str, range], ...] = (
    ("LPIC-1", "101", range(101, 105)),
    ("LPIC-1", "102", range(105, 111)),
    ("LPIC-2", "201", range(200, 207)),
    ("LPIC-2", "202", range(207, 213)),
    ("LPIC-3", "300", range(301, 306)),
    ("LPIC-3", "303", range(331, 336)),
    ("LPIC-3", "305", range(351, 354)),
    ("LPIC-3", "306", range(361, 365)),
)
# "LPIC-3 305-300", "lpic 3 - 305", "LPIC3: exam 305-300" in a title line.
_IN_TITLE = re.compile(r"\bLPIC[\s-]*([1-3])\b[\s:–—-]*(?:exam\s*)?(\d{3})(?:-(\d{3}))?", re.IGNORECASE)
FALLBACK = "Study guide"


@dataclass(frozen=True, slots=True)
class ExamName:
    """The exam's name and where it came from ("config", "title", "topics" or "fallback")."""

    name: str
    origin: str


def exam_from_title(title: str) -> str | None:
    """'📚 LEARNING LPIC-3 305-300' -> 'LPIC-3 305-300'."""
    m = _IN_TITLE.search(title)
    if not m:
        return None
    return f"LPIC-{m.group(1)} {m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")


def exam_from_topics(topics: Iterable[str]) -> str | None:
    """The one LPI exam whose topic range holds every topic number, if there is one."""
    numbers = {int(t) for t in topics if t.isdigit()}
    if not numbers:
        return None
    for program, exam, covered in LPI_EXAMS:
        if numbers <= set(covered):
            return f"{program} {exam}"
    return None


def name_exam(configured: str | None, titles: Iterable[str], topics: Iterable[str]) -> ExamName:
    """The configured name, else the first title that names an LPIC exam, else the topic table,
    else a neutral name from the first title."""
    if configured and configured.strip():
        return ExamName(" ".join(configured.split()), "config")
    titles = [t for t in titles if t.strip()]
    for title in titles:
        if found := exam_from_title(title):
            return ExamName(found, "title")
    if found := exam_from_topics(topics):
        return ExamName(found, "topics")
    neutral = " ".join(titles[0].replace("::", ":").split())[:60] if titles else FALLBACK
    return ExamName(neutral or FALLBACK, "fallback")
