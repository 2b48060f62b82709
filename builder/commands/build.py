"""`cheatdeck build`: decks, sheets and notes.json."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from builder.cli import Context, silent
from builder.commands.common import DEFAULT_SOURCE, code_options, report, run_step, sources_argument
from builder.config import PDF_VARIANTS, BuildConfig
from builder.pipeline import build
from builder.project import default_output, option_defaults, plan
from builder.workers import stop_on_signals
from builder.writers import available_writers

DEFAULT_OUTPUT = "dist"
BUILD_DEFAULTS: dict[str, object] = {"output": DEFAULT_OUTPUT, "paper": "a4",
                                     "orientation": "landscape", "ledger": None,
                                     "source_url": None}


@click.command("build")
@sources_argument
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help=f"Output folder (default: the project file's, else {DEFAULT_OUTPUT}/).")
@click.option("--only", multiple=True, metavar="ID", help="Build only this objective (repeatable).")
@click.option("-f", "--format", "formats", multiple=True, metavar="NAME",
              help="Build only this format: json, anki, sheets (repeatable; default: all).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--exam", default=None, help="Exam name shown in decks and sheets.")
@click.option("--ledger", type=click.Path(dir_okay=False), default=None,
              help="Identity ledger file (default: cheatdeck.lock in the source folder).")
@click.option("--locked", is_flag=True, help="Fail if the identity ledger is out of date instead of "
                                             "updating it (for CI and releases).")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True),
              default=None, help="Folder of templates replacing the built-in ones.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Paper size (default: the project file's, else a4).")
@click.option("--orientation", type=click.Choice(["landscape", "portrait"]), default=None,
              help="Page orientation (default: the project file's, else landscape).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default=None, metavar="VARIANT",
              help="WeasyPrint PDF variant, e.g. pdf/ua-1 for tagged, accessible PDFs.")
@click.option("--emoji", type=click.Choice(["color", "drop"]), default="color", show_default=True,
              help="Render emoji icons in sheets with a colour font, or drop them.")
@click.option("--image-max-side", "image_max_side", type=click.IntRange(min=0), default=None,
              metavar="PX", help="Shrink deck images to this longest side (default: the project "
                                 "file's, else 1600; 0: images as they are).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for sheets (default: all cores).")
@click.option("--release", is_flag=True, help="Release build: --locked, plus manifest.json and "
                                              "SHA256SUMS.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: on a terminal only).")
@click.option("--watch", is_flag=True, help="Stay running and build again each time a source, a "
                                            "template or the project file changes (Ctrl-C stops).")
@code_options
@click.pass_obj
def build_command(obj: Context, sources: tuple[str, ...], output: str | None, only: tuple[str, ...],
                  formats: tuple[str, ...], strict: bool, exam: str | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], watch: bool, **options: object) -> None:
    """Build decks, sheets and notes.json from SOURCES (default: the project file's sources, else
    source/)."""
    def once() -> Watched:
        return _build_once(obj, sources, output, only, formats, strict, exam, select, ignore, dict(options))

    if not watch:
        if once().failed:
            sys.exit(1)
        return
    _watch(obj, once)


@dataclass(frozen=True, slots=True)
class Watched:
    failed: bool
    paths: tuple[Path, ...]  # what the build read: sources, templates, the project file
    output: Path


def _watch(obj: Context, once: Callable[[], Watched]) -> None:
    """Build, then build again whenever what the build read changes, until Ctrl-C. The render
    workers and what the checks found for unchanged objectives are kept from build to build; a
    build that fails says why and the watching goes on."""
    from builder.remember import remembering
    from builder.sheets.pool import kept_pools
    from builder.watch import snapshot, wait_for_change

    def look() -> dict[str, tuple[int, int]]:
        if last is None:  # nothing known of what the build reads: the current folder
            return snapshot([Path(".").resolve()])
        return snapshot(last.paths, [last.output])

    with stop_on_signals(), kept_pools(), remembering():
        last = _attempt(once)
        seen = look()
        while True:
            click.echo("watching for changes (Ctrl-C stops)", err=True)
            seen, files = wait_for_change(look, seen)
            shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
            click.echo(f"changed: {shown}", err=True)
            started = time.monotonic()
            done = _attempt(once)  # a save during it is seen after it: `seen` is from before
            last = done or last
            took = time.monotonic() - started
            if done is None or done.failed:  # what failed is said above; the outputs are as they were
                click.echo(f"build failed after {took:.2f} s", err=True)
            elif obj.verbosity >= 0:
                click.echo(f"rebuilt in {took:.2f} s", err=True)


def _attempt(once: Callable[[], Watched]) -> Watched | None:
    """One build of the watch; an error is reported (by run_step) and the watch goes on."""
    try:
        return once()
    except SystemExit:
        return None


def _build_once(obj: Context, sources: tuple[str, ...], output: str | None, only: tuple[str, ...],
                formats: tuple[str, ...], strict: bool, exam: str | None, select: tuple[str, ...],
                ignore: tuple[str, ...], options: dict[str, object]) -> Watched:
    run = run_step(lambda: plan(list(sources), DEFAULT_SOURCE, exam))
    named_output = output
    options = option_defaults({**options, "output": output}, run.project, BUILD_DEFAULTS)
    output = str(options.pop("output"))
    if named_output is None:  # the project's or the default: never a link out of its folder
        output = run_step(lambda: default_output(output, run.project))
    known = available_writers()
    for name in formats:
        if name not in known:
            raise click.BadParameter(f"unknown format {name!r} (choose from {', '.join(known)})",
                                     param_hint="--format")
    tables = run.project.writer_tables() if run.project else {}
    for name in tables:
        if name not in known:
            raise click.UsageError(f"{run.project.path}: [writers.{name}]: no such format (choose "  # type: ignore[union-attr]
                                   f"from {', '.join(known)})")
    options["writers"] = tables
    if options.get("release"):
        options["locked"] = True
    if obj.verbosity < 0 and options.get("progress") is None:
        options["progress"] = False
    config = BuildConfig(output=Path(output), formats=formats or tuple(known), only=only,
                         strict=strict, options=options,
                         progress=obj.say if obj.verbosity >= 0 else silent)
    result = run_step(lambda: build(run.sources, config, settings=run.settings, select_codes=select,
                                ignore_codes=ignore))
    report(obj, result, strict)
    if obj.verbosity >= 0:
        guide = f" (guide {result.guide.version})" if result.guide.version else ""
        click.echo(f"built {len(result.outputs)} file(s) into {output}/{guide}", err=True)
    read = [Path(s) for s in run.sources]
    if options.get("templates_dir"):
        read.append(Path(str(options["templates_dir"])))
    if run.project is not None:
        read.append(Path(run.project.path))
    return Watched(result.failed(strict), tuple(read), Path(output))
