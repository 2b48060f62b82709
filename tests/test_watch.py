"""`cheatdeck build --watch`: builds again on each change, survives a broken guide, keeps its
render workers between builds, and stops on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdf
import pytest

from builder.watch import changed, snapshot, wait_for_change
from tests.conftest import FIXTURES, ROOT

RICH = FIXTURES / "sheets" / "rich"
GROUP = "\n```sh\n# show the watched marker {n}\necho watchedmarker{n}\n```\n"


def test_snapshot_skips_hidden_files_ledgers_and_the_output(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("a", "utf-8")
    (tmp_path / "cheatdeck.lock").write_text("{}", "utf-8")
    (tmp_path / ".hidden.md").write_text("b", "utf-8")
    for folder in (".git", "dist", "images"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.png").write_bytes(b"x")
    seen = snapshot([tmp_path], [tmp_path / "dist"])
    assert sorted(Path(p).relative_to(tmp_path).as_posix() for p in seen) == ["guide.md", "images/x.png"]
    (tmp_path / "guide.md").write_text("ab", "utf-8")
    (tmp_path / "images" / "x.png").unlink()
    (tmp_path / "new.md").write_text("c", "utf-8")
    assert [Path(p).name for p in changed(seen, snapshot([tmp_path], [tmp_path / "dist"]))] == \
        ["guide.md", "x.png", "new.md"]


def test_a_change_counts_once_the_files_hold_still() -> None:
    """An editor's save in several writes is one change, reported when it is complete."""
    looks = iter([{"a": (1, 1)}, {"a": (2, 1)}, {"a": (2, 5)}, {"a": (2, 5)}])
    slept: list[float] = []
    now, files = wait_for_change(lambda: next(looks), {"a": (1, 1)}, slept.append)
    assert now == {"a": (2, 5)} and files == ["a"]
    assert len(slept) == 4  # nothing changed, changed, still changing, settled


class Watch:
    """A `cheatdeck build --watch` process and the lines it has written to stderr."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen([sys.executable, "-m", "builder", "build", "--watch", "--no-progress", *args],
                                        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            with self.seen:
                self.lines.append(line.rstrip("\n"))
                self.seen.notify_all()
        with self.seen:
            self.seen.notify_all()

    def wait_for(self, text: str, count: int = 1, timeout: float = 180) -> None:
        """Until `count` lines holding `text` were written."""
        end = time.monotonic() + timeout
        with self.seen:
            while sum(text in line for line in self.lines) < count:
                if self.process.poll() is not None and not self.seen.wait(0.5):
                    raise AssertionError(f"the watch ended ({self.process.returncode}): {self.lines}")
                if time.monotonic() > end:
                    raise AssertionError(f"no {count} x '{text}': {self.lines}")
                self.seen.wait(1)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(60)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def _descendants(pid: int) -> set[int]:
    """Every process under `pid` (its render workers and their server), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def test_watch_builds_again_on_each_edit_and_goes_on_after_a_broken_guide(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(RICH, source)
    guide = source / "topic-930.md"
    text = guide.read_text("utf-8")
    watch = Watch(["-f", "json", "-o", "out", "src"], tmp_path)
    try:
        watch.wait_for("watching for changes")
        guide.write_text(text + GROUP.format(n=1), "utf-8")
        watch.wait_for("rebuilt in")
        watch.wait_for("watching for changes", 2)
        assert "watchedmarker1" in (tmp_path / "out" / "notes.json").read_text("utf-8")
        # a guide with no objective left is an error: said once, and the watch goes on
        guide.write_text("# Notes\n\nNothing here yet.\n", "utf-8")
        watch.wait_for("build failed after")
        watch.wait_for("watching for changes", 3)
        assert "watchedmarker1" in (tmp_path / "out" / "notes.json").read_text("utf-8")  # kept whole
        guide.write_text(text + GROUP.format(n=2), "utf-8")
        watch.wait_for("rebuilt in", 2)
        notes = (tmp_path / "out" / "notes.json").read_text("utf-8")
        assert "watchedmarker2" in notes and "watchedmarker1" not in notes
    finally:
        code = watch.stop()
    assert code == 128 + signal.SIGINT and "every file written so far is complete" in watch.lines[-1], watch.lines[-3:]


def test_watch_keeps_its_render_workers_and_lays_out_the_edited_objective_again(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None and not (ROOT / ".venv").exists():
        pytest.skip("no PDF tools")
    source = tmp_path / "src"
    shutil.copytree(RICH, source)
    guide = source / "topic-930.md"
    watch = Watch(["-f", "sheets", "-j", "2", "-o", "out", "src"], tmp_path)
    try:
        watch.wait_for("watching for changes")
        workers = _descendants(watch.process.pid)
        assert len(workers) >= 3  # the server and its two workers, kept after the build
        (pdf,) = (tmp_path / "out" / "sheets").glob("930.2-*.pdf")  # the file's last objective
        assert "watchedmarker" not in "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
        guide.write_text(guide.read_text("utf-8") + GROUP.format(n=3), "utf-8")
        watch.wait_for("rebuilt in")
        watch.wait_for("watching for changes", 2)
        assert "watchedmarker3" in "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
        assert _descendants(watch.process.pid) == workers  # the same processes laid it out
    finally:
        watch.stop()
    time.sleep(0.5)
    assert not any(_alive(pid) for pid in workers)  # Ctrl-C ends the workers with the build


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_values_are_remembered_only_while_watching_and_for_one_build_unused() -> None:
    from builder.remember import new_build, remembered, remembering

    made: list[str] = []

    def make(name: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(name) or name.upper()

    assert remembered("k", "a", make("a")) == "A" and remembered("k", "a", make("a")) == "A"
    assert made == ["a", "a"]  # not watching: made each time
    made.clear()
    with remembering():
        remembered("k", "a", make("a")), remembered("k", "b", make("b"))
        new_build()
        remembered("k", "a", make("a"))  # the next build uses a, not b
        new_build()
        remembered("k", "a", make("a")), remembered("k", "b", make("b"))
    assert made == ["a", "b", "b"]  # a kept throughout; b forgotten after a build without it
