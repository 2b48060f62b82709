"""What a build was asked to do: the options every writer receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """Options shared by the pipeline and the writers."""

    output: Path = Path("dist")
    formats: tuple[str, ...] = ("json", "anki", "sheets")
    only: tuple[str, ...] = ()  # objective ids to build; empty means all
    strict: bool = False
    source_root: Path = Path(".")
    options: dict[str, object] = field(default_factory=dict)  # writer-specific options
    progress: Progress = _quiet  # receives one line per finished step
