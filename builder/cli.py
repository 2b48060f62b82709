"""The `cheatdeck` command line: thin Click commands over the pipeline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from builder import __version__
from builder.anki.counts import card_counts
from builder.anki.quality import guide_report, report_lines
from builder.anki.ledger_merge import merge_files
from builder.config import BuildConfig
from builder.diagnostics import BuildError, Diagnostic, Severity
from builder.model import Guide, Objective
from builder.pipeline import CheckResult, build, check, names_a_code, select
from builder.preview import write_preview
from builder.project import option_defaults, plan
from builder.serialize import guide_to_data
from builder.version import guide_version, source_commit
from builder.workers import stop_on_signals
from builder.writers import available_writers

DEFAULT_SOURCE = "source"
DEFAULT_OUTPUT = "dist"
BUILD_DEFAULTS: dict[str, object] = {"output": DEFAULT_OUTPUT, "paper": "a4",
                                     "orientation": "landscape", "ledger": None}


class Context:
    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def say(self, line: str) -> None:
        if self.verbosity >= 0:
            click.echo(line, err=True)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """The tool version, and the version and commit of ./source when it is a git checkout."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"cheatdeck, version {__version__}")
    folder = Path(DEFAULT_SOURCE)
    version = guide_version(folder)
    if version is not None:
        click.echo(f"guide {DEFAULT_SOURCE}/, version {version} (commit {source_commit(folder)})")
    ctx.exit()


def sources_argument(fn):  # type: ignore[no-untyped-def]
    return click.argument("sources", nargs=-1, type=click.Path(readable=False))(fn)


def _codes(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """Codes or globs (`exam-*`), repeated or comma-separated; each must name a catalogued code."""
    codes = tuple(c.strip() for value in values for c in value.split(",") if c.strip())
    for code in codes:
        if not names_a_code(code):
            raise click.BadParameter(f"{code!r} matches no diagnostic code (they are listed in the "
                                     "README's rules table)", param=param)
    return codes


def code_options(fn):  # type: ignore[no-untyped-def]
    fn = click.option("--ignore", multiple=True, metavar="CODE", callback=_codes,
                      help="Drop these diagnostics (codes or globs such as 'exam-*'; repeatable, "
                           "comma-separated).")(fn)
    return click.option("--select", multiple=True, metavar="CODE", callback=_codes,
                        help="Report only these diagnostics (default: all).")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the tool version and the guide version, then exit.")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for more).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Turn LPI-format study guides into Anki decks, cheat sheets and a JSON model."""
    ctx.obj = Context(-1 if quiet else verbose)


@cli.command("build")
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
@click.option("--pdf-variant", default=None, metavar="VARIANT",
              help="WeasyPrint PDF variant, e.g. pdf/ua-1 for tagged, accessible PDFs.")
@click.option("--emoji", type=click.Choice(["color", "drop"]), default="color", show_default=True,
              help="Render emoji icons in sheets with a colour font, or drop them.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for sheets (default: all cores).")
@click.option("--release", is_flag=True, help="Release build: --locked, plus manifest.json and "
                                              "SHA256SUMS.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: on a terminal only).")
@code_options
@click.pass_obj
def build_command(obj: Context, sources: tuple[str, ...], output: str | None, only: tuple[str, ...],
                  formats: tuple[str, ...], strict: bool, exam: str | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], **options: object) -> None:
    """Build decks, sheets and notes.json from SOURCES (default: the project file's sources, else
    source/)."""
    run = _run(lambda: plan(list(sources), DEFAULT_SOURCE, exam))
    options = option_defaults({**options, "output": output}, run.project, BUILD_DEFAULTS)
    output = str(options.pop("output"))
    known = available_writers()
    for name in formats:
        if name not in known:
            raise click.BadParameter(f"unknown format {name!r} (choose from {', '.join(known)})",
                                     param_hint="--format")
    if options.get("release"):
        options["locked"] = True
    if obj.verbosity < 0 and options.get("progress") is None:
        options["progress"] = False
    config = BuildConfig(output=Path(output), formats=formats or tuple(known), only=only,
                         strict=strict, options=options,
                         progress=obj.say if obj.verbosity >= 0 else _silent)
    result = _run(lambda: build(run.sources, config, settings=run.settings, select_codes=select,
                                ignore_codes=ignore))
    _report(obj, result, strict)
    if obj.verbosity >= 0:
        guide = f" (guide {result.guide.version})" if result.guide.version else ""
        click.echo(f"built {len(result.outputs)} file(s) into {output}/{guide}", err=True)
    if result.failed(strict):
        sys.exit(1)


