"""The fixed Anki note types: hard-coded IDs, frozen field lists, templates read as plain files.

Changing a note type's fields or templates forces learners into a one-way sync, so these
schemas are frozen: if one must change, add a new note type (new name and ID) instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from builder.html import pygments_css
from builder.i18n import SOURCE_LANG, translate_card_template
from builder.resources import templates_dir

CSS_FILE = "cards.css"
TOOL_NAME = "cheatdeck"


@dataclass(frozen=True, slots=True)
class CardTemplate:
    """One card of a note type; its front and back are files under templates/anki/."""

    name: str
    id: int  # stable template ID, so Anki matches the template even if it is renamed
    front: str  # file name of the question template
    back: str  # file name of the answer template


@dataclass(frozen=True, slots=True)
class NoteType:
    """A note type whose ID, field names and order never change."""

    kind: str  # the card kind used in GUIDs, tags and counts
    id: int
    name: str
    fields: tuple[tuple[str, int], ...]  # (name, stable field ID), in order; field 0 sorts
    templates: tuple[CardTemplate, ...]
    cloze: bool = False  # an Anki cloze type: one card per {{cN::...}} in its cloze field

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)


@dataclass(frozen=True, slots=True)
class NoteTypeText:
    """A note type's template and CSS text as read for one build."""

    note_type: NoteType
    templates: tuple[tuple[str, str], ...]  # (front, back) per CardTemplate
    css: str

    @property
    def digest(self) -> str:
        """What the ledger compares: any change to fields, templates or CSS changes it."""
        h = hashlib.sha256()
        nt = self.note_type
        for part in (nt.name, repr(nt.fields), repr(nt.templates), repr(self.templates), self.css):
            h.update(part.encode("utf-8") + b"\0")
        return h.hexdigest()


def _t(name: str, tid: int, stem: str) -> CardTemplate:
    return CardTemplate(name, tid, f"{stem}-front.html", f"{stem}-back.html")


COMMAND = NoteType("command", 3503486615119, f"{TOOL_NAME} Command", (
    ("Sort", 4945453922816), ("Purpose", 5600125723845), ("Commands", 4922709412963),
    ("Objective", 3545151808766), ("Section", 1784098060793), ("Weight", 2743222589283),
    ("Id", 3982636985271)),
    (_t("Recall", 3423655841838, "command-recall"), _t("Recognize", 4496714892195, "command-recognize")))

CITED = NoteType("cited", 7524670883218, f"{TOOL_NAME} Cited object", (
    ("Sort", 5805431433951), ("Object", 3814493586697), ("ObjectKind", 5306520070393),
    ("Annotation", 5510151053050), ("Shows", 6224893094507), ("Objective", 5567090820182),
    ("Weight", 1349635506209), ("Id", 8339922889378)),
    (_t("Object", 7059139129034, "cited"),))

ROW = NoteType("row", 6828542951115, f"{TOOL_NAME} Comparison row", (
    ("Sort", 8658145065219), ("Table", 1800987568654), ("KeyHeader", 2678820816657),
    ("Row", 1671050831289), ("Cells", 4779179322712), ("FullTable", 3499511065969),
    ("Reverse", 4119565192920), ("Objective", 4829010214247), ("Section", 3685373013367),
    ("Weight", 3430645439021), ("Id", 3028371699172)),
    (_t("Row", 5565634732515, "row"), _t("Reverse", 7043930862407, "row-reverse")))

DEFINITION = NoteType("definition", 3387889203002, f"{TOOL_NAME} Definition", (
    ("Sort", 7260439936758), ("Term", 2928738727763), ("Definition", 5634324481029),
    ("Images", 2076209056672), ("Objective", 7240608730917), ("Section", 3070296372390),
    ("Weight", 2776483226786), ("Id", 5113479980115)),
    (_t("Definition", 7759507254064, "definition"),))

