"""Model → Anki notes: identity, tags, sanitizing, media and a golden copy of every field."""

from __future__ import annotations

import json
import re
import os
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.anki.counts import card_counts
from builder.anki.notes import guid_for, guide_notes
from builder.anki.notetypes import NOTE_TYPES, load_text
from builder.anki.sanitize import clean_html
from builder.pipeline import check

FIXTURES = Path(__file__).parent / "fixtures" / "anki"
GUIDE = FIXTURES / "guide"
HOSTILE = FIXTURES / "hostile"
GOLDEN = FIXTURES / "golden" / "notes.json"


def notes_of(source: Path):  # type: ignore[no-untyped-def]
    return guide_notes(check([str(source)]).guide, source.resolve())


def by_identity(notes):  # type: ignore[no-untyped-def]
    return {n.identity: n for n in notes}


def copy_guide(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GUIDE, tmp_path / "guide"))


def test_notes_match_golden() -> None:
    """Every field of every note, by name; regenerate with CHEATDECK_REGEN_GOLDEN=1 on purpose."""
    data = [{"guid": n.guid, "identity": n.identity, "deck": n.deck, "tags": list(n.tags),
             "media": [m.name for m in n.media],
             "fields": dict(zip(n.note_type.field_names, n.fields))} for n in notes_of(GUIDE)]
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("CHEATDECK_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_guid_is_identity_not_text(tmp_path: Path) -> None:
    """Fixing a typo in a purpose or a cell keeps the GUID and changes the content hash."""
    src = copy_guide(tmp_path)
    before = by_identity(notes_of(src))
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("with its own /proc", "with its very own /proc")
                  .replace("| Own guest kernel |", "| Its own guest kernel |"))
    after = by_identity(notes_of(src))
    assert before.keys() == after.keys()
    for identity in ("352.1 command sudo unshare --fork --pid --mount-proc bash",
                     "352.1 row Containers compared with virtual machines / Kernel"):
        assert before[identity].guid == after[identity].guid
        assert before[identity].digest != after[identity].digest
    unchanged = before["352.1 row Namespace types / PID"]
    assert unchanged.digest == after["352.1 row Namespace types / PID"].digest


def test_pinned_key_survives_rewording(tmp_path: Path) -> None:
    src = copy_guide(tmp_path)
    pinned = by_identity(notes_of(src))["352.1 command nsenter-net"]
    assert pinned.guid == guid_for("cheatdeck", "352.1", "command", "nsenter-net")
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("sudo nsenter -t <PID> -n ip addr show",
                                         "nsenter --target <PID> --net ip -brief addr"))
    assert by_identity(notes_of(src))["352.1 command nsenter-net"].guid == pinned.guid


def guide_with(tmp_path: Path, block: str) -> Path:
    """The fixture guide with its `ls -l /proc/<pid>/ns` group replaced by `block`."""
    src = copy_guide(tmp_path)
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("# list the namespaces of a process\nls -l /proc/<pid>/ns", block))
    return src


def test_repeated_commands_make_one_note_with_every_purpose(tmp_path: Path) -> None:
    """The same lines written again in an objective are one card that keeps both purposes; a
    build never stops on a repeat (guides written by others repeat themselves)."""
    src = guide_with(tmp_path, "# list the namespaces again\nlxc launch ubuntu:24.04 web\n"
                               "```\n\n```sh\n# and once more\nlxc launch ubuntu:24.04 web")
    result = check([str(src)])
    repeats = [d for d in result.diagnostics if d.rule == "repeated-command"]
    assert len(repeats) == 1 and repeats[0].severity.value == "info"
    assert repeats[0].message.count("352-containers.md:") == 1 and "('and once more')" in repeats[0].message
    notes = [n for n in notes_of(src) if n.identity == "352.1 command lxc launch ubuntu:24.04 web"]
    assert len(notes) == 1
    purpose = notes[0].fields[notes[0].note_type.field_names.index("Purpose")]
    assert "list the namespaces again" in purpose and "and once more" in purpose


