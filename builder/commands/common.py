"""What the commands share: the sources argument, the code options, clean errors, the report."""

from __future__ import annotations

import sys

import click

from builder.diagnostics import BuildError, Severity, for_terminal
from builder.pipeline import CheckResult, names_a_code
from builder.workers import stop_on_signals

DEFAULT_SOURCE = "source"  # also builder.cli.DEFAULT_SOURCE (--version reads it)


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


def run_step(step):  # type: ignore[no-untyped-def]
    try:
        with stop_on_signals():  # Ctrl-C or SIGTERM: one line, exit 130 or 143, no worker left
            return step()
    except BuildError as exc:
        click.echo(for_terminal(f"cheatdeck: error: {exc}"), err=True)
        sys.exit(exc.exit_code)
    except RecursionError:  # a folder tree or a file nested deeper than Python's stack
        click.echo("cheatdeck: error: the input nests too deeply to be read (a folder tree or a "
                   "file over about 900 levels deep)", err=True)
        sys.exit(1)
    except Exception as exc:
        if not _template_error(exc):
            raise
        where = f" ({exc.filename}:{exc.lineno})" if getattr(exc, "filename", None) else ""
        click.echo(for_terminal(f"cheatdeck: error: a template cannot be rendered{where}: {exc} "
                                "(templates run sandboxed: they may use the context they are given, "
                                "never Python)"), err=True)
        sys.exit(1)


def _template_error(exc: Exception) -> bool:
    """A Jinja error (a --templates file that does not parse, or that the sandbox stopped); Jinja
    is not imported for it: only a command that rendered a template can raise one."""
    jinja2 = sys.modules.get("jinja2")
    return jinja2 is not None and isinstance(exc, jinja2.TemplateError)


def report(obj: Context, result: CheckResult, strict: bool, always: bool = False) -> None:
    for d in result.diagnostics:
        if d.severity is Severity.ERROR or (obj.verbosity >= 0 and d.severity is Severity.WARNING) \
                or obj.verbosity >= 1:
            click.echo(for_terminal(str(d)), err=not always)
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    if obj.verbosity >= 0 or result.failed(strict):
        verdict = " (failing: --strict counts warnings)" if strict and warnings and not errors else ""
        click.echo(f"{errors} error(s), {warnings} warning(s){verdict}", err=True)
