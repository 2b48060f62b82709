"""A ledger of the wrong shape, with clashing ids or with conflict markers: one clean line, exit 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from builder.anki import ledger, ledger_check
from builder.cli import cli

T0 = 1_780_000_000
ROOT = Path(__file__).resolve().parents[1]
GUIDE = Path(__file__).parent / "fixtures" / "anki" / "guide"


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The fixture guide's ledger, as a build writes it."""
    src = Path(shutil.copytree(GUIDE, tmp_path_factory.mktemp("g") / "guide"))
    result = CliRunner().invoke(cli, ["build", str(src), "-f", "anki", "-o", str(src.parent / "d")],
                                env={"SOURCE_DATE_EPOCH": str(T0)})
    assert result.exit_code == 0, result.output
    return (src / "cheatdeck.lock").read_text()


def _first(data: dict, section: str = "notes") -> str:
    return sorted(data[section])[0]


def _null_entry(d: dict) -> None:
    d["notes"][_first(d)] = None


def _string_id(d: dict) -> None:
    entry = d["notes"][_first(d)]
    entry["id"] = str(entry["id"])


def _missing_mod(d: dict) -> None:
    del d["notes"][_first(d)]["mod"]


def _duplicate_ids(d: dict) -> None:
    a, b = sorted(d["notes"])[:2]
    d["notes"][b]["id"] = d["notes"][a]["id"]


def _id_too_big(d: dict) -> None:
    d["notes"][_first(d)]["id"] = 2**53


def _boolean_mod(d: dict) -> None:
    d["note_types"][_first(d, "note_types")]["mod"] = True


def _unknown_field(d: dict) -> None:
    d["removed"]["f00"] = {"identity": "x", "removed": T0, "hash": "h"}


# name -> (edit of the parsed ledger, what the one line must say, breaks the JSON Schema too)
SHAPES: dict[str, tuple[Callable[[dict], None], str]] = {
    "null entry": (_null_entry, "must be an object, not null"),
    "string id": (_string_id, 'field "id" must be an integer, not "'),
    "missing mod": (_missing_mod, 'lacks "mod"'),
    "duplicate ids": (_duplicate_ids, "is also the id of notes"),
    "id beyond 2**53": (_id_too_big, "must be from 1 to 9007199254740991"),
    "boolean mod": (_boolean_mod, 'field "mod" must be an integer, not true'),
    "unknown field": (_unknown_field, 'field "hash" is not a ledger field'),
}


def _one_error_line(src: Path, *extra: str) -> str:
    args = ["build", str(src), "-f", "anki", "-o", str(src.parent / "dist"), *extra]
    result = CliRunner().invoke(cli, args, env={"SOURCE_DATE_EPOCH": str(T0)})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("cheatdeck: error: "), lines
    return lines[0]


@pytest.mark.parametrize("name", SHAPES)
def test_bad_shape_is_one_line_naming_the_entry(name: str, good: str, tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    data = json.loads(good)
    edit, says = SHAPES[name]
    edit(data)
    text = ledger.dump(data)
    (src / "cheatdeck.lock").write_text(text)
    line = _one_error_line(src)
    assert says in line
    where = line.split("cheatdeck: error: ", 1)[1].split(": ", 1)[0]
    path, number = where.rsplit(":", 1)
    assert Path(path).resolve() == (src / "cheatdeck.lock").resolve()
    # The line named is the entry's own line, which holds the GUID the message quotes.
    quoted = line.split('"')[1]
    assert f'"{quoted}":' in text.splitlines()[int(number) - 1]
    assert (src / "cheatdeck.lock").read_text() == text  # nothing rewritten


@pytest.mark.parametrize("name", [n for n in SHAPES if n != "duplicate ids"])
def test_the_json_schema_rejects_the_same_shapes(name: str, good: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "builder" / "schema" / "ledger.schema.json").read_text())
    jsonschema.validate(json.loads(good), schema)
    data = json.loads(good)
    SHAPES[name][0](data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_the_committed_ledgers_match_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "builder" / "schema" / "ledger.schema.json").read_text())
    for lock in sorted((ROOT / "source").glob("cheatdeck*.lock")):
        data = json.loads(lock.read_text())
        jsonschema.validate(data, schema)
        ledger_check.check(data)


def test_an_entry_repeated_by_a_line_merge_is_named(good: str, tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    lines = good.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("  ") and '"id":' in ln)
    entry = lines[at].rstrip(",")
    lines.insert(at, entry.replace('"mod": ', '"mod": 1') + ",")  # what `merge=union` leaves
    (src / "cheatdeck.lock").write_text("\n".join(lines) + "\n")
    line = _one_error_line(src)
    guid = entry.split('"')[1]
    assert f':{at + 2}: identity ledger entry "{guid}" appears twice' in line


def test_conflict_markers_point_to_the_merge_command(good: str, tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    lines = good.splitlines()
    at = next(i for i, ln in enumerate(lines) if '"notes"' in ln) + 1
    lines[at:at + 1] = ["<<<<<<< HEAD", lines[at], "=======", lines[at + 1], ">>>>>>> topic"]
    (src / "cheatdeck.lock").write_text("\n".join(lines) + "\n")
    line = _one_error_line(src, "--locked")
    assert f"cheatdeck.lock:{at + 1}: the identity ledger has git conflict markers" in line
    assert "cheatdeck ledger merge BASE OURS THEIRS" in line and "git checkout -m" in line
