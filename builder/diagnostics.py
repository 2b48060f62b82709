"""Diagnostics (located findings about a guide) and the errors a build expects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from fnmatch import fnmatchcase
import re

from builder.model import SourcePos


class Severity(str, Enum):
    """How bad a finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding at a place in a guide: `path:line:col: severity: message [rule]`.

    Messages are English whatever the guide's language (they are for its maintainers); a file
    in another language is named: `... [pt-BR file] [rule]`.
    """

    pos: SourcePos
    severity: Severity
    rule: str
    message: str
    lang: str = ""  # the language of the file at `pos` when it is not English (BCP 47), else ""

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity.value}: {self.text} [{self.rule}]"

    @property
    def text(self) -> str:
        """The message with the file's language when it is not English."""
        return f"{self.message} [{self.lang} file]" if self.lang else self.message

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.pos.path, self.pos.line, self.pos.col, self.severity.rank, self.rule)


# What a terminal acts on rather than shows: C0 controls but tab (ESC starts colour, title and
# OSC 8 hyperlink sequences; CR and LF start a forged line), DEL, C1 controls (CSI, OSC alone),
# and the bidirectional overrides that reorder what a line seems to say.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """One line of text safe to print: every control shown as its escape (`\\x1b`, `\\n`),
    so a guide, a file name or a ledger never drives the user's terminal."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def github_data(text: str) -> str:
    """A GitHub Actions workflow command's message, escaped as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command property (`file=`, `title=`): its data escaping plus `:` and `,`,
    which would otherwise end the property (a file name could forge a `line=` or a message)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def error(pos: SourcePos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.ERROR, rule, message)


def warning(pos: SourcePos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.WARNING, rule, message)


def info(pos: SourcePos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.INFO, rule, message)


def name_languages(diagnostics: Iterable[Diagnostic], langs: Mapping[str, str],
                   english: str = "en") -> list[Diagnostic]:
    """Each diagnostic with the language of its file (`langs`: path -> BCP 47) unless English."""
    return [replace(d, lang=langs[d.pos.path]) if langs.get(d.pos.path, english) != english and not d.lang
            else d for d in diagnostics]


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position, without exact repeats; the message breaks ties, so the order never
    depends on set order (string hashes differ per process)."""
    return sorted(set(diagnostics), key=lambda d: (*d.sort_key, d.message))


def matches(code: str, patterns: Iterable[str]) -> bool:
    """Whether a code is named by any of the patterns: a code, or a glob such as `exam-*`."""
    return any(fnmatchcase(code, pattern) for pattern in patterns)


@dataclass(frozen=True, slots=True)
class Ignore:
    """An `<!-- cheatdeck: ignore[code, ...] -->` comment and the lines it covers."""

    pos: SourcePos  # the comment itself
    codes: tuple[str, ...]  # codes or globs, as written
    first: int  # first line covered (1-based)
    last: int  # last line covered, inclusive

    def covers(self, d: Diagnostic) -> bool:
        return (d.pos.path == self.pos.path and self.first <= d.pos.line <= self.last
                and matches(d.rule, self.codes))


@dataclass(frozen=True, slots=True)
class DiagnosticFilter:
    """The one place diagnostics are dropped: --select, --ignore and ignore comments."""

    select: tuple[str, ...] = ()  # keep only these codes (empty: every code)
    ignore: tuple[str, ...] = ()  # drop these codes everywhere
    comments: tuple[Ignore, ...] = ()  # drop codes on the lines each comment covers

    def __call__(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        by_path: dict[str, list[Ignore]] = {}
        for comment in self.comments:
            by_path.setdefault(comment.pos.path, []).append(comment)
        return [d for d in diagnostics
                if (not self.select or matches(d.rule, self.select)) and not matches(d.rule, self.ignore)
                and not any(c.covers(d) for c in by_path.get(d.pos.path, ()))]


class BuildError(Exception):
    """An expected failure: shown as one clean line, exit status 1."""

    exit_code = 1


class SourceError(BuildError):
    """A source path that cannot be read."""


class SelectionError(BuildError):
    """--only names an objective the guide does not have: a usage error."""

    exit_code = 2


class OutputError(BuildError):
    """An output directory that cannot be written."""

