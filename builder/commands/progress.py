"""`cheatdeck progress`: readiness by objective, the weak-spots sheet and a plan, from a learner's collection."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from builder.cli import Context
from builder.commands.common import DEFAULT_SOURCE, run_step
from builder.diagnostics import for_terminal
from builder.project import plan as project_plan


def _exam_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from None


@click.command("progress")
@click.argument("collection", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, type=click.Path(readable=False))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("dist/progress"),
              show_default=True, help="Folder of the weak-spots sheet (HTML and PDF).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--top", type=click.IntRange(1, 500), default=12, show_default=True,
              help="Weak spots on the sheet (12 fill about two pages).")
@click.option("--exam-date", callback=_exam_date, metavar="YYYY-MM-DD", help="Plan new cards up to this exam date.")
@click.option("--margin", type=click.IntRange(0, 365), default=7, show_default=True,
              help="Days before the exam by which every card is seen.")
@click.option("--no-sheet", is_flag=True, help="Print the report only; write no sheet.")
@click.pass_obj
def progress_command(obj: Context, collection: Path, sources: tuple[str, ...], output: Path, as_json: bool,
                     top: int, exam_date: date | None, margin: int, no_sheet: bool) -> None:
    """Exam readiness by objective, a weak-spots sheet and a plan, from COLLECTION (collection.anki2
    or a .colpkg backup; read from a copy, never written) and the guide in SOURCES."""
    from builder.progress.cache import cached_notes
    from builder.progress.collection import read_collection
    from builder.progress.plan import make_plan
    from builder.progress.readiness import readiness
    from builder.progress.report import report_data, table_lines

    snapshot = run_step(lambda: read_collection(collection))
    run = run_step(lambda: project_plan(list(sources), DEFAULT_SOURCE))
    guide = run_step(lambda: cached_notes(run.sources, run.settings, lambda: _read_notes(run)))
    report = readiness(snapshot, guide, top)
    plan = make_plan(report, snapshot, guide, exam_date, margin) if exam_date else None
    if as_json:
        click.echo(json.dumps(report_data(report, plan), ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(for_terminal(line) for line in table_lines(report, plan)))
    if not no_sheet:
        from builder.progress.sheet import weak_sheet, write_sheet

        written = run_step(lambda: write_sheet(weak_sheet(report, guide, plan), guide.exam, output))
        obj.say(f"wrote {', '.join(str(p) for p in written if p.suffix != '.css')}")


def _read_notes(run):  # type: ignore[no-untyped-def]
    """The guide read and checked as `cheatdeck build` reads it, and the notes it makes."""
    from builder.pipeline import check
    from builder.progress.facts import read_guide_notes

    return read_guide_notes(check(run.sources, settings=run.settings).guide)
