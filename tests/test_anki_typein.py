"""A type-in cloze answered right is right in Anki's own comparison, whatever markup keeps its
words on one line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from anki_helpers import collection
from test_anki_import import APKG, GUIDE, build_decks


def test_typed_options_compare_equal_to_their_cloze(tmp_path: Path) -> None:
    out = build_decks(Path(shutil.copytree(GUIDE, tmp_path / "guide")), tmp_path / "dist")
    with collection(tmp_path / "col", out / APKG) as col:
        cards = [col.get_card(c) for c in col.find_cards('"note:cheatdeck Cloze" TypeIn:_*')]
        assert cards
        for card in cards:
            text = card.note()["Text"]
            expected = col.extract_cloze_for_typing(text, card.ord + 1)
            typed = re.sub(r"<[^>]+>", "", expected)  # what the learner types: the option alone
            assert 'class="nw"' in text and typed.startswith("-"), text
            result = col.compare_answer(expected, typed)
            assert "typeGood" in result and "typeBad" not in result and "typeMissed" not in result, result