def test_remaining_identity_clashes_are_numbered_in_source_order(tmp_path: Path) -> None:
    """Two different command groups pinned with one key: both get a card, the second is #2."""
    src = guide_with(tmp_path, "# list the namespaces of a process\nls -l /proc/<pid>/ns\n"
                               "```\n\n<!-- card: nsenter-net -->\n```sh\n"
                               "# look at one namespace\nls -l /proc/<pid>/ns/net")
    result = check([str(src)])
    clash = [d for d in result.diagnostics if d.rule == "identity-collision"]
    assert len(clash) == 1 and clash[0].severity.value == "warning"
    assert clash[0].message.count("352-containers.md:") == 1 and "#2" in clash[0].message
    notes = notes_of(src)
    assert len({n.guid for n in notes}) == len(notes)
    pinned = by_identity(notes)
    assert pinned["352.1 command nsenter-net"].guid == guid_for("cheatdeck", "352.1", "command",
                                                                "nsenter-net")
    assert "352.1 command nsenter-net\x1f#2" in pinned


def test_tags_are_hierarchical_without_spaces() -> None:
    notes = notes_of(GUIDE)
    for note in notes:
        assert all(" " not in t for t in note.tags)
        assert "cheatdeck" in note.tags and f"kind::{note.kind}" in note.tags
    assert "LPIC-3::305::352::352.1" in notes[0].tags and "weight::7" in notes[0].tags


def test_card_counts_match_the_notes() -> None:
    """`inspect` counts what the notes make: two cards per command, a reverse for 2-column rows."""
    guide = check([str(GUIDE)]).guide
    notes = notes_of(GUIDE)
    for o in guide.objectives:
        made = dict.fromkeys(card_counts(o), 0)
        for n in (n for n in notes if n.objective == o.id):
            fields = dict(zip(n.note_type.field_names, n.fields))
            if n.kind == "cloze":
                made[n.kind] += len(set(re.findall(r"\{\{c(\d+)::", fields["Text"])))
            else:
                made[n.kind] += 2 if n.kind == "command" else 1 + bool(fields.get("Reverse"))
        assert made == card_counts(o)
    # one card per informative cell (2 + 2 × 2: "Mount" gives "Mount points" away), and the two
    # other 2-column rows asked both ways
    assert card_counts(guide.objectives[0])["row"] == 6 + 2


def test_cited_objects_show_pattern_mentions_or_context() -> None:
    notes = by_identity(notes_of(GUIDE))
    pattern = dict(zip(NOTE_TYPES[2].field_names, notes["352.1 cited /proc/[0-9]+/ns"].fields))
    assert "/proc/" in pattern["Shows"].replace("<wbr>", "") and "list the namespaces of a process" in pattern["Shows"]
    # an object the guide says nothing about makes no card (its sheet still lists it)
    assert "352.1 cited podman" not in notes and "352.1 cited nsenter" in notes


def test_images_are_content_named_and_missing_ones_dropped() -> None:
    notes = notes_of(GUIDE)
    media = [m for n in notes for m in n.media]
    assert len(media) == 1 and media[0].name.startswith("cheatdeck-") and media[0].name.endswith(".png")
    fields = " ".join(f for n in notes for f in n.fields)
    assert f'src="{media[0].name}"' in fields
    assert "missing.png" not in fields and "img/namespaces.png" not in fields


class _TagScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "iframe", "object"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag} {name}={value}")


def dangerous(html: str) -> list[str]:
    scan = _TagScan()
    scan.feed(html)
    return scan.bad


def test_hostile_guide_reaches_no_field_as_markup() -> None:
    notes = notes_of(HOSTILE)
    assert notes
    for note in notes:
        for value in note.fields:
            assert dangerous(value) == [], (note.identity, value)


def test_sanitizer_strips_what_escaping_missed() -> None:
    raw = ('<p onclick="x()">a<script>alert(1)</script><img src="p.png" onerror="alert(2)">'
           '<a href="javascript:alert(3)">b</a><a href="https://example.com">c</a></p>')
    cleaned = clean_html(raw)
    assert dangerous(cleaned) == []
    assert "alert(1)" not in cleaned and 'href="https://example.com"' in cleaned


