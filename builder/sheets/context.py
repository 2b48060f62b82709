"""The model as template contexts: frozen dataclasses each sheet template receives (pure)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from html import escape

from builder import __version__
from builder.i18n import _, ngettext
from builder.model import (CitedObject, CodeSample, CommandGroup, Guide, Objective, RichText,
                           SourcePos, Span, SpanStyle, Table, Topic)
from builder.sheets.codelines import fold_html, lean_spans
from builder.sheets.names import EMOJI, anchor_for, group_anchor
from builder.sourcelinks import SourceLinks
from builder.sheets.figures import Figure, figures
from builder.sheets.siblings import sibling_tables
from builder.sheets.budget import SLACK, SNUG, page_budget, pages_needed
from builder.sheets.prose import LEVELS, DefinitionGroup, IdeaGroup, Level, cell_html, definition_groups, keep_words, key_ideas
from builder.html import highlight_code, rich_to_html

# Monospace characters per code line for (orientation) at the default stylesheet's sizes.
CODE_WIDTH = {("a4", "landscape"): 62, ("a4", "portrait"): 66,
              ("letter", "landscape"): 64, ("letter", "portrait"): 68}
COLUMNS = {"landscape": 3, "portrait": 2}
# The part heading itself is no tool subheading: groups right under it print without one.
_IMPORTANT = re.compile(r"important commands|terms and utilities", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Layout:
    """Page options the templates need."""

    paper: str  # "a4" or "letter"
    orientation: str  # "landscape" or "portrait"
    emoji: str  # "color" or "drop"

    @property
    def page_size(self) -> str:
        return f"{'A4' if self.paper == 'a4' else 'letter'} {self.orientation}"

    @property
    def page_mm(self) -> tuple[float, float]:
        """The page's width and height in millimetres."""
        short, long = (210.0, 297.0) if self.paper == "a4" else (215.9, 279.4)
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def columns(self) -> int:
        return COLUMNS[self.orientation]

    @property
    def code_width(self) -> int:
        return CODE_WIDTH[(self.paper, self.orientation)]


@dataclass(frozen=True, slots=True)
class SheetMeta:
    """What the running header, footer and PDF metadata show."""

    exam: str
    topic: str  # "352 Container Virtualization"
    title: str  # the document title
    subject: str
    keywords: str
    tool_version: str
    guide_version: str | None
    created: str | None  # ISO date-time from SOURCE_DATE_EPOCH, or None
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class CodeRow:
    html: str  # escaped, highlighted, folded
    disabled: bool  # a commented-out line, printed dimmed


@dataclass(frozen=True, slots=True)
class CommandBlock:
    anchor: str
    purpose_html: str
    rows: tuple[CodeRow, ...]
    section: str | None  # heading shown when it differs from the previous block's
    files: bool  # the lines are paths, not commands
    source: str | None = None  # the guide line it came from, at the build's commit


@dataclass(frozen=True, slots=True)
class CitedEntry:
    name: str
    kind: str
    note: str | None
    target: str | None  # anchor of the first block that uses it


@dataclass(frozen=True, slots=True)
class TableBlock:
    title: str
    header: tuple[str, ...]  # escaped HTML cells
    rows: tuple[tuple[str, ...], ...]
    # where it prints, from its measured min-content width (builder/sheets/measure.py): in its
    # column, across the page (`page`), or one block per row, "label: value" (`stack`)
    fit: str = "column"
    source: str | None = None  # the guide line it came from, at the build's commit


@dataclass(frozen=True, slots=True)
class SampleBlock:
    anchor: str
    caption: str | None
    language: str
    html: str


