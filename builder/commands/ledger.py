"""`cheatdeck ledger`: work with the identity ledger."""

from __future__ import annotations

from pathlib import Path

import click

from builder.anki.ledger_merge import merge_files
from builder.cli import Context
from builder.commands.common import run_step


@click.group("ledger")
def ledger_group() -> None:
    """Work with the identity ledger (cheatdeck.lock)."""


@ledger_group.command("merge")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.pass_obj
def ledger_merge_command(obj: Context, base: str, ours: str, theirs: str) -> None:
    """Merge two changed copies of a ledger into OURS (git merge driver: %O %A %B)."""
    obj.say(run_step(lambda: merge_files(Path(base), Path(ours), Path(theirs))))
