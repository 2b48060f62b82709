"""The card-quality report: its measures on crafted cards, and the thresholds on real guides."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.anki.notetypes import NOTE_TYPES, load_text
from builder.anki.quality import PHONE_HEIGHT, guide_report, height, report, rendered_cards, shows_answer
from builder.anki.render import render_note
from builder.cli import cli
from builder.pipeline import check
from test_anki_notes import GUIDE, notes_of

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT.parent / "shared" / "upstream" / "README.md"


def test_a_long_back_is_taller_than_a_phone_and_a_short_one_is_not() -> None:
    assert height("<div>" + "<li>a line of a list</li>" * 40 + "</div>") > PHONE_HEIGHT
    assert height('<pre class="code">' + "x" * 200 + "</pre>") < PHONE_HEIGHT


def test_the_measures_see_a_front_that_holds_its_answer() -> None:
    texts = [load_text(nt) for nt in NOTE_TYPES]
    cards = rendered_cards(notes_of(GUIDE), texts)
    assert not any(shows_answer(c) for c in cards)
    card = next(c for c in cards if c.note.kind == "definition")
    leaky = type(card)(card.note, card.template, card.ord, card.front + card.back, card.back)
    assert shows_answer(leaky)
    stats = {s.name: s for s in report(cards + [leaky])}
    assert stats["Definition / Definition"].answer_on_front == 1
    assert stats["Definition / Definition"].duplicate == 0


def _thresholds(source: Path) -> None:
    stats, cloze = guide_report(check([str(source)]).guide)
    total = sum(s.count for s in stats)
    assert sum(s.duplicate for s in stats) == 0, [s for s in stats if s.duplicate]
    assert sum(s.answer_on_front for s in stats) == 0, [s for s in stats if s.answer_on_front]
    assert total - sum(s.tall for s in stats) >= 0.9 * total
    for measure in ("leaked", "trivial", "empty", "nothing"):
        assert sum(getattr(s, measure) for s in stats) == 0, (measure, [s for s in stats if getattr(s, measure)])
    assert all(s.asking == s.count for s in stats if s.name.startswith(("Command", "Cloze", "Comparison")))
    assert cloze >= 150


@pytest.mark.slow
def test_the_source_deck_meets_the_card_thresholds() -> None:
    _thresholds(ROOT / "source")


@pytest.mark.slow
@pytest.mark.skipif(not UPSTREAM.is_file(), reason="the upstream guide is not here")
def test_the_upstream_guide_meets_the_card_thresholds() -> None:
    _thresholds(UPSTREAM)


def test_inspect_cards_prints_the_report() -> None:
    result = CliRunner().invoke(cli, ["inspect", "--cards", str(GUIDE)])
    assert result.exit_code == 0, result.output
    assert "Comparison row / Row" in result.output and "Cloze / Cloze" in result.output
    assert "duplicate fronts: 0; answers on the front: 0" in result.output


def test_a_deck_of_empty_cards_asks_nothing() -> None:
    """"Fronts that say what they ask" counts only cards whose back adds something."""
    texts = [load_text(nt) for nt in NOTE_TYPES]
    cards = rendered_cards(notes_of(GUIDE), texts)
    emptied = []
    for c in cards:
        fields = dict(zip(c.note.note_type.field_names, c.note.fields))
        answer = {"command": "Commands" if c.template == "Recall" else "Purpose",
                  "row": "Cells" if c.template == "Row" else "Row",
                  "definition": "Definition", "timeline": "Period", "overview": "Weight",
                  "cited": "Shows"}.get(c.note.kind)
        if answer is None:
            continue
        note = replace(c.note, fields=tuple("" if n == answer else v for n, v in fields.items()))
        card = next(x for x in render_note(note, next(t for t in texts if t.note_type.id == note.note_type.id))
                    if x.template == c.template)
        emptied.append(card)
    stats = report(emptied)
    assert stats and all(s.asking == 0 and s.empty == s.count == s.nothing for s in stats), \
        [(s.name, s.count, s.asking, s.empty, s.nothing) for s in stats]
    assert all(s.asking == s.count for s in report(cards))


def test_the_report_counts_leaks_trivial_blanks_and_links(tmp_path: Path) -> None:
    from test_anki_cards import guide_with

    text = ("#### Tools\n| Tool | Speed | Home |\n| --- | --- | --- |\n| frob | High | https://example.org |\n"
            "| knob | Slow | the second rack |\n| blob | Fast | the first rack |\n\n")
    notes = notes_of(guide_with(tmp_path, text))
    cards = rendered_cards(notes, [load_text(nt) for nt in NOTE_TYPES])
    rows = [c for c in cards if c.note.kind == "row" and "Tools" in c.front]
    # "High" is a filler and a link is no answer: neither is a card
    assert sorted(dict(zip(c.note.note_type.field_names, c.note.fields))["Cells"] for c in rows) == [
        "Fast", "Slow", "the first rack", "the second rack"]
    # a card whose front holds every word of its answer is counted as a leak and as asking nothing
    row = rows[0]
    leaky = type(row)(row.note, row.template, row.ord, row.front + " Fast slow the first second rack", row.back)
    (stat,) = report([leaky])
    assert stat.leaked == 1 and stat.nothing == 1 and stat.asking == 0
