"""The real guides (the upstream seed and our source/) build decks that Anki imports cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from anki_helpers import import_deck, open_collection
from builder.anki.counts import card_counts
from builder.anki.interference import shared_commands
from builder.pipeline import check
from builder.writers.anki import slug
from test_anki_import import SOURCE, build_decks
from test_anki_notes import dangerous

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "topic-352.md"


@pytest.mark.slow
@pytest.mark.parametrize("guide", [SEED, SOURCE], ids=["seed", "source"])
def test_real_guide_imports_cleanly(guide: Path, tmp_path: Path) -> None:
    if not guide.exists():
        pytest.skip(f"{guide.name} is not present")
    # The ledger goes to tmp: the seed lives in a read-only shared folder, source/ is committed.
    out = build_decks(guide, tmp_path / "dist", ledger=str(tmp_path / "cheatdeck.lock"))
    parsed = check([str(guide)]).guide
    apkg = out / f"{slug(parsed.deck_title)}.apkg"  # the exam comes from the guide, not a constant
    col = open_collection(tmp_path / "col")
    try:
        log = import_deck(col, apkg)
        assert len(log.new) == len(col.find_notes("")) and not log.duplicate
        shared = shared_commands(parsed)  # a command asked in two objectives is the first's note
        for topic in parsed.topics:
            for o in topic.objectives:
                deck = f"{parsed.deck_title}::{topic.number} {topic.title}::{o.id} {o.title}"
                assert len(col.find_cards(f'"deck:{deck}"')) == sum(card_counts(o, shared).values()), deck
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            for html in (card.question(), card.answer()):
                body = html.split("</style>", 1)[-1]
                assert "template has a problem" not in body and dangerous(body) == []
        assert not col.media.check().missing
        again = import_deck(col, apkg)
        assert not again.new and not again.updated
    finally:
        col.close()