@dataclass(frozen=True, slots=True)
class TimelineStrip:
    title: str | None
    periods: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class ObjectiveSheet:
    """Everything one objective's sheet shows."""

    meta: SheetMeta
    layout: Layout
    id: str
    anchor: str
    title: str
    icon: str | None
    weight: int | None
    description_html: str
    knowledge_html: tuple[str, ...]
    cited: tuple[CitedEntry, ...]
    important: tuple[CommandBlock, ...]
    other: tuple[CommandBlock, ...]
    tables: tuple[TableBlock, ...]
    definitions: tuple[DefinitionGroup, ...]
    samples: tuple[SampleBlock, ...]
    timeline: tuple[TimelineStrip, ...]
    figures: tuple[Figure, ...]
    practice: tuple[str, ...] = ()  # "Practice Exam: questions 61-63", one per exam that asks about it
    ideas: tuple[IdeaGroup, ...] = ()  # the guide's prose, condensed per section
    level: Level = LEVELS[-1]  # how condensed (builder/sheets/prose.py: LEVELS)
    spacing: str = ""  # "snug" or "roomy": to save or to fill a nearly empty last page

    @property
    def has_commands(self) -> bool:
        return bool(self.important or self.other)

    def figures_after(self, section: str | None) -> tuple[Figure, ...]:
        """The figures that print after a section's key ideas (in its column)."""
        if section is None or not any(g.section == section and g.printed for g in self.ideas):
            return ()
        return tuple(f for f in self.figures if f.section == section and not f.wide)

    @property
    def loose_figures(self) -> tuple[Figure, ...]:
        """The figures no printed key ideas lead to: in the Figures section (across the page, the wide)."""
        return tuple(f for f in self.figures if f not in self.figures_after(f.section))


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    id: str
    anchor: str
    title: str
    weight: int | None
    cited: tuple[str, ...]  # its cited objects, listed under the entry


@dataclass(frozen=True, slots=True)
class TopicCover:
    """The title and contents page that opens a topic PDF."""

    meta: SheetMeta
    layout: Layout
    number: str
    title: str
    entries: tuple[ContentsEntry, ...]
    total_weight: int


def meta_for(guide: Guide, topic: Topic, title: str, subject: str, keywords: tuple[str, ...],
             created: str | None, emoji: str) -> SheetMeta:
    clean = _text_filter(emoji)
    return SheetMeta(exam=guide.exam, topic=clean(f"{topic.number} {topic.title}"), title=clean(title),
                     subject=clean(subject), keywords=", ".join(keywords), tool_version=__version__,
                     guide_version=guide.version, created=created, lang=guide.lang)


def objective_sheet(guide: Guide, topic: Topic, o: Objective, layout: Layout,
                    created: str | None = None, links: SourceLinks | None = None,
                    level: Level | None = None) -> ObjectiveSheet:
    """The context of one objective's sheet; `links` give each block its guide line's URL.
    Its prose prints at `level`, or at the richest level estimated to start no other page."""
    clean = _text_filter(layout.emoji)
    rich = _rich_filter(layout.emoji)
    important, other = command_blocks(o, layout, links)
    samples = tuple(_sample(o, i, s, layout) for i, s in enumerate(o.samples))
    siblings, taken = sibling_tables(o)
    meta = meta_for(guide, topic, f"{o.id} {o.title}", _("{exam} objective {id}: {title}").format(exam=guide.exam, id=o.id, title=o.title),
                    tuple(c.name for c in o.cited_objects), created, layout.emoji)
    sheet = ObjectiveSheet(
        meta=meta, layout=layout, id=o.id, anchor=anchor_for(o.id), title=clean(o.title),
        icon=o.icon if layout.emoji == "color" else None, weight=o.weight,
        description_html=rich(o.description), knowledge_html=tuple(rich(k) for k in o.key_knowledge_areas),
        cited=cited_entries(o, important + other, samples),
        important=important, other=other,
        tables=tuple(_table(t, clean, rich, layout, links) for t in o.tables + siblings),
        definitions=definition_groups(o, clean, rich, taken),
        samples=samples, timeline=_timeline(o, clean), figures=_figures(guide, o, layout),
        practice=tuple(clean(line) for line in practice_lines(guide, o.id)))
    level = level or prose_level(sheet, o, rich, taken)
    return replace(sheet, ideas=key_ideas(o, rich, level, taken), level=level)


