"""`cheatdeck inspect`: the structure read from a guide, or its card-quality report."""

from __future__ import annotations

import json

import click

from builder.anki.counts import card_counts
from builder.anki.interference import shared_commands
from builder.anki.quality import guide_report, report_lines
from builder.cli import Context
from builder.commands.common import DEFAULT_SOURCE, run_step, sources_argument
from builder.diagnostics import Severity, for_terminal
from builder.model import Guide, Objective
from builder.pipeline import check, select
from builder.project import plan
from builder.serialize import guide_to_data


@click.command("inspect")
@sources_argument
@click.option("--json", "as_json", is_flag=True, help="Print the whole model as JSON.")
@click.option("--only", multiple=True, metavar="ID", help="Show only this objective.")
@click.option("--cards", is_flag=True, help="Print the Anki card-quality report per card type.")
@click.pass_obj
def inspect_command(obj: Context, sources: tuple[str, ...], as_json: bool, only: tuple[str, ...],
                    cards: bool) -> None:
    """Show the structure read from SOURCES: topics, objectives and what each holds."""
    run = run_step(lambda: plan(list(sources), DEFAULT_SOURCE))
    result = run_step(lambda: check(run.sources, settings=run.settings))
    guide = run_step(lambda: select(result.guide, only))
    if as_json:
        click.echo(json.dumps(guide_to_data(guide), ensure_ascii=False, indent=1))
        return
    if cards:
        click.echo("\n".join(for_terminal(line) for line in report_lines(*guide_report(guide))))
        return
    for line in describe(guide):
        click.echo(for_terminal(line))
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    click.echo(f"\n{errors} error(s), {warnings} warning(s); run 'cheatdeck check' for details")


def describe(guide: Guide) -> list[str]:
    """A readable tree: topic, objectives with counts of each node kind, and the stubs."""
    version = f", version {guide.version}" if guide.version else ""
    lines = [f"{guide.exam}  ({len(guide.sources)} file(s){version})"]
    shared = shared_commands(guide)  # a command asked in several objectives is the first one's note
    for topic in guide.topics:
        lines.append(f"Topic {topic.number}: {topic.title}  [{topic.pos}]")
        for o in topic.objectives:
            lines.append(f"  {o.id} {o.title}  (weight {o.weight if o.weight is not None else '?'})"
                         f"  [{o.pos}]")
            lines.append("    " + ", ".join(f"{n} {label}" for label, n in _counts(o)))
            lines.append("    cards: " + ", ".join(f"{n} {kind}" for kind, n in card_counts(o, shared).items()))
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
