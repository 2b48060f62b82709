"""The writer protocol: the example writer in docs/writers.md, registered with one line, builds."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import writers
from builder.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "writers.md"
GUIDE = Path(__file__).resolve().parent / "fixtures" / "sheets" / "rich" / "topic-930.md"


@pytest.fixture
def csv_writer(tmp_path, monkeypatch):
    """The docs' example saved as a module and added to the registry with one line."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    assert len(code.splitlines()) <= 40
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "csv_writer.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setitem(writers.WRITERS, "csv", "csv_writer")
    yield
    sys.modules.pop("csv_writer", None)


def test_the_example_writer_builds_and_is_released(csv_writer, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    source = tmp_path / "guide"
    source.mkdir()
    (source / GUIDE.name).write_text(GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    (source / "cheatdeck.toml").write_text('[writers.csv]\ndelimiter = ";"\n', encoding="utf-8")
    out = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["build", str(source), "-f", "csv", "-f", "json", "-o", str(out),
                                      "--release"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((out / "commands.csv").open(encoding="utf-8"), delimiter=";"))
    assert rows[0] == ["objective", "purpose", "command", "line"] and len(rows) > 5
    assert all(row[0].startswith("930.") for row in rows[1:])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {a["path"]: a for a in manifest["artifacts"]}
    assert listed["commands.csv"]["size"] == (out / "commands.csv").stat().st_size


def test_an_option_the_writer_lacks_is_one_line(csv_writer, tmp_path):
    source = tmp_path / "guide"
    source.mkdir()
    (source / GUIDE.name).write_text(GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    (source / "cheatdeck.toml").write_text('[writers.csv]\nseparator = ";"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(source), "-f", "csv", "-o", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "[writers.csv]: the csv writer has no option 'separator' (it takes: delimiter)" in result.output
