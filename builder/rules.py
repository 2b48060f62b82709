"""Lint rules over the model: each rule has an id and yields located diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from builder.diagnostics import Diagnostic, warning
from builder.model import Guide, Objective

Rule = Callable[[Objective], Iterator[Diagnostic]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn
    return register


def check_guide(guide: Guide) -> list[Diagnostic]:
    """Run every rule over every objective."""
    found: list[Diagnostic] = []
    for objective in guide.objectives:
        for fn in RULES.values():
            found.extend(fn(objective))
    return found


STUB_RULES = {"placeholder": "stub-placeholder", "empty section": "stub-empty",
              "comment-only block": "comment-only-block"}


@rule("stub")
def _stubs(o: Objective) -> Iterator[Diagnostic]:
    for stub in o.stubs:
        yield warning(stub.pos, STUB_RULES.get(stub.reason, "stub"),
                      f"{stub.reason} '{stub.title}' in {o.id} is not content: write it or remove it")


@rule("objective-incomplete")
def _incomplete(o: Objective) -> Iterator[Diagnostic]:
    missing = [name for name, value in (("weight", o.weight), ("description", o.description),
                                        ("key knowledge areas", o.key_knowledge_areas),
                                        ("cited objects", o.cited_objects)) if not value]
    if missing:
        yield warning(o.pos, "objective-incomplete", f"objective {o.id} has no {', no '.join(missing)}")


@rule("no-commands")
def _no_commands(o: Objective) -> Iterator[Diagnostic]:
    if not any(g.commands for g in o.command_groups):
        yield warning(o.pos, "no-commands", f"objective {o.id} has no command lines: add an "
                                            "'Important Commands' section")


@rule("no-purpose")
def _no_purpose(o: Objective) -> Iterator[Diagnostic]:
    for group in o.command_groups:
        if group.purpose is None:
            yield warning(group.pos, "no-purpose", "command lines with no purpose comment: add "
                                                   "'# what this does' above them")


@rule("cited-unused")
def _cited_unused(o: Objective) -> Iterator[Diagnostic]:
    texts = [line.normalized for g in o.command_groups for line in g.lines]
    texts += [s.text for s in o.samples]
    languages = {s.language.lower() for s in o.samples}
    for obj in o.cited_objects:
        rx = obj.mention_regex()
        if obj.name.lower() in languages or any(rx.search(t) for t in texts):
            continue
        yield warning(obj.pos, "cited-unused", f"cited object '{obj.name}' is never shown in use in "
                                               f"{o.id}: add a command or file example that uses it")


@rule("broken-reference")
def _broken_refs(o: Objective) -> Iterator[Diagnostic]:
    for image in o.images:
        if image.exists is False:
            where = ("does not exist" if image.resolved else
                     "is outside the source folder or not a local file")
            yield warning(image.pos, "broken-image", f"image '{image.target}' {where}; it is left out "
                                                     "of decks and sheets")
        elif image.exists is None:
            yield warning(image.pos, "remote-image", f"image '{image.target}' is remote and is never "
                                                     "fetched; it is left out: copy it under source/")
    for link in o.links:
        if link.exists is False:
            yield warning(link.pos, "broken-link", f"link target '{link.target}' does not exist under "
                                                   "the source folder")
