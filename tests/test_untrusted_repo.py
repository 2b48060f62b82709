"""A guide repository is untrusted input, all of it: guides, images, the ledger and the project file.

Each test reproduces one finding of the third reliability round (issue 31) on a small repository
made in a temp folder, the way a user clones someone else's guide and builds it.
"""

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
from tests.conftest import FIXTURES

CLEAN = FIXTURES / "reader" / "clean.md"


def make_repo(root: Path, toml: str = "", guide: Path = CLEAN) -> Path:
    """A cloned guide repository: `repo/README.md` and, when given, `repo/cheatdeck.toml`."""
    repo = root / "repo"
    repo.mkdir(parents=True)
    shutil.copy(guide, repo / "README.md")
    if toml:
        (repo / "cheatdeck.toml").write_text(toml, encoding="utf-8")
    return repo


def run_in(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(folder)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# 1. The project file writes only inside its own folder.

@pytest.mark.parametrize("ledger", ["../.bash_aliases", "/tmp/../{root}/.bash_aliases", "sub/../../x.lock",
                                    ".git/hooks/pre-commit"])
def test_a_project_file_ledger_outside_the_project_is_refused(tmp_path, monkeypatch, ledger):
    ledger = ledger.format(root=str(tmp_path).lstrip("/"))
    repo = make_repo(tmp_path, f'sources = ["README.md"]\nledger = "{ledger}"\n')
    (repo / ".git" / "hooks").mkdir(parents=True)
    before = tree(tmp_path)
    result = run_in(repo, monkeypatch, "build", "-f", "anki", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "cheatdeck.toml:2: error: 'ledger' must name a path inside the project folder" in result.output
    assert tree(tmp_path) == before, "nothing may be written anywhere"


def test_a_ledger_command_line_flag_may_point_anywhere(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\n')
    result = run_in(repo, monkeypatch, "build", "-f", "anki", "-o", "dist",
                    "--ledger", str(tmp_path / "mine.lock"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "mine.lock").read_text())["format"] == 1


def test_a_project_file_output_outside_the_project_is_refused(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\noutput = "../somewhere"\n')
    somewhere = tmp_path / "somewhere"
    somewhere.mkdir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (somewhere / ".cache").symlink_to(precious)
    before = tree(tmp_path)
    result = run_in(repo, monkeypatch, "build", "-f", "json")
    assert result.exit_code == 1, result.output
    assert "'output' must name a path inside the project folder" in result.output
    assert (somewhere / ".cache").is_symlink(), "a link outside the project is never removed"
    assert tree(tmp_path) == before


def test_an_output_folder_that_links_out_of_the_repository_is_refused(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for toml in ('sources = ["README.md"]\noutput = "dist"\n', ""):
        repo = make_repo(tmp_path / str(len(toml)), toml)
        (repo / "dist").symlink_to(elsewhere)
        result = run_in(repo, monkeypatch, "build", "README.md", "-f", "json")
        assert result.exit_code == 1, result.output
        assert not any(elsewhere.iterdir())
    # Named on the command line, the same link is the user's choice.
    result = run_in(repo, monkeypatch, "build", "README.md", "-f", "json", "-o", "dist")
    assert result.exit_code == 0, result.output
    assert (elsewhere / "notes.json").is_file()


def test_a_project_file_output_inside_the_project_is_used(tmp_path, monkeypatch):
    repo = make_repo(tmp_path, 'sources = ["README.md"]\noutput = "build/out"\nledger = "ids.lock"\n')
    result = run_in(repo, monkeypatch, "build", "-f", "json", "-f", "anki")
    assert result.exit_code == 0, result.output
    assert (repo / "build" / "out" / "notes.json").is_file() and (repo / "ids.lock").is_file()


# 2. Every process pool is made with installed code first.

def test_the_exam_sheet_pool_never_imports_from_the_current_folder(tmp_path):
    cheatdeck = Path(sys.executable).parent / "cheatdeck"
    if not cheatdeck.is_file():
        pytest.skip("the cheatdeck command is not installed beside this Python")
    repo = make_repo(tmp_path, guide=FIXTURES / "exam" / "issue-example.md")
    marker = tmp_path / "IMPORTED"
    (repo / "multiprocessing").mkdir()
    (repo / "multiprocessing" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n", "utf-8")
    done = subprocess.run([str(cheatdeck), "build", "README.md", "-o", str(tmp_path / "dist"),
                           "-f", "exam-sheet", "--no-progress"], cwd=repo, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "the resource tracker imported the repository's multiprocessing"
    assert list((tmp_path / "dist" / "sheets").glob("exam-*.pdf"))
