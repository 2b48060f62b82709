"""The sheets writer: a printable PDF (and standalone HTML) per objective and per topic.

WeasyPrint's findings (refused URLs, missing glyphs) are located diagnostics; the pipeline
collects them with `take_diagnostics()` after `write()`, so `--strict` counts them.
"""

from __future__ import annotations

from pathlib import Path

from builder.config import BuildConfig
from builder.model import Guide
from builder.writers import Findings

NAME = "sheets"

FINDINGS = Findings()
take_diagnostics = FINDINGS.take  # the pipeline collects what write() found


def write(guide: Guide, config: BuildConfig) -> list[Path]:
    from builder.sheets.build import SheetBuild
    from builder.sheets.limits import fit_pages

    guide, cut = fit_pages(guide)  # no objective lays out more than about 40 pages
    build = SheetBuild(guide, config)
    outputs = build.run()
    FINDINGS.replace([*cut, *build.diagnostics])
    config.progress(f"sheets: {len(outputs)} file(s) in {config.output / 'sheets'}")
    return outputs

