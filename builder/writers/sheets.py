"""The sheets writer: a printable PDF (and standalone HTML) per objective and per topic.

WeasyPrint's findings (refused URLs, missing glyphs) come back as located diagnostics in the
result, so `--strict` counts them.
"""

from __future__ import annotations

from builder.artifacts import WriterResult
from builder.context import BuildContext
from builder.model import Guide
from builder.sheets.plan import SheetOptions

NAME = "sheets"
Options = SheetOptions


def prepare(jobs: int) -> None:
    """Before the guide is read: start the render workers' server, which imports WeasyPrint
    meanwhile (`jobs` as `-j` gives it, 0 for one worker per core)."""
    from builder.sheets.pool import start_server

    start_server(jobs)


def write(guide: Guide, ctx: BuildContext) -> WriterResult:
    from builder.sheets.build import build_sheets
    from builder.sheets.limits import fit_pages

    options = ctx.options_for(NAME, SheetOptions)
    fitted, cut = fit_pages(guide, max(1, options.max_pages))  # no objective lays out more than about that
    shortened = frozenset(o.id for o, f in zip(guide.objectives, fitted.objectives) if o is not f)
    artifacts, found = build_sheets(fitted, ctx, options, shortened)
    ctx.progress(f"sheets: {len(artifacts)} file(s) in {ctx.output / 'sheets'}")
    return WriterResult(tuple(artifacts), (*cut, *found))
