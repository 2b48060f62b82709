"""Bad input never crashes the builder and never costs the rest of the guide its output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import cli
from builder.writers import available_writers
from tests.conftest import FIXTURES

GOOD = FIXTURES / "reader" / "clean.md"
BAD = sorted((FIXTURES / "bad").glob("*.md"))


def build(args: list[str]):
    return CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)


def guide_with(tmp_path: Path, bad: Path | None, data: bytes | None = None) -> Path:
    folder = tmp_path / "guide"
    folder.mkdir()
    shutil.copy(GOOD, folder / "a-good.md")
    if bad is not None:
        (folder / f"b-{bad.name}").write_bytes(data if data is not None else bad.read_bytes())
    return folder


def built_objectives(out: Path) -> list[str]:
    data = json.loads((out / "notes.json").read_text(encoding="utf-8"))
    return [o["id"] for t in data["topics"] for o in t["objectives"]]


@pytest.mark.parametrize("bad", BAD, ids=[p.stem for p in BAD])
def test_bad_file_beside_a_good_one_still_builds_the_good_one(tmp_path, bad):
    folder = guide_with(tmp_path, bad)
    result = build([str(folder), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "910.1" in built_objectives(tmp_path / "out")


def test_zero_byte_file(tmp_path):
    folder = guide_with(tmp_path, FIXTURES / "bad" / "empty.md", data=b"")
    result = build([str(folder), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == 0
    shown = CliRunner().invoke(cli, ["-v", "check", str(folder)], catch_exceptions=False).output
    assert "b-empty.md:1:1: info: no objective headings" in shown  # beside a guide: an info (-v)


def test_a_guide_with_no_objective_at_all_fails_and_writes_no_deck(tmp_path):
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "empty.md").write_bytes(b"")
    result = build([str(folder), "-o", str(tmp_path / "out"), "-f", "json", "-f", "anki"])
    assert result.exit_code == 1
    assert "empty.md:1:1: error: no objective found in 1 file(s)" in result.output
    assert not list((tmp_path / "out").rglob("*.apkg"))  # no empty deck


def test_fifty_megabyte_guide_is_refused_with_a_diagnostic(tmp_path):
    folder = guide_with(tmp_path, None)
    huge = folder / "huge.md"
    with huge.open("wb") as fh:
        line = b"## 999.1 Huge\n\n" + b"word " * 200 + b"\n\n"
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line * 1000)
    result = build([str(folder), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == 1
    assert f"{huge}:1:1: error: file is 50." in result.output and "[file-too-large]" in result.output
    assert built_objectives(tmp_path / "out") == ["910.1"]


def test_missing_source_folder(tmp_path):
    result = build([str(tmp_path / "absent"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().endswith("no such file or directory (give a guide file or a folder "
                                          "of .md files)")


def test_output_that_is_a_file_is_a_clean_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    result = build([str(GOOD), "-o", str(blocker / "dist"), "-f", "json"])
    assert result.exit_code == 1
    assert "cannot create output folder" in result.output and "Traceback" not in result.output


# Root ignores permission bits through these two capabilities; without them it is bound by them
# like any user, yet keeps its uid, so a checkout in a private (0700) folder stays reachable
# (running as `nobody` could not even import the package from there).
DAC_CAPS = "-dac_override,-dac_read_search"


def _bound_by_permissions(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI bound by permission bits: as root, without the capabilities that bypass them."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("needs setpriv to run without root's file-permission override")
        prefix = [setpriv, f"--inh-caps={DAC_CAPS}", f"--bounding-set={DAC_CAPS}"]
    return subprocess.run([*prefix, sys.executable, "-m", "builder", *args], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "HOME": str(cwd)})


def test_unreadable_source_and_unwritable_output(tmp_path: Path):
    base = tmp_path
    locked = base / "locked"
    locked.mkdir()
    shutil.copy(GOOD, locked / "guide.md")
    locked.chmod(0o000)
    try:
        result = _bound_by_permissions(["check", str(locked)], base)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "folder is not readable" in result.stderr and "Traceback" not in result.stderr
    readonly = base / "readonly"
    readonly.mkdir(mode=0o555)
    readonly.chmod(0o555)
    shutil.copy(GOOD, base / "guide.md")
    (base / "guide.md").chmod(0o644)
    result = _bound_by_permissions(["build", str(base / "guide.md"), "-f", "json", "-o", str(readonly)], base)
    assert result.returncode == 1, result.stderr
    assert "output folder is not writable" in result.stderr


@pytest.mark.slow
def test_whole_bad_folder_builds_every_format(tmp_path):
    folder = tmp_path / "guide"
    folder.mkdir()
    shutil.copy(GOOD, folder / "a-good.md")
    for bad in BAD:
        shutil.copy(bad, folder / bad.name)
    os.symlink("/etc/passwd", folder / "escape.png")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "builder", "build", str(folder), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "910.1" in built_objectives(out)
    leaked = [p for p in out.rglob("*") if p.is_file() and b"root:x:0:0" in p.read_bytes()]
    assert leaked == [], "a file outside the source root reached the output"
    if "anki" in available_writers():
        assert list((out / "anki").glob("*.apkg"))
    if "sheets" in available_writers():
        assert list((out / "sheets").glob("910.1-*.pdf"))
