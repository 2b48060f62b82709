"""`cheatdeck preview`: a static page with every card's front and back."""

from __future__ import annotations

from pathlib import Path

import click

from builder.cli import Context
from builder.commands.common import DEFAULT_SOURCE, run_step, sources_argument
from builder.pipeline import check, select
from builder.preview import write_preview
from builder.project import plan


@click.command("preview")
@sources_argument
@click.option("-o", "--output", type=click.Path(file_okay=False), default="dist", show_default=True,
              help="Output folder: the page goes to OUTPUT/preview/index.html.")
@click.option("--only", multiple=True, metavar="ID", help="Preview only this objective.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True),
              default=None, help="Folder whose anki/ files replace the built-in card templates.")
@click.pass_obj
def preview_command(obj: Context, sources: tuple[str, ...], output: str, only: tuple[str, ...],
                    templates_dir: str | None) -> None:
    """Write a static page with every Anki card's front and back, to review cards in a browser."""
    run = run_step(lambda: plan(list(sources), DEFAULT_SOURCE))
    result = run_step(lambda: check(run.sources, settings=run.settings))
    guide = run_step(lambda: select(result.guide, only))
    page = write_preview(guide, Path(output), Path(templates_dir) if templates_dir else None)
    obj.say(f"wrote {page}")
