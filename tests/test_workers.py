"""Sheet render workers run only installed code and die with their build, however it ends."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import FIXTURES, ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads the process table in /proc")]

CHEATDECK = Path(sys.executable).parent / "cheatdeck"
DEADLINE = 2.0  # seconds a worker may outlive its build (#19)


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None when it is gone."""
    fields = stat_fields(pid)
    return None if fields is None else (fields[0], int(fields[1]), int(fields[19]))


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def descendants(root: int) -> dict[int, tuple[int, int]]:
    """Every process below `root`: pid -> (parent pid, start time)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := stat(int(entry.name))):
            table[int(entry.name)] = found
    below, frontier = {}, {root}
    while frontier:
        frontier = {pid for pid, (_, parent, _) in table.items() if parent in frontier and pid not in below}
        below.update({pid: (table[pid][1], table[pid][2]) for pid in frontier})
    return below


def alive(pid: int, started: int) -> bool:
    """Running (not a zombie waiting for a reaper) and still the process we saw."""
    found = stat(pid)
    return found is not None and found[2] == started and found[0] not in ("Z", "X")


def start_build(tmp_path: Path, source: Path | None = None, fmt: str = "sheets", workers: int = 2):
    """A build (by default: the sheets of two objectives of the real guide's topic 352, one for
    each of two workers), once `workers` render."""
    if source is None:
        source = tmp_path / "source"
        source.mkdir()
        for path in (ROOT / "source").glob("352.[24]-*.md"):
            shutil.copy(path, source / path.name)
    if not source.exists():
        pytest.skip(f"{source} is not present")
    command = [sys.executable, "-m", "builder", "-q", "build", str(source), "-o", str(tmp_path / "dist"),
               "-f", fmt, "-j", "2", "--no-progress"]
    # Files, not pipes: a surviving worker would hold a pipe open and hang the test instead of failing it.
    with open(tmp_path / "stderr", "wb") as err:
        proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
    limit = time.monotonic() + 180
    while time.monotonic() < limit and proc.poll() is None:
        tree = descendants(proc.pid)
        servers = [pid for pid in tree if "forkserver" in cmdline(pid)]
        found = [pid for pid, (parent, _) in tree.items()
                 if parent in servers or "spawn_main" in cmdline(pid)]
        if len(found) >= workers:
            time.sleep(0.5)  # let them take their first jobs
            return proc, descendants(proc.pid)
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    pytest.fail(f"no render workers appeared (exit {proc.poll()}): {(tmp_path / 'stderr').read_text()[-2000:]}")


def seconds_until_gone(tree: dict[int, tuple[int, int]], limit: float = 30.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not any(alive(pid, start) for pid, (_, start) in tree.items()):
            return time.monotonic() - started
        time.sleep(0.02)
    left = {pid: cmdline(pid) for pid, (_, start) in tree.items() if alive(pid, start)}
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    pytest.fail(f"still running {limit} s after the build ended: {left}")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT", "SIGINT to the group"])
def test_no_worker_outlives_its_build(tmp_path, how):
    proc, tree = start_build(tmp_path)
    kinds = {pid: cmdline(pid) for pid in tree}
    assert any("forkserver" in c for c in kinds.values()) and len(tree) >= 4, kinds  # server, tracker, workers
    number = getattr(signal, how.split()[0])
    sent = time.monotonic()
    if how.endswith("group"):
        os.killpg(proc.pid, number)  # what Ctrl-C in a terminal does
    else:
        os.kill(proc.pid, number)
    proc.wait(timeout=60)
    ended = time.monotonic() - sent
    took = seconds_until_gone(tree)
    print(f"{how}: build ended {ended:.3f} s after the signal; {len(tree)} other processes "
          f"gone {took:.3f} s after it")
    assert took <= DEADLINE, f"{how}: the last process ended {took:.2f} s after the build"
    if number == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        return
    lines = (tmp_path / "stderr").read_text("utf-8", errors="replace").splitlines()
    assert proc.returncode == 128 + number, lines
    assert len(lines) == 1 and lines[0].startswith("cheatdeck: "), lines
    assert "Traceback" not in lines[0]


def session_members(session: int) -> list[str]:
    """The command lines of the live processes of a session (a process group leader's id)."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = stat_fields(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None and int(fields[3]) == session and fields[0] not in ("Z", "X"):  # field 6: session
            found.append(cmdline(int(entry.name)))
    return found


def test_a_finished_build_leaves_no_process_and_its_time_counts_its_workers(tmp_path):
    """A `-j 2` build that ends waits for its render workers' server and the resource tracker:
    none of its processes is left when it exits, and the CPU time its caller reads (what `time`
    prints) includes the workers' layouts, as a `-j 1` build's does (it was about a tenth)."""
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "sheets" / "rich", source)  # two objectives of a page each
    used = {}
    for jobs in ("2", "1"):
        before = os.times()
        proc = subprocess.Popen([str(CHEATDECK), "-q", "build", str(source), "-o", str(tmp_path / jobs),
                                 "-f", "sheets", "-j", jobs, "--no-progress"], cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        _, err = proc.communicate(timeout=300)
        left = session_members(proc.pid)  # read at once: nothing may end after the build
        after = os.times()
        assert proc.returncode == 0, err
        assert left == [], left
        used[jobs] = after.children_user + after.children_system - before.children_user - before.children_system
    assert used["2"] >= 0.7 * used["1"], used


def test_the_exam_sheet_worker_dies_with_its_build(tmp_path):
    source = tmp_path / "exam"
    source.mkdir()
    shutil.copy(FIXTURES / "exam" / "shapes.md", source / "practice.md")
    proc, tree = start_build(tmp_path, source, "exam-sheet", workers=1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    took = seconds_until_gone(tree)
    print(f"exam sheet, SIGKILL: {len(tree)} processes gone {took:.3f} s after the build ended")
    assert took <= DEADLINE


@pytest.mark.skipif(sys.version_info < (3, 11), reason="PYTHONSAFEPATH, which keeps ./ off sys.path, is 3.11+")
def test_a_builder_package_in_the_current_folder_is_never_imported(tmp_path):
    if not CHEATDECK.is_file():
        pytest.skip("the cheatdeck command is not installed beside this Python")
    here = tmp_path / "work"
    (here / "builder" / "sheets").mkdir(parents=True)
    marker = here / "IMPORTED"
    code = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for module in ("builder/__init__.py", "builder/sheets/__init__.py", "builder/sheets/pdf.py",
                   "builder/sheets/pool.py", "weasyprint.py", "multiprocessing.py"):
        (here / module).write_text(code, "utf-8")
    shutil.copytree(FIXTURES / "sheets" / "rich", tmp_path / "guide")
    done = subprocess.run([str(CHEATDECK), "build", str(tmp_path / "guide"), "-o", str(tmp_path / "dist"),
                           "-f", "sheets", "-j", "2", "--no-progress"], cwd=here, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), marker.read_text()
    pdfs = sorted((tmp_path / "dist" / "sheets").glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) >= 1


class _Stop(Exception):
    pass


@pytest.mark.parametrize("formats, jobs, server", [
    (("sheets",), 2, True),  # the server imports WeasyPrint while the guide is read and checked
    (("json", "sheets"), 0, None),  # one worker per core: a server when there are two or more
    (("sheets",), 1, False),  # rendered in this process
    (("json", "anki"), 2, False),  # no sheets, no server
])
def test_a_sheets_build_starts_its_render_server_before_reading_the_guide(tmp_path, monkeypatch, formats,
                                                                         jobs, server):
    from builder import pipeline
    from builder.config import BuildConfig
    from builder.sheets import pool
    from builder.workers import cores

    said: list[str] = []
    monkeypatch.setattr(pool, "start_forkserver", lambda preload: said.append(f"server {' '.join(preload)}"))

    def check(*args, **kwargs):  # type: ignore[no-untyped-def]
        said.append("check")
        raise _Stop

    monkeypatch.setattr(pipeline, "check", check)
    with pytest.raises(_Stop):
        pipeline.build([str(FIXTURES / "sheets" / "rich" / "topic-930.md")],
                       BuildConfig(output=tmp_path / "out", formats=formats, options={"jobs": jobs}))
    if server is None:
        server = cores() > 1
    assert said == ([f"server {' '.join(pool.PRELOAD)}"] if server else []) + ["check"]
