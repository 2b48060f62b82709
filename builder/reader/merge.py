"""The objectives of every file as one guide: an objective spread over several files is one.

Guides split an objective in every way: an objective README and its exercises, a topic page that
gives each objective's weight and description and one page per objective for the content, notes
in a folder named for the objective. The drafts of one objective are merged in file order, the
fullest one first. A file that only lists objectives that other files hold (a table of contents,
a changelog of the objectives) gives them its weights and descriptions and nothing else.
"""

from __future__ import annotations

from builder.diagnostics import Diagnostic, error, info
from builder.model import Objective, Topic
from builder.reader.assemble import FileResult, ObjectiveDraft, TopicDraft
from builder.reader.identity import resolve_identities

_MAX_LISTED_PROSE = 3  # an objective of a listing: its title, a description, a line or two


def merge_files(files: list[FileResult], diags: list[Diagnostic]) -> list[Topic]:
    """One topic per number (an explicit `Topic NNN` heading names it), objectives in id order."""
    names: dict[str, TopicDraft] = {}
    for draft in (t for f in files for t in f.topics):
        known = names.get(draft.number)
        if known is None or (draft.explicit and not known.explicit):
            names[draft.number] = draft
    listings = _listings(files, diags)
    by_id: dict[str, list[ObjectiveDraft]] = {}
    listed: dict[str, list[ObjectiveDraft]] = {}
    for index, f in enumerate(files):
        for draft in f.objectives:
            (listed if index in listings else by_id).setdefault(draft.id, []).append(draft)
    by_topic: dict[str, list[Objective]] = {}
    for oid, drafts in by_id.items():
        drafts = _without_removed(drafts, diags)
        if not drafts:
            continue
        merged = _merge_one(_without_repeats(drafts, diags), listed.get(oid, []))
        objective, found = resolve_identities(merged.freeze())
        diags.extend(found)
        by_topic.setdefault(oid.split(".")[0], []).append(objective)
    topics = []
    for number in sorted(by_topic, key=_number_key):
        draft = names[number]
        objectives = sorted(by_topic[number], key=lambda o: tuple(int(x) for x in o.id.split(".")))
        topics.append(Topic(number, draft.title, draft.icon, tuple(objectives), draft.pos))
    return topics


def _number_key(number: str) -> tuple[int, str]:
    return (int(number), number) if number.isdigit() else (1 << 30, number)


def _thin(draft: ObjectiveDraft) -> bool:
    """An objective that is only listed: no commands, code, tables, terms, images, links; a few lines."""
    return not (draft.groups or draft.samples or draft.tables or draft.definitions or draft.images
                or draft.timeline or draft.links) and len(draft.prose) <= _MAX_LISTED_PROSE


def _listings(files: list[FileResult], diags: list[Diagnostic]) -> set[int]:
    """The files that only list objectives, some of which other files hold."""
    full: dict[str, set[int]] = {}
    for index, f in enumerate(files):
        for draft in f.objectives:
            full.setdefault(draft.id, set()).add(index)
    found = set()
    for index, f in enumerate(files):
        drafts = f.objectives
        if len(drafts) < 2 or not all(_thin(d) for d in drafts):
            continue
        elsewhere = [d.id for d in drafts if full.get(d.id, set()) - {index}]
        if not elsewhere:
            continue  # the guide itself, however short
        found.add(index)
        only_here = [d.id for d in drafts if not full.get(d.id, set()) - {index} - found]
        dropped = f"; {', '.join(only_here)} only listed here, not built" if only_here else ""
        diags.append(info(drafts[0].pos, "objective-listing",
                          f"this file lists {len(drafts)} objectives that other files hold: it gives "
                          f"them its weights and descriptions and nothing else{dropped}"))
    return found


def _without_removed(drafts: list[ObjectiveDraft], diags: list[Diagnostic]) -> list[ObjectiveDraft]:
    """`104.4 Removed (see 104.3)`: an objective LPI dropped, kept in the guide as a note."""
    for draft in drafts:
        if draft.removed:
            diags.append(info(draft.pos, "objective-removed",
                              f"objective {draft.id} '{draft.title}' says it was removed: it is "
                              "reported, not built"))
    return [d for d in drafts if not d.removed]


def _without_repeats(drafts: list[ObjectiveDraft], diags: list[Diagnostic]) -> list[ObjectiveDraft]:
    """One objective written twice in one file is a mistake: the second is skipped."""
    kept: list[ObjectiveDraft] = []
    for draft in drafts:
        first = next((k for k in kept if k.pos.path == draft.pos.path), None)
        if first is not None:
            diags.append(error(draft.pos, "duplicate-objective",
                               f"objective {draft.id} is defined twice (first at {first.pos}); "
                               "this one is skipped: merge them or fix the number"))
            continue
        kept.append(draft)
    return kept


def _merge_one(drafts: list[ObjectiveDraft], listed: list[ObjectiveDraft]) -> ObjectiveDraft:
    """The drafts of one objective as one: the one its heading names with a weight or description
    first, the others' content after it in file order; a listing fills only what is missing."""
    primary = min(drafts, key=lambda d: (d.implied, d.weight is None and d.description is None,
                                         drafts.index(d)))
    if len(drafts) == 1 and not listed:
        return primary
    merged = primary.copy()
    for other in drafts:
        if other is not primary:
            merged.absorb(other)
    for listing in listed:
        merged.fill(listing)
    return merged
