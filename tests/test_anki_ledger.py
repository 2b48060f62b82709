"""The identity ledger: mods move exactly when content does, and always forwards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.anki import ledger
from builder.anki.ledger import Entry
from builder.config import BuildConfig
from builder.diagnostics import SelectionError
from builder.pipeline import build
from builder.writers.anki import removed_text

T0 = 1_780_000_000
GUIDE = Path(__file__).parent / "fixtures" / "anki" / "guide"


def notes(*pairs: tuple[str, str], objective: str = "352.1") -> list[Entry]:
    return [Entry(guid, digest, f"{objective} command {guid}", objective) for guid, digest in pairs]


TYPES = [Entry("111", "t1", "cheatdeck Command")]


def test_first_build_stamps_everything_now() -> None:
    s = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    assert s.mods == {"a": T0, "b": T0, "111": T0}
    assert s.ids == {"a": ledger.note_id("a", set()), "b": ledger.note_id("b", set())}
    assert s.out_of_date


def test_new_ids_come_from_the_guid_not_the_clock() -> None:
    early = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    late = ledger.stamp(None, notes(("b", "h2"), ("a", "h1")), TYPES, T0 + 86_400, None)
    assert early.ids == late.ids and early.ids["a"] != early.ids["b"]
    for nid in early.ids.values():
        # A plausible millisecond timestamp (2001 to 2019), spaced for card ids, far below 2**53.
        assert nid % ledger.ID_STEP == 0 and 1_000_000_000_000 <= nid < 1_560_000_000_000


def test_a_taken_slot_probes_the_next_free_one_deterministically() -> None:
    first = ledger.note_id("a", set())
    assert ledger.note_id("a", {first}) == first + ledger.ID_STEP
    assert ledger.note_id("a", {first, first + ledger.ID_STEP}) == first + 2 * ledger.ID_STEP
    taken = {"notes": {"x": {"hash": "h", "identity": "x", "mod": T0, "id": first}}}
    s = ledger.stamp({"format": 1, **taken}, notes(("x", "h"), ("a", "h1")), TYPES, T0, None)
    assert s.ids == {"x": first, "a": first + ledger.ID_STEP}


def test_two_branches_adding_a_note_each_get_different_ids() -> None:
    base = ledger.stamp(None, notes(("a", "h1")), TYPES, T0, None).data
    ours = ledger.stamp(base, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    theirs = ledger.stamp(base, notes(("a", "h1"), ("c", "h3")), TYPES, T0, None)
    assert ours.ids["a"] == theirs.ids["a"] and ours.ids["b"] != theirs.ids["c"]


def test_existing_ids_are_kept() -> None:
    """Ledgers written before ids came from GUIDs keep every id (time-based ones included)."""
    old = {"format": 1, "notes": {"a": {"hash": "h1", "identity": "352.1 command a", "mod": T0,
                                        "objective": "352.1", "id": T0 * 1000}},
           "removed": {"z": {"identity": "352.1 command z", "objective": "352.1", "removed": T0}}}
    s = ledger.stamp(old, notes(("a", "h1*"), ("z", "h9")), TYPES, T0 + 5, None)
    assert s.ids["a"] == T0 * 1000 and s.mods["a"] == T0 + 5
    assert s.ids["z"] == ledger.note_id("z", {T0 * 1000}) and s.mods["z"] == T0 + 5


def test_unchanged_content_keeps_mod_and_id() -> None:
    first = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    again = ledger.stamp(first.data, notes(("a", "h1"), ("b", "h2")), TYPES, T0 + 500, None)
    assert again.mods == first.mods and again.ids == first.ids
    assert not again.out_of_date and ledger.dump(again.data) == ledger.dump(first.data)


def test_changed_content_moves_strictly_forward_even_in_the_same_second() -> None:
    first = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    second = ledger.stamp(first.data, notes(("a", "h1*"), ("b", "h2")), TYPES, T0, None)
    assert second.mods["a"] == T0 + 1 and second.mods["b"] == T0 and second.changed == ["a"]
    third = ledger.stamp(second.data, notes(("a", "h1**"), ("b", "h2")), TYPES, T0, None)
    assert third.mods["a"] == T0 + 2
    later = ledger.stamp(third.data, notes(("a", "h1***"), ("b", "h2")), TYPES, T0 + 99, None)
    assert later.mods["a"] == T0 + 99 and later.ids["a"] == first.ids["a"]


def test_note_type_changes_bump_its_mod() -> None:
    first = ledger.stamp(None, notes(("a", "h1")), TYPES, T0, None)
    second = ledger.stamp(first.data, notes(("a", "h1")), [Entry("111", "t2", "cheatdeck Command")],
                          T0, None)
    assert second.mods["111"] == T0 + 1 and second.mods["a"] == T0 and second.out_of_date


def test_removed_notes_become_tombstones_until_they_return() -> None:
    first = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    second = ledger.stamp(first.data, notes(("a", "h1")), TYPES, T0 + 10, None)
    assert second.newly_removed == ["b"] and "b" in second.removed and "b" not in second.data["notes"]
    third = ledger.stamp(second.data, notes(("a", "h1")), TYPES, T0 + 20, None)
    assert third.newly_removed == [] and "b" in third.removed and not third.out_of_date
    assert third.removed["b"]["id"] == first.ids["b"] and third.removed["b"]["mod"] == T0
    back = ledger.stamp(third.data, notes(("a", "h1"), ("b", "h2")), TYPES, T0 + 30, None)
    assert "b" not in back.removed and back.new == ["b"]
    assert back.ids["b"] == first.ids["b"] and back.mods["b"] == T0 + 30


def test_a_returning_note_is_newer_than_it_was_even_at_a_fixed_build_time() -> None:
    first = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None)
    gone = ledger.stamp(first.data, notes(("a", "h1")), TYPES, T0, None)
    back = ledger.stamp(gone.data, notes(("a", "h1"), ("b", "h2*")), TYPES, T0, None)
    assert back.ids["b"] == first.ids["b"] and back.mods["b"] == T0 + 1 and back.new == ["b"]


def test_partial_build_leaves_other_objectives_alone() -> None:
    both = notes(("a", "h1")) + notes(("z", "h9"), objective="353.1")
    first = ledger.stamp(None, both, TYPES, T0, None)
    only = ledger.stamp(first.data, notes(("a", "h1")), TYPES, T0 + 1, {"352.1"})
    assert only.newly_removed == [] and "z" in only.data["notes"]


def test_dump_is_stable_one_entry_per_line() -> None:
    data = ledger.stamp(None, notes(("b", "h2"), ("a", "h1")), TYPES, T0, None).data
    text = ledger.dump(data)
    assert json.loads(text)["notes"]["a"]["hash"] == "h1"
    lines = text.splitlines()
    assert lines.index(next(ln for ln in lines if ln.startswith('  "a"'))) < \
        lines.index(next(ln for ln in lines if ln.startswith('  "b"')))


def test_removed_txt_gives_searches() -> None:
    text = removed_text({"abc": {"identity": "352.1 command lsns", "objective": "352.1"},
                         "def": {"identity": "352.1 row T / x", "objective": "352.1"}})
    assert "Id:abc OR Id:def" in text and "Id:abc\t352.1 command lsns" in text
    assert "(none)" in removed_text({})


def test_unreadable_ledger_is_a_build_error(tmp_path: Path) -> None:
    bad = tmp_path / "cheatdeck.lock"
    bad.write_text("{not json")
    with pytest.raises(ledger.LedgerError, match="cheatdeck.lock"):
        ledger.load(bad)


def _build(src: Path, out: Path, **options: object):  # type: ignore[no-untyped-def]
    return build([str(src)], BuildConfig(output=out, formats=("anki",), options=dict(options)))


def test_locked_build_fails_on_an_out_of_date_ledger(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    with pytest.raises(ledger.LedgerError, match="no identity ledger"):
        _build(src, tmp_path / "dist", locked=True)
    _build(src, tmp_path / "dist")
    assert (src / "cheatdeck.lock").is_file()  # the default place: next to the sources
    _build(src, tmp_path / "dist", locked=True)  # up to date: passes
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("own /proc", "own proc"))
    before = (src / "cheatdeck.lock").read_text()
    with pytest.raises(ledger.LedgerError) as err:
        _build(src, tmp_path / "dist", locked=True)
    assert str(src / "cheatdeck.lock") in str(err.value) and "without --locked" in str(err.value)
    # the command, the unshare card and the command's flag cloze (it shows the purpose)
    assert "(0 new, 3 changed, 0 removed)" in str(err.value)
    assert (src / "cheatdeck.lock").read_text() == before


def test_a_ledger_in_another_layout_is_rewritten_in_the_stable_one(tmp_path: Path, monkeypatch) -> None:
    """The build compares the ledger it would write with the file's text: a hand-formatted (or
    merged) ledger with the same entries is rewritten once, a stable one is left alone."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    lock = src / "cheatdeck.lock"
    _build(src, tmp_path / "dist")
    stable = lock.read_text()
    data = json.loads(stable)
    lock.write_text(json.dumps(data, indent=4))  # same entries, another layout
    _build(src, tmp_path / "dist", locked=True)  # the entries are up to date
    assert lock.read_text() == json.dumps(data, indent=4)  # --locked never writes
    _build(src, tmp_path / "dist")
    assert lock.read_text() == stable == ledger.dump(data)
    written = lock.stat().st_mtime_ns
    _build(src, tmp_path / "dist")
    assert lock.stat().st_mtime_ns == written