def test_text_that_skips_the_sanitizer_is_what_the_sanitizer_returns() -> None:
    """clean_html returns text with no markup characters as it is, without calling nh3: for any
    such text (fuzzed, every character but surrogates), nh3 returns the same string."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from builder.anki import sanitize

    skipped = 0

    @settings(max_examples=3000, deadline=None)
    @given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
    def same(text: str) -> None:
        nonlocal skipped
        if not sanitize._MAYBE_MARKUP.search(text):
            skipped += 1
            assert sanitize._CLEANER.clean(text) == text == clean_html(text)
        else:
            assert clean_html(text) == sanitize._CLEANER.clean(text)

    same()
    assert skipped > 100  # the property was tested on text that skips nh3, not only on markup


def test_templates_name_only_existing_fields(tmp_path: Path) -> None:
    """A `{{Field}}` that the note type lacks would show Anki's template error on every card."""
    import re
    for nt in NOTE_TYPES:
        text = load_text(nt)
        names = set(nt.field_names) | {"FrontSide"}
        for front, back in text.templates:
            used = set(re.findall(r"\{\{[#^/]?([A-Za-z]+)\}\}", front + back))
            assert used <= names, (nt.name, used - names)


def test_templates_override_changes_note_type_digest(tmp_path: Path) -> None:
    nt = NOTE_TYPES[1]
    base = load_text(nt)
    (tmp_path / "anki").mkdir()
    (tmp_path / "anki" / "cards.css").write_text(".card { color: red; }\n")
    other = load_text(nt, tmp_path)
    assert "color: red" in other.css and other.digest != base.digest
    assert replace(base).digest == base.digest


def test_deck_description_shows_tool_and_guide_versions() -> None:
    from builder import __version__
    from builder.anki.notes import deck_description

    guide = check([str(GUIDE)]).guide
    assert f"cheatdeck {__version__}" in deck_description(replace(guide, version=None))
    assert "guide v2.1 &lt;x&gt;" in deck_description(replace(guide, version="v2.1 <x>"))


def test_pinned_row_survives_renaming(tmp_path: Path) -> None:
    src = copy_guide(tmp_path)
    pinned = by_identity(notes_of(src))["352.1 row Namespace types / ns-uts"]
    assert pinned.guid == guid_for("cheatdeck", "352.1", "row", "ns-uts")
    assert "card:" not in " ".join(pinned.fields)  # the pin is not shown on the card
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("| UTS <!--", "| UTS (hostname) <!--"))
    renamed = by_identity(notes_of(src))["352.1 row Namespace types / ns-uts"]
    assert renamed.guid == pinned.guid and "UTS (hostname)" in renamed.fields[3]


def test_fuzzed_text_never_becomes_markup() -> None:
    """Whatever text a guide holds in purposes, commands, cells and terms, no field gets markup."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from builder.anki.notes import objective_notes
    from builder.model import RichText, Span, SpanStyle

    guide = check([str(GUIDE)]).guide
    topic, o = guide.topics[0], guide.topics[0].objectives[0]
    pieces = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                              "javascript:alert(1)", '"><svg onload=alert(1)>', "<!--", "-->",
                              "&lt;b&gt;", "<a href='javascript:x'>", "{{FrontSide}}", "]]>"])
    text = st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=6).map("".join)
    styles = st.sampled_from(list(SpanStyle))

    @settings(max_examples=60, deadline=None)
    @given(text, text, text, styles, text)
    def check_fields(purpose: str, line: str, cell: str, style: SpanStyle, href: str) -> None:
        group = o.command_groups[0]
        lines = (replace(group.lines[0], text=line or "x"),)
        rich = RichText((Span(cell, style, href if style is SpanStyle.LINK else None),))
        table = o.tables[0]
        row = replace(table.rows[0], cells=(rich, rich))
        changed = replace(o, command_groups=(replace(group, purpose=purpose or "p", lines=lines),),
                          tables=(replace(table, rows=(row,)),),
                          definitions=(replace(o.definitions[0], term=cell or "t", text=rich),))
        for note in objective_notes(guide, topic, changed, GUIDE.resolve()):
            for value in note.fields:
                assert dangerous(value) == [], (note.identity, value)

    check_fields()
