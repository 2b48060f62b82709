"""What a build was asked to do: the options every writer receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

Progress = Callable[[str], None]

# WeasyPrint's PDF variants (weasyprint.pdf.VARIANTS, checked by tests/test_untrusted_repo.py),
# named here so that `--pdf-variant` is checked before anything is imported or built.
PDF_VARIANTS = ("pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b",
                "pdf/a-3u", "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a",
                "pdf/x-3", "pdf/x-4", "pdf/x-5g", "debug")
# The values a writer option of this name may take, wherever it is set (command line, project
# file, a [writers.NAME] table): a tuple of choices, or "count" for a whole number >= 0.
OPTION_VALUES: dict[str, tuple[str, ...] | str] = {
    "paper": ("a4", "letter"), "orientation": ("landscape", "portrait"), "emoji": ("color", "drop"),
    "pdf_variant": PDF_VARIANTS, "image_max_side": "count"}


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