def prose_level(sheet: ObjectiveSheet, o: Objective, rich,  # type: ignore[no-untyped-def]
                taken: frozenset[SourcePos] = frozenset()) -> Level:
    """The richest level of prose that keeps the sheet on the pages its leanest prose needs:
    the last page's room is filled with prose before any of it is cut."""
    sheet = replace(sheet, ideas=key_ideas(o, rich, LEVELS[-1], taken))
    budget = page_budget(pages_needed(sheet))
    for level in LEVELS[:-1]:
        if pages_needed(replace(sheet, ideas=key_ideas(o, rich, level, taken))) <= budget:
            return level
    return LEVELS[-1]


def leaner_levels(sheet: ObjectiveSheet, o: Objective, printed: float) -> list[Level]:
    """The levels leaner than the sheet's that may end it a page sooner, leanest last, each
    printing less than the one before (a level that prints the same prose lays out the same):
    tried when a sheet's last page is nearly empty. `printed` is how many pages the layout
    filled (2.13: two pages and 13 % of a third); a level's saving is the estimate's
    (builder/sheets/budget.py) difference between the two levels."""
    rich = _rich_filter(sheet.layout.emoji)
    _, taken = sibling_tables(o)
    now = pages_needed(sheet)
    found, seen = [], [sheet.ideas]
    for level in LEVELS[LEVELS.index(sheet.level) + 1:]:
        ideas = key_ideas(o, rich, level, taken)
        if ideas in seen:
            continue
        seen.append(ideas)
        if printed - (now - pages_needed(replace(sheet, ideas=ideas))) <= math.ceil(printed) - 1 + SLACK:
            found.append(level)
    return found


def snug_may_save(printed: float) -> bool:
    """Whether a sheet that filled `printed` pages may end a page sooner laid out snug (its
    lines about SNUG of their height)."""
    return printed * SNUG <= math.ceil(printed) - 1 + SLACK


def practice_lines(guide: Guide, objective_id: str) -> list[str]:
    """Which practice-exam questions ask about an objective: "<exam>: questions 61-63, 70"."""
    lines = []
    for exam in guide.exams:
        numbers = sorted(q.number for q in exam.questions_for(objective_id))
        if numbers:
            asked = ngettext("question {numbers}", "questions {numbers}", len(numbers))
            lines.append(f"{exam.title}: " + asked.format(numbers=_ranges(numbers)))
    return lines