def test_unchanged_entries_are_the_parsed_ones() -> None:
    """A large guide's ledger is not held twice: an unchanged note keeps the loaded record."""
    old = ledger.stamp(None, notes(("a", "h1"), ("b", "h2")), TYPES, T0, None).data
    s = ledger.stamp(old, notes(("a", "h1"), ("b", "h3")), TYPES, T0 + 1, None)
    assert s.data["notes"]["a"] is old["notes"]["a"]  # type: ignore[index]
    assert s.data["notes"]["b"] is not old["notes"]["b"] and s.mods["b"] == T0 + 1  # type: ignore[index]


def test_read_only_guide_builds_with_a_warning(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    said: list[str] = []
    monkeypatch.setattr("builder.writers.anki._writable", lambda path: False)
    config = BuildConfig(output=tmp_path / "dist", formats=("anki",), progress=said.append)
    result = build([str(src)], config)
    assert not (src / "cheatdeck.lock").exists()
    assert any(p.suffix == ".apkg" for p in result.outputs)
    warnings = [line for line in said if "warning" in line]
    assert len(warnings) == 1 and "--ledger" in warnings[0]


def test_ledger_option_puts_it_elsewhere(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    _build(src, tmp_path / "dist", ledger=str(tmp_path / "elsewhere.lock"))
    assert (tmp_path / "elsewhere.lock").is_file() and not (src / "cheatdeck.lock").exists()


def test_cli_locked_error_is_one_clean_line(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from builder.cli import cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    lock = tmp_path / "ci.lock"
    args = ["build", str(src), "-o", str(tmp_path / "dist"), "-f", "anki", "--ledger", str(lock)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("| Process IDs |", "| Process numbers |"))
    result = CliRunner().invoke(cli, args + ["--locked"])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("cheatdeck: error:")]
    assert len(errors) == 1 and str(lock) in errors[0] and "without --locked" in errors[0]
    assert "Traceback" not in result.output


def test_empty_selection_creates_no_ledger(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    config = BuildConfig(output=tmp_path / "dist", formats=("anki",), only=("999.9",))
    with pytest.raises(SelectionError):  # an unknown objective is refused before any writer runs
        build([str(src)], config)
    assert not (src / "cheatdeck.lock").exists() and not (tmp_path / "dist").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("# Just prose\n\nNo objectives here.\n")
    build([str(empty)], BuildConfig(output=tmp_path / "dist", formats=("anki",)))
    assert not (empty / "cheatdeck.lock").exists()


UNAME = "```sh\n# print the kernel release\nuname -r\n```\n\n"


def insert_command(src: Path, before: str, block: str = UNAME) -> None:
    md = src / "352-containers.md"
    text = md.read_text()
    assert text.count(before) == 1
    md.write_text(text.replace(before, block + before))


def test_inserting_one_command_changes_one_ledger_entry(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    _build(src, tmp_path / "dist")
    before = (src / "cheatdeck.lock").read_text().splitlines()
    # First in its objective, so every later note of 352.1 sits one place further down.
    insert_command(src, "#### unshare\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 60))
    _build(src, tmp_path / "dist")
    after = (src / "cheatdeck.lock").read_text().splitlines()
    added = [line for line in after if line not in before]
    assert [line for line in before if line not in after] == []
    # the command only: `uname` is an everyday utility, so its option is no blank even under
    # Important Commands
    assert len(added) == 1 and all(f'"mod": {T0 + 60}' in line for line in added)
    assert "352.1 command uname -r" in added[0]
