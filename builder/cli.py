"""The `cheatdeck` command line: a Click group whose subcommands are imported only when they run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from builder import __version__

DEFAULT_SOURCE = "source"
# name -> "module:command"; `cheatdeck --version` or `cheatdeck check` import nothing of the others.
COMMANDS = {
    "build": "builder.commands.build:build_command",
    "check": "builder.commands.check:check_command",
    "inspect": "builder.commands.inspect:inspect_command",
    "preview": "builder.commands.preview:preview_command",
    "ledger": "builder.commands.ledger:ledger_group",
    "progress": "builder.commands.progress:progress_command",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module when the subcommand is asked for (Click's
    documented lazy-loading pattern)."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, name = self.lazy[cmd_name].split(":")
        command = getattr(importlib.import_module(module), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[cmd_name]} is not a Click command")
        return command


class Context:
    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def say(self, line: str) -> None:
        """A progress line; guide text in it (a ledger identity, a file name) is shown, never
        obeyed by the terminal."""
        if self.verbosity >= 0:
            from builder.diagnostics import for_terminal

            click.echo(for_terminal(line), err=True)


def silent(_: str) -> None:
    return None


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """The tool version, and the version and commit of ./source when it is a git checkout."""
    if not value or ctx.resilient_parsing:
        return
    from builder.version import guide_version, source_commit

    click.echo(f"cheatdeck, version {__version__}")
    folder = Path(DEFAULT_SOURCE)
    version = guide_version(folder)
    if version is not None:
        click.echo(f"guide {DEFAULT_SOURCE}/, version {version} (commit {source_commit(folder)})")
    ctx.exit()


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the tool version and the guide version, then exit.")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for more).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Turn LPI-format study guides into Anki decks, cheat sheets and a JSON model."""
    ctx.obj = Context(-1 if quiet else verbose)


def main() -> None:
    try:
        cli(prog_name="cheatdeck")
    finally:
        if "multiprocessing.forkserver" in sys.modules or "multiprocessing.resource_tracker" in sys.modules:
            from builder.workers import end_helpers

            end_helpers()
