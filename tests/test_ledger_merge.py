"""`cheatdeck ledger merge BASE OURS THEIRS`: union of notes, newer mods, tombstones, unique ids."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from builder.anki import ledger, ledger_check
from builder.anki.ledger import Entry
from builder.anki.ledger_merge import merge
from builder.cli import cli

T0 = 1_780_000_000
TYPES = [Entry("111", "t1", "cheatdeck Command")]


def notes(*pairs: tuple[str, str]) -> list[Entry]:
    return [Entry(guid, digest, f"352.1 command {guid}", "352.1") for guid, digest in pairs]


def built(old: dict | None, *pairs: tuple[str, str], now: int = T0,
          types: list[Entry] = TYPES) -> dict:
    return ledger.stamp(old, notes(*pairs), types, now, None).data


BASE = built(None, ("a", "h1"), ("b", "h2"), ("c", "h3"))


def test_each_side_adds_a_note_union_and_a_later_build_is_up_to_date() -> None:
    ours = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), ("d", "h4"))
    theirs = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), ("e", "h5"))
    merged, moved = merge(BASE, ours, theirs)
    assert moved == 0 and set(merged["notes"]) == {"a", "b", "c", "d", "e"}
    assert merged["notes"]["d"] == ours["notes"]["d"] and merged["notes"]["e"] == theirs["notes"]["e"]
    after = ledger.stamp(merged, notes(*[(g, f"h{i}") for i, g in enumerate("abcde", 1)]), TYPES,
                         T0 + 50, None)
    assert not after.out_of_date  # what --locked checks after the merge


def test_changes_on_one_side_win_and_both_sides_take_the_newer_mod() -> None:
    ours = built(BASE, ("a", "h1*"), ("b", "h2"), ("c", "h3*"), now=T0 + 10)
    theirs = built(BASE, ("a", "h1"), ("b", "h2**"), ("c", "h3**"), now=T0 + 20)
    merged, _ = merge(BASE, ours, theirs)
    assert merged["notes"]["a"] == ours["notes"]["a"]
    assert merged["notes"]["b"] == theirs["notes"]["b"]
    assert merged["notes"]["c"]["hash"] == "h3**" and merged["notes"]["c"]["mod"] == T0 + 21
    assert {g: r["id"] for g, r in merged["notes"].items()} == \
        {g: r["id"] for g, r in BASE["notes"].items()}


def test_tombstones_are_kept_and_a_live_note_beats_one() -> None:
    ours = built(BASE, ("a", "h1"), ("b", "h2"), now=T0 + 10)  # removes c
    theirs = built(BASE, ("a", "h1"), ("c", "h3"), now=T0 + 10)  # removes b
    merged, _ = merge(BASE, ours, theirs)
    assert set(merged["notes"]) == {"a"} and set(merged["removed"]) == {"b", "c"}
    assert merged["removed"]["c"]["id"] == BASE["notes"]["c"]["id"]
    edited = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3*"), now=T0 + 20)  # edits c
    again, _ = merge(BASE, ours, edited)
    assert again["notes"]["c"]["hash"] == "h3*" and "c" not in again["removed"]


def test_one_id_given_twice_moves_the_newer_note() -> None:
    """Two new notes that hashed to one slot (or two old time-based ids): theirs moves."""
    ours = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), ("d", "h4"))
    theirs = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), ("e", "h5"))
    theirs["notes"]["e"]["id"] = ours["notes"]["d"]["id"]
    merged, moved = merge(BASE, ours, theirs)
    ids = [r["id"] for r in merged["notes"].values()]
    assert moved == 1 and len(set(ids)) == len(ids)
    assert merged["notes"]["d"]["id"] == ours["notes"]["d"]["id"]
    assert merged["notes"]["e"]["id"] == ledger.note_id("e", set(ids) - {merged["notes"]["e"]["id"]})


def test_note_types_take_the_newer_change() -> None:
    ours = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), now=T0 + 5,
                 types=[Entry("111", "t2", "cheatdeck Command")])
    theirs = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), now=T0 + 9,
                   types=[Entry("111", "t3", "cheatdeck Command")])
    merged, _ = merge(BASE, ours, theirs)
    # The newer change wins, with a mod above both sides'.
    assert merged["note_types"]["111"] == {"hash": "t3", "identity": "cheatdeck Command", "mod": T0 + 10}


def _write(path: Path, data: dict | str) -> Path:
    path.write_text(data if isinstance(data, str) else ledger.dump(data))
    return path


def test_cli_merge_writes_ours_like_a_git_driver(tmp_path: Path) -> None:
    ours = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), ("d", "h4"))
    theirs = built(BASE, ("a", "h1"), ("b", "h2"), ("c", "h3"), ("e", "h5"))
    paths = [_write(tmp_path / n, d) for n, d in (("O", BASE), ("A", ours), ("B", theirs))]
    result = CliRunner().invoke(cli, ["ledger", "merge", *map(str, paths)])
    assert result.exit_code == 0, result.output
    merged = ledger.load(paths[1])
    assert merged is not None and set(merged["notes"]) == {"a", "b", "c", "d", "e"}
    assert paths[1].read_text() == ledger.dump(merged)
    assert json.loads(paths[0].read_text()) == BASE  # only OURS is written


def test_cli_merge_takes_an_empty_base(tmp_path: Path) -> None:
    """git passes an empty BASE when both branches created the file."""
    ours, theirs = built(None, ("a", "h1")), built(None, ("b", "h2"))
    paths = [_write(tmp_path / n, d) for n, d in (("O", ""), ("A", ours), ("B", theirs))]
    assert CliRunner().invoke(cli, ["ledger", "merge", *map(str, paths)]).exit_code == 0
    assert set(json.loads(paths[1].read_text())["notes"]) == {"a", "b"}


def test_cli_merge_of_a_broken_ledger_is_one_line_and_leaves_ours(tmp_path: Path) -> None:
    theirs = dict(BASE, notes={**BASE["notes"], "a": None})
    paths = [_write(tmp_path / n, d) for n, d in (("O", BASE), ("A", BASE), ("B", json.dumps(theirs)))]
    before = paths[1].read_text()
    result = CliRunner().invoke(cli, ["ledger", "merge", *map(str, paths)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and 'notes "a" must be an object, not null' in lines[0]
    assert paths[1].read_text() == before


guids = st.sets(st.text("0123456789abcdef", min_size=4, max_size=4), max_size=12)


@given(base=guids, ours_add=guids, theirs_add=guids, ours_drop=guids, theirs_drop=guids)
def test_any_merge_keeps_every_id_it_can_and_repeats_none(base, ours_add, theirs_add, ours_drop,
                                                          theirs_drop) -> None:
    # 64 slots instead of 2**35: clashes between the sides' new notes become common.
    with patch.object(ledger, "ID_SLOTS", 64):
        b = built(None, *[(g, "h") for g in sorted(base)])
        o = built(b, *[(g, "h") for g in sorted((base - ours_drop) | ours_add)], now=T0 + 1)
        t = built(b, *[(g, "h*") for g in sorted((base - theirs_drop) | theirs_add)], now=T0 + 2)
        merged, _ = merge(b, o, t)
    ledger_check.check(merged)  # schema, and no id twice
    everything = {**merged["removed"], **merged["notes"]}
    assert set(everything) == set(o["notes"]) | set(o["removed"]) | set(t["notes"]) | set(t["removed"])
    for guid, entry in {**o["removed"], **o["notes"]}.items():
        assert everything[guid]["id"] == entry["id"]  # ours (and so the base) never move
    assert set(merged["notes"]) >= (set(o["notes"]) | set(t["notes"])) - base  # new notes live
