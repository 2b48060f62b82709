"""Which certification exam a guide prepares for: configured, named in its title, or known by its topics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# LPI exams and the topic numbers each covers, from LPI's published objectives
# (https://www.lpi.org/our-certifications/exam-<code>-objectives): Linux Essentials 010-160, LPIC-1
# 101-500 and 102-500, LPIC-2 201-450 and 202-450, LPIC-3 300-300, 303-300, 305-300 and 306-300,
# DevOps Tools Engineer 701-100. Only the exam number names a deck ("LPIC-2 201"): a guide's
# objective numbers do not say which edition it follows. A guide of both exams of a level
# (topics 101-110) is named for the level ("LPIC-1").
LPI_EXAMS: tuple[tuple[str, str, range], ...] = (
    ("Linux Essentials", "010", range(1, 6)),
    ("LPIC-1", "101", range(101, 105)),
    ("LPIC-1", "102", range(105, 111)),
    ("LPIC-1", "", range(101, 111)),
    ("LPIC-2", "201", range(200, 207)),
    ("LPIC-2", "202", range(207, 213)),
    ("LPIC-2", "", range(200, 213)),
    ("LPIC-3", "300", range(301, 306)),
    ("LPIC-3", "303", range(331, 336)),
    ("LPIC-3", "305", range(351, 354)),
    ("LPIC-3", "306", range(361, 365)),
    ("DevOps Tools Engineer", "701", range(701, 706)),
)
# Each topic's official name (English), for guides that number a topic without naming it.
TOPIC_NAMES: dict[str, str] = {
    "1": "The Linux Community and a Career in Open Source",
    "2": "Finding Your Way on a Linux System",
    "3": "The Power of the Command Line",
    "4": "The Linux Operating System",
    "5": "Security and File Permissions",
    "101": "System Architecture",
    "102": "Linux Installation and Package Management",
    "103": "GNU and Unix Commands",
    "104": "Devices, Linux Filesystems, Filesystem Hierarchy Standard",
    "105": "Shells and Shell Scripting",
    "106": "User Interfaces and Desktops",
    "107": "Administrative Tasks",
    "108": "Essential System Services",
    "109": "Networking Fundamentals",
    "110": "Security",
    "200": "Capacity Planning",
    "201": "Linux Kernel",
    "202": "System Startup",
    "203": "Filesystem and Devices",
    "204": "Advanced Storage Device Administration",
    "205": "Network Configuration",
    "206": "System Maintenance",
    "207": "Domain Name Server",
    "208": "HTTP Services",
    "209": "File Sharing",
    "210": "Network Client Management",
    "211": "E-Mail Services",
    "212": "System Security",
    "301": "Samba Basics",
    "302": "Samba and Active Directory Domains",
    "303": "Samba Share Configuration",
    "304": "Samba Client Configuration",
    "305": "Linux Identity Management and File Sharing",
    "331": "Cryptography",
    "332": "Host Security",
    "333": "Access Control",
    "334": "Network Security",
    "335": "Threats and Vulnerability Assessment",
    "351": "Full Virtualization",
    "352": "Container Virtualization",
    "353": "VM Deployment and Provisioning",
    "361": "High Availability Cluster Management",
    "362": "High Availability Cluster Storage",
    "363": "High Availability Distributed Storage Systems",
    "364": "Single Node High Availability",
    "701": "Software Engineering",
    "702": "Container Management",
    "703": "Machine Deployment",
    "704": "Configuration Management",
    "705": "Service Operations",
}


def known_topic(number: str) -> bool:
    """Is this one of LPI's topic numbers (`352`, `1` of Linux Essentials)?"""
    return number.isdigit() and any(int(number) in covered for _, _, covered in LPI_EXAMS)


def topic_name(number: str) -> str:
    """The topic's official name, else 'Topic N'."""
    return TOPIC_NAMES.get(number.lstrip("0") or "0", f"Topic {number}")


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
            return f"{program} {exam}".strip()
    return None


# Titles that name no guide: a book's first page, an index.
GENERIC_TITLES = frozenset({"introduction", "intro", "table of contents", "contents", "summary",
                            "index", "readme", "home", "preface", "about", "overview", "welcome",
                            "tabla de contenido", "indice", "sumario", "inhaltsverzeichnis",
                            "einleitung", "introducao", "introduccion"})
_MARKUP = re.compile(r"<[^>]*>|[*_`]|[\u200b-\u200f\u2060\ufeff]")


def clean_name(title: str) -> str:
    """A title as a deck may be named: no HTML, no markup, no zero-width characters."""
    return " ".join(_MARKUP.sub("", title).replace("::", ":").split())


def name_exam(configured: str | None, titles: Iterable[tuple[str, bool]], topics: Iterable[str]) -> ExamName:
    """The configured name, else the first title that names an LPIC exam, else the topic table,
    else a neutral name from the first title of a file that holds no objective (a README, not a
    content page), never a generic one ("Introduction")."""
    if configured and configured.strip():
        return ExamName(" ".join(configured.split()), "config")
    titles = [(clean_name(t), content) for t, content in titles if clean_name(t)]
    for title, _ in titles:
        if found := exam_from_title(title):
            return ExamName(found, "title")
    if found := exam_from_topics(topics):
        return ExamName(found, "topics")
    neutral = next((t[:60] for t, content in titles if not content and
                    re.sub(r"[^\w ]", "", t).strip().lower() not in GENERIC_TITLES), "")
    return ExamName(neutral or FALLBACK, "fallback")
