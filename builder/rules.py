"""Lint rules over the model: each rule declares the catalogued codes it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from builder.catalogue import CODES
from builder.diagnostics import Diagnostic, name_languages
from builder.model import DateKind, Guide, Objective, SourcePos

Check = Callable[[Objective], Iterator[Diagnostic]]
# A check over the whole guide, given the day of the check (None: no day, dated facts unchecked).
GuideCheck = Callable[[Guide, date | None], Iterator[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A check and the codes (rows of builder/catalogue.py) it may report: run once per
    objective, or once per guide (`per_guide`) for what the guide holds outside objectives."""

    codes: tuple[str, ...]
    check: Check | GuideCheck
    per_guide: bool = False


RULES: list[Rule] = []


def rule(*codes: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        RULES.append(Rule(codes, fn))
        return fn
    return register


def guide_rule(*codes: str) -> Callable[[GuideCheck], GuideCheck]:
    def register(fn: GuideCheck) -> GuideCheck:
        RULES.append(Rule(codes, fn, per_guide=True))
        return fn
    return register


def found(pos: SourcePos, code: str, message: str) -> Diagnostic:
    """A finding at its code's catalogued severity."""
    return Diagnostic(pos, CODES[code].severity, code, message)


def check_guide(guide: Guide, today: date | None = None) -> list[Diagnostic]:
    """Run every rule over every objective, and the guide's own rules once; `today` is the day
    dated facts are checked against (the pipeline's `check_day()`)."""
    per_objective = [r.check for r in RULES if not r.per_guide]
    found = [d for objective in guide.objectives for check in per_objective
             for d in check(objective)]  # type: ignore[call-arg]
    found += [d for r in RULES if r.per_guide for d in r.check(guide, today)]  # type: ignore[call-arg]
    return name_languages(found, guide.languages)


STUB_CODES = {"placeholder": "stub-placeholder", "empty section": "stub-empty",
              "comment-only block": "comment-only-block"}


@rule(*STUB_CODES.values())
def _stubs(o: Objective) -> Iterator[Diagnostic]:
    for stub in o.stubs:
        yield found(stub.pos, STUB_CODES[stub.reason],
                    f"{stub.reason} '{stub.title}' in {o.id} is not content: write it or remove it")


@rule("objective-incomplete")
def _incomplete(o: Objective) -> Iterator[Diagnostic]:
    missing = [name for name, value in (("weight", o.weight), ("description", o.description),
                                        ("key knowledge areas", o.key_knowledge_areas),
                                        ("cited objects", o.cited_objects)) if not value]
    if missing:
        yield found(o.pos, "objective-incomplete", f"objective {o.id} has no {', no '.join(missing)}")


@rule("no-commands")
def _no_commands(o: Objective) -> Iterator[Diagnostic]:
    if not any(g.commands for g in o.command_groups):
        yield found(o.pos, "no-commands", f"objective {o.id} has no command lines: add an "
                                          "'Important Commands' section")


@rule("no-purpose")
def _no_purpose(o: Objective) -> Iterator[Diagnostic]:
    for group in o.command_groups:
        if group.purpose is None:
            yield found(group.pos, "no-purpose", "command lines with no purpose comment: add "
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
        yield found(obj.pos, "cited-unused", f"cited object '{obj.name}' is never shown in use in "
                                             f"{o.id}: add a command or file example that uses it")


@rule("broken-image", "remote-image", "broken-link")
def _broken_refs(o: Objective) -> Iterator[Diagnostic]:
    for image in o.images:
        if image.exists is False:
            where = ("does not exist" if image.resolved else
                     "is outside the source folder or not a local file")
            yield found(image.pos, "broken-image", f"image '{image.target}' {where}; it is left out "
                                                   "of decks and sheets")
        elif image.exists is None:
            yield found(image.pos, "remote-image", f"image '{image.target}' is remote and is never "
                                                   "fetched; it is left out: copy it under source/")
    for link in o.links:
        if link.exists is False:
            yield found(link.pos, "broken-link", f"link target '{link.target}' does not exist under "
                                                 "the source folder")


@guide_rule("dated-fact-expired")
def _dated_facts(guide: Guide, today: date | None) -> Iterator[Diagnostic]:
    if today is None:
        return
    for fact in guide.dated:
        if date.fromisoformat(fact.date) >= today:
            continue
        note = f" ({fact.note})" if fact.note else ""
        if fact.kind is DateKind.UNTIL:
            what = (f"'{fact.statement}' holds until {fact.date}{note}, and that day has passed "
                    f"(checked on {today}): rewrite it for what is true now, then remove the marker")
        else:
            what = (f"'{fact.statement}' was due for review on {fact.date}{note} (checked on "
                    f"{today}): check it against its source again, then set the next review date")
        yield found(fact.pos, "dated-fact-expired", what)
