"""A build killed at any moment (SIGKILL) leaves dist/ with complete artifacts, never a truncated one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from builder.output import TEMP_PREFIX
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def assert_complete(path: Path) -> None:
    """Each artifact kind parses to its end."""
    data = path.read_bytes()
    if path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".apkg":
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            name = next(n for n in archive.namelist() if n.startswith("collection.anki2"))
            with tempfile.TemporaryDirectory() as tmp:
                db = Path(archive.extract(name, tmp))
                sqlite3.connect(db).execute("select count(*) from notes").fetchone()
    elif path.suffix == ".pdf":
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
        from pypdf import PdfReader

        assert len(PdfReader(path).pages) >= 1
    elif path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>")


def artifacts(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(TEMP_PREFIX)
            and ".cache" not in p.parts]


def test_killed_build_keeps_previous_complete_artifacts(tmp_path):
    """Two objectives of source/ (every format, two workers), one edited and its build killed at four
    moments from reading to writing: while it reads, as each writer says it is done, and as the
    first sheet is in place."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "source", source, ignore=lambda folder, names: [
        n for n in names if n.endswith(".md") and not n.startswith(("353.2", "353.4"))
        or n == "cheatdeck.lock"])
    out = tmp_path / "dist"
    cmd = [sys.executable, "-m", "builder", "build", str(source), "-o", str(out),
           "--ledger", str(tmp_path / "cheatdeck.lock"), "-j", "2"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run(cmd, env=env, check=False, capture_output=True)
    first = {p: p.stat().st_size for p in artifacts(out)}
    assert first, "the first build wrote nothing"
    guide = next(source.glob("353.2-*.md"))
    for round_, said in enumerate([None, "json: wrote", "anki: wrote", "sheets: [1/"]):
        guide.write_text(guide.read_text(encoding="utf-8") + f"\n\nEdited {round_}.\n", encoding="utf-8")
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        if said is None:
            time.sleep(0.3)  # reading the guide
        else:
            assert proc.stderr is not None
            heard = next((line for line in proc.stderr if line.startswith(said)), None)
            assert heard, f"the build ended without saying {said!r}"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = artifacts(out)
        assert set(first) <= set(now), "a previous artifact disappeared"
        for path in now:
            assert_complete(path)
