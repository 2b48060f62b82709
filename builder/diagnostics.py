"""Diagnostics (located findings about a guide) and the errors a build expects."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

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
    """A finding at a place in a guide: `path:line:col: severity: message [rule]`."""

    pos: SourcePos
    severity: Severity
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity.value}: {self.message} [{self.rule}]"

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.pos.path, self.pos.line, self.pos.col, self.severity.rank, self.rule)


def error(pos: SourcePos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.ERROR, rule, message)


def warning(pos: SourcePos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.WARNING, rule, message)


def info(pos: SourcePos, rule: str, message: str) -> Diagnostic:
    return Diagnostic(pos, Severity.INFO, rule, message)


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position, without exact repeats."""
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


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