@cli.command("check")
@sources_argument
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True, help="How to print diagnostics.")
@code_options
@click.pass_obj
def check_command(obj: Context, sources: tuple[str, ...], strict: bool, fmt: str,
                  select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Report everything wrong with the guide, with file:line, without building."""
    run = _run(lambda: plan(list(sources), DEFAULT_SOURCE))
    result = _run(lambda: check(run.sources, settings=run.settings, select_codes=select,
                                ignore_codes=ignore))
    if fmt == "json":
        click.echo(json.dumps([_diag_data(d) for d in result.diagnostics], indent=1))
    elif fmt == "github":
        for d in result.diagnostics:
            click.echo(_github(d))
    else:
        _report(obj, result, strict, always=True)
    if result.failed(strict):
        sys.exit(1)


@cli.command("inspect")
@sources_argument
@click.option("--json", "as_json", is_flag=True, help="Print the whole model as JSON.")
@click.option("--only", multiple=True, metavar="ID", help="Show only this objective.")
@click.option("--cards", is_flag=True, help="Print the Anki card-quality report per card type.")
@click.pass_obj
def inspect_command(obj: Context, sources: tuple[str, ...], as_json: bool, only: tuple[str, ...],
                    cards: bool) -> None:
    """Show the structure read from SOURCES: topics, objectives and what each holds."""
    run = _run(lambda: plan(list(sources), DEFAULT_SOURCE))
    result = _run(lambda: check(run.sources, settings=run.settings))
    guide = _run(lambda: select(result.guide, only))
    if as_json:
        click.echo(json.dumps(guide_to_data(guide), ensure_ascii=False, indent=1))
        return
    if cards:
        click.echo("\n".join(report_lines(*guide_report(guide))))
        return
    for line in describe(guide):
        click.echo(line)
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    click.echo(f"\n{errors} error(s), {warnings} warning(s); run 'cheatdeck check' for details")


@cli.command("preview")
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
    run = _run(lambda: plan(list(sources), DEFAULT_SOURCE))
    result = _run(lambda: check(run.sources, settings=run.settings))
    guide = _run(lambda: select(result.guide, only))
    page = write_preview(guide, Path(output), Path(templates_dir) if templates_dir else None)
    obj.say(f"wrote {page}")


@cli.group("ledger")
def ledger_group() -> None:
    """Work with the identity ledger (cheatdeck.lock)."""


@ledger_group.command("merge")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.pass_obj
def ledger_merge_command(obj: Context, base: str, ours: str, theirs: str) -> None:
    """Merge two changed copies of a ledger into OURS (git merge driver: %O %A %B)."""
    obj.say(_run(lambda: merge_files(Path(base), Path(ours), Path(theirs))))


def describe(guide: Guide) -> list[str]:
    """A readable tree: topic, objectives with counts of each node kind, and the stubs."""
    version = f", version {guide.version}" if guide.version else ""
    lines = [f"{guide.exam}  ({len(guide.sources)} file(s){version})"]
    for topic in guide.topics:
        lines.append(f"Topic {topic.number}: {topic.title}  [{topic.pos}]")
        for o in topic.objectives:
            lines.append(f"  {o.id} {o.title}  (weight {o.weight if o.weight is not None else '?'})"
                         f"  [{o.pos}]")
            lines.append("    " + ", ".join(f"{n} {label}" for label, n in _counts(o)))
            lines.append("    cards: " + ", ".join(f"{n} {kind}" for kind, n in card_counts(o).items()))
            for c in o.cited_objects:
                note = f" ({c.note})" if c.note else ""
                lines.append(f"    cited {c.kind.value:<9} {c.name}{note}")
            for stub in o.stubs:
                lines.append(f"    stub  line {stub.pos.line}: {stub.reason} '{stub.title}'")
    for exam in guide.exams:
        choice = sum(1 for q in exam.questions if q.kind.value == "choice")
        lines.append(f"Exam: {exam.title}  [{exam.pos}]")
        lines.append(f"  {len(exam.questions)} questions ({choice} multiple-choice, "
                     f"{len(exam.questions) - choice} fill-in) in {len(exam.sections)} section(s)")
        for section in exam.sections:
            lines.append(f"  {section.title}  [{section.pos}]")
    return lines


def _counts(o: Objective) -> list[tuple[str, int]]:
    return [
        ("key knowledge areas", len(o.key_knowledge_areas)),
        ("cited objects", len(o.cited_objects)),
        ("command groups", len(o.command_groups)),
        ("code samples", len(o.samples)),
        ("tables", len(o.tables)),
        ("definitions", len(o.definitions)),
        ("timeline events", len(o.timeline)),
        ("images", len(o.images)),
        ("links", len(o.links)),
        ("stubs", len(o.stubs)),
    ]


def _run(step):  # type: ignore[no-untyped-def]
    try:
        with stop_on_signals():  # Ctrl-C or SIGTERM: one line, exit 130 or 143, no worker left
            return step()
    except BuildError as exc:
        click.echo(f"cheatdeck: error: {exc}", err=True)
        sys.exit(exc.exit_code)


def _report(obj: Context, result: CheckResult, strict: bool, always: bool = False) -> None:
    for d in result.diagnostics:
        if d.severity is Severity.ERROR or (obj.verbosity >= 0 and d.severity is Severity.WARNING) \
                or obj.verbosity >= 1:
            click.echo(str(d), err=not always)
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    if obj.verbosity >= 0 or result.failed(strict):
        verdict = " (failing: --strict counts warnings)" if strict and warnings and not errors else ""
        click.echo(f"{errors} error(s), {warnings} warning(s){verdict}", err=True)


def _diag_data(d: Diagnostic) -> dict[str, object]:
    data = {"path": d.pos.path, "line": d.pos.line, "col": d.pos.col, "severity": d.severity.value,
            "rule": d.rule, "message": d.message}
    return data | {"lang": d.lang} if d.lang else data


def _github(d: Diagnostic) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
    message = d.text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={d.pos.path},line={d.pos.line},col={d.pos.col},title={d.rule}::{message}"


def _silent(_: str) -> None:
    return None


def main() -> None:
    cli(prog_name="cheatdeck")