TIMELINE = NoteType("timeline", 6188917544115, f"{TOOL_NAME} Timeline event", (
    ("Sort", 6871878780765), ("Timeline", 8726178714842), ("Events", 1078990294596),
    ("Period", 1786899181372), ("FullTimeline", 8255554440581), ("Objective", 2079006984878),
    ("Weight", 6948550362932), ("Id", 6148242870400)),
    (_t("When", 6916568171014, "timeline"),))

OVERVIEW = NoteType("overview", 2722263189903, f"{TOOL_NAME} Objective overview", (
    ("Sort", 1373570531993), ("Objective", 1969784549815), ("Weight", 4543278545572),
    ("Description", 7993182294114), ("Knowledge", 1799488729683), ("Cited", 1469630790525),
    ("Images", 5284038579115), ("Id", 7963207806614)),
    (_t("Overview", 8060055286627, "overview"),))

CLOZE = NoteType("cloze", 5871302946771, f"{TOOL_NAME} Cloze", (
    ("Sort", 2290415876213), ("Text", 6385012963554), ("Extra", 4172690351928),
    ("TypeIn", 8014726531093), ("Objective", 1526890147263), ("Section", 7345091826634),
    ("Weight", 3901847265519), ("Id", 6619027348150)),
    (_t("Cloze", 4758219306641, "cloze"),), cloze=True)

# The index in this tuple is the kind's place in the Sort field: new types go at the end.
NOTE_TYPES: tuple[NoteType, ...] = (OVERVIEW, COMMAND, CITED, ROW, DEFINITION, TIMELINE, CLOZE)


def template_file(name: str, override: Path | None = None) -> Path:
    """A file under `<override>/anki/` when the build has one, else the built-in copy."""
    if override is not None and (override / "anki" / name).is_file():
        return override / "anki" / name
    return templates_dir() / "anki" / name


def card_css(override: Path | None = None) -> str:
    """The shared card CSS plus Pygments rules for light and night mode."""
    css = template_file(CSS_FILE, override).read_text(encoding="utf-8")
    return f"{css.rstrip()}\n\n/* code highlighting (Pygments) */\n" + _code_css()


@lru_cache(maxsize=1)
def _code_css() -> str:
    # The same for every note type and build, and each style sheet takes Pygments a while.
    rules = [_scoped(pygments_css("default", ".code"), ".code")]
    for night in (".nightMode", ".night_mode"):
        rules.append(_scoped(pygments_css("github-dark", f"{night} .code"), f"{night} .code"))
    return "\n".join(rules) + "\n"


def _scoped(css: str, selector: str) -> str:
    # Pygments adds unscoped `pre` and line-number rules that would leak into the whole card.
    return "\n".join(line for line in css.splitlines() if line.startswith(selector))


def localized(note_type: NoteType, lang: str) -> NoteType:
    """The note type of a deck in `lang`: English keeps the released one; another language gets
    its own name and ID, so decks in two languages (different template words) share a collection."""
    if lang == SOURCE_LANG:
        return note_type
    digest = hashlib.sha256(f"{note_type.id}\x1f{lang}".encode("utf-8")).digest()
    # 13 digits like the released IDs, and never one of them (those sit below 10**13 too, so a
    # clash would need the same 13 digits: the English IDs are checked in a test).
    new_id = 1_000_000_000_000 + int.from_bytes(digest[:8], "big") % 9_000_000_000_000
    return replace(note_type, id=new_id, name=f"{note_type.name} ({lang})")


def note_types_for(lang: str, types: tuple[NoteType, ...] = NOTE_TYPES) -> tuple[NoteType, ...]:
    return tuple(localized(nt, lang) for nt in types)


def load_text(note_type: NoteType, override: Path | None = None, lang: str = SOURCE_LANG) -> NoteTypeText:
    """Read a note type's templates (in `lang`) and CSS (override folder first, then the built-in ones)."""
    def read(name: str) -> str:
        return translate_card_template(template_file(name, override).read_text(encoding="utf-8"), lang)

    texts = tuple((read(t.front), read(t.back)) for t in note_type.templates)
    return NoteTypeText(note_type, texts, card_css(override))
