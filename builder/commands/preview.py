"""`cheatdeck preview`: a static page with every card's front and back."""

from __future__ import annotations

from pathlib import Path

import click

from builder.cli import Context
from builder.commands.common import DEFAULT_SOURCE, run_step, sources_argument
from builder.pipeline import check, select
from builder.preview import write_preview
from builder.context import machine_cache
from builder.project import default_output, plan

DEFAULT_OUTPUT = "dist"


@click.command("preview")
@sources_argument
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="Output folder: the page goes to OUTPUT/preview/index.html (default: dist).")
@click.option("--only", multiple=True, metavar="ID", help="Preview only this objective.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True),
              default=None, help="Folder whose anki/ files replace the built-in card templates.")
@click.pass_obj
def preview_command(obj: Context, sources: tuple[str, ...], output: str | None,
                    only: tuple[str, ...], templates_dir: str | None) -> None:
    """Write a static page with every Anki card's front and back, to review cards in a browser."""
    run = run_step(lambda: plan(list(sources), DEFAULT_SOURCE))
    if output is None:  # the default: never a link out of the current folder
        output = run_step(lambda: default_output(DEFAULT_OUTPUT, None))
    result = run_step(lambda: check(run.sources, settings=run.settings))
    guide = run_step(lambda: select(result.guide, only))
    page = run_step(lambda: write_preview(guide, Path(str(output)),
                                          Path(templates_dir) if templates_dir else None,
                                          machine_cache()))
    obj.say(f"wrote {page}")
