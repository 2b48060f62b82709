"""`cheatdeck check`: every diagnostic, without building."""

from __future__ import annotations

import json
import sys

import click

from builder.cli import Context
from builder.commands.common import DEFAULT_SOURCE, code_options, report, run_step, sources_argument
from builder.diagnostics import Diagnostic, for_terminal, github_data, github_property
from builder.pipeline import check
from builder.project import plan


@click.command("check")
@sources_argument
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True, help="How to print diagnostics.")
@code_options
@click.pass_obj
def check_command(obj: Context, sources: tuple[str, ...], strict: bool, fmt: str,
                  select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Report everything wrong with the guide, with file:line, without building."""
    run = run_step(lambda: plan(list(sources), DEFAULT_SOURCE))
    result = run_step(lambda: check(run.sources, settings=run.settings, select_codes=select,
                                ignore_codes=ignore))
    if fmt == "json":
        click.echo(json.dumps([_diag_data(d) for d in result.diagnostics], indent=1))
    elif fmt == "github":
        for d in result.diagnostics:
            click.echo(_github(d))
    else:
        report(obj, result, strict, always=True)
    if result.failed(strict):
        sys.exit(1)


def _diag_data(d: Diagnostic) -> dict[str, object]:
    data = {"path": d.pos.path, "line": d.pos.line, "col": d.pos.col, "severity": d.severity.value,
            "rule": d.rule, "message": d.message}
    return data | {"lang": d.lang} if d.lang else data


def _github(d: Diagnostic) -> str:
    """One workflow command; the runner unescapes it, so file names and messages stay data."""
    level = {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
    return (f"::{level} file={github_property(d.pos.path)},line={d.pos.line},col={d.pos.col},"
            f"title={github_property(d.rule)}::{github_data(for_terminal(d.text))}")
