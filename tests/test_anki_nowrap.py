"""Options and hyphenated words kept on one line: the markup never splits a cloze marker, and a
type-in cloze answered right is right in Anki's own comparison."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from anki_helpers import collection
from builder.anki.fields import NOWRAP_MAX, breakable, code_words_kept
from test_anki_import import APKG, GUIDE, build_decks


@pytest.mark.parametrize("text,shown", [
    ("docker run --log-driver=journald nginx",
     'docker run <span class="nw">--log-driver</span>=<wbr>journald nginx'),
    ("virt-install -n web01", '<span class="nw">virt-install</span> <span class="nw">-n</span> web01'),
    ("ls lxc-* /a-b/c", 'ls <span class="nw">lxc-*</span> /<wbr><span class="nw">a-b</span>/<wbr>c'),
    # a cloze's braces and colons stay as they are, whatever dash is next to them
    ("x {{c1::--rm::the-hint}} y-{{c2::z}} a-}}", 'x {{c1::<span class="nw">--rm</span>::'
     '<span class="nw">the-hint</span>}} <span class="nw">y-</span>{{c2::z}} <span class="nw">a-</span>}}'),
    ("-" * (NOWRAP_MAX + 1), "-" * (NOWRAP_MAX + 1)),  # longer than a phone line: may wrap
])
def test_dashed_words_are_kept_whole(text: str, shown: str) -> None:
    assert breakable(text) == shown


def test_inline_code_keeps_dashed_words_and_leaves_the_rest() -> None:
    html = 'use <code class="x">--data-root</code> or -n <pre class="code">a-b</pre>'
    assert code_words_kept(html) == ('use <code class="x"><span class="nw">--data-root</span></code> '
                                     'or -n <pre class="code">a-b</pre>')


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