def _ranges(numbers: list[int]) -> str:
    """[61, 62, 63, 70] -> "61-63, 70"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def command_blocks(o: Objective, layout: Layout,
                   links: SourceLinks | None = None) -> tuple[tuple[CommandBlock, ...], tuple[CommandBlock, ...]]:
    """Groups with at least one line: the Important Commands ones first, then the rest in order."""
    clean = _text_filter(layout.emoji)
    blocks: dict[bool, list[CommandBlock]] = {True: [], False: []}
    last_section: dict[bool, str | None] = {True: None, False: None}
    for i, group in enumerate(o.command_groups):
        if not group.lines:
            continue
        section = clean(group.section) if group.section else None
        shown = section if section != last_section[group.important] else None
        last_section[group.important] = section
        blocks[group.important].append(CommandBlock(
            anchor=group_anchor(o.id, i), purpose_html=keep_words(escape(clean(group.purpose or ""))),
            rows=tuple(_row(line.text, group.language, line.disabled, layout) for line in group.lines),
            section=None if section and _IMPORTANT.search(section) else shown,
            files=group.kind.value == "files", source=links.url(group.pos) if links else None))
    return tuple(blocks[True]), tuple(blocks[False])


def cited_entries(o: Objective, blocks: tuple[CommandBlock, ...],
                  samples: tuple[SampleBlock, ...]) -> tuple[CitedEntry, ...]:
    """Each cited object with a link to the first command block (or sample) that shows it."""
    by_anchor = {group_anchor(o.id, i): g for i, g in enumerate(o.command_groups)}
    ordered = [b.anchor for b in blocks]
    return tuple(CitedEntry(c.name, c.kind.value, c.note, _first_use(c, ordered, by_anchor, o, samples))
                 for c in o.cited_objects)


def _first_use(c: CitedObject, ordered: list[str], by_anchor: dict[str, CommandGroup],
               o: Objective, samples: tuple[SampleBlock, ...]) -> str | None:
    rx = c.mention_regex()
    for anchor in ordered:
        if any(rx.search(line.normalized) for line in by_anchor[anchor].lines):
            return anchor
    for sample, block in zip(o.samples, samples):
        if rx.search(sample.text):
            return block.anchor
    return None


def _row(text: str, language: str, disabled: bool, layout: Layout) -> CodeRow:
    shown = text if layout.emoji == "color" else EMOJI.sub("", text)
    html = escape(shown, quote=False) if disabled else lean_spans(highlight_code(shown, language or "sh"))
    return CodeRow(fold_html(html, layout.code_width), disabled)


def _sample(o: Objective, i: int, s: CodeSample, layout: Layout) -> SampleBlock:
    text = s.text if layout.emoji == "color" else EMOJI.sub("", s.text)
    html = "\n".join(fold_html(line, layout.code_width)
                     for line in lean_spans(highlight_code(text, s.language or "text")).split("\n"))
    caption = _text_filter(layout.emoji)(s.caption) if s.caption else None
    return SampleBlock(anchor_for(o.id, f"s{i}"), caption, s.language, html)


def _table(t: Table, clean, rich, layout: Layout,  # type: ignore[no-untyped-def]
           links: SourceLinks | None = None) -> TableBlock:
    from builder.sheets.measure import table_fit  # fontTools: only when a sheet is made

    width = len(t.header)
    rows = tuple(tuple(cell_html(c, rich) for c in (row.cells + (RichText(),) * width)[:width])
                 for row in t.rows)
    return TableBlock(clean(t.title), tuple(cell_html(h, rich) for h in t.header), rows,
                      table_fit(t, layout.paper, layout.orientation, layout.columns),
                      links.url(t.pos) if links else None)


def _timeline(o: Objective, clean) -> tuple[TimelineStrip, ...]:  # type: ignore[no-untyped-def]
    strips: dict[str | None, list[tuple[str, tuple[str, ...]]]] = {}
    for event in o.timeline:
        strips.setdefault(event.timeline, []).append(
            (clean(event.period), tuple(clean(e) for e in event.events)))
    return tuple(TimelineStrip(clean(title) if title else None, tuple(periods))
                 for title, periods in strips.items())


def _figures(guide: Guide, o: Objective, layout: Layout) -> tuple[Figure, ...]:
    from builder.sheets.measure import widths

    column, page = widths(layout.paper, layout.orientation, layout.columns)
    return figures(o.images, o.sections, guide.root, column, page)


def _text_filter(emoji: str):  # type: ignore[no-untyped-def]
    if emoji == "color":
        return lambda text: text
    return lambda text: " ".join(EMOJI.sub("", text).split()) if text else text


def _rich_filter(emoji: str):  # type: ignore[no-untyped-def]
    """Rich text as sheet HTML: emoji kept or dropped, words kept whole (prose.keep_words)."""
    html = _rich_html(emoji)
    return lambda text: keep_words(html(text))


def _rich_html(emoji: str):  # type: ignore[no-untyped-def]
    if emoji == "color":
        return rich_to_html

    def dropped(text: RichText | None) -> str:
        if text is None:
            return ""
        return rich_to_html(RichText(tuple(Span(EMOJI.sub("", s.text), s.style, s.href)
                                           for s in text.spans if s.style is SpanStyle.LINK
                                           or EMOJI.sub("", s.text))))
    return dropped
