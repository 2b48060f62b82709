"""Worker processes that import only installed code and end with their build; Ctrl-C ends it."""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import site
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import builder
from builder.context import environment_value, process_environment
from builder.output import remove_live_temps


SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While a command runs, SIGINT or SIGTERM stops it where it is.

    Writers run in threads and renders in worker processes: letting KeyboardInterrupt unwind
    would wait for every thread to finish its work (the whole build), and each worker would print
    a traceback. Every output is written atomically, so ending the process at once keeps dist/ whole.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _stop) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stop(number: int, _frame: FrameType | None) -> None:
    for child in multiprocessing.active_children():
        try:
            child.kill()
        except OSError:
            pass
    remove_live_temps()  # the writes under way end here: their temp files go with them
    try:
        sys.stdout.flush()
        sys.stderr.write(f"cheatdeck: {SIGNALS[number]} (every file written so far is complete)\n")
        sys.stderr.flush()
    finally:
        os._exit(128 + number)


def die_with(parent: int) -> None:
    """End this worker as soon as the build process ends, however it ends (SIGKILL included).

    Call it first thing in a worker (a pool initializer). A forkserver's worker is not even a
    child of the build, and workers hold their pool's pipes open themselves: nothing else tells
    them the build is gone. A pidfd becomes readable when it is. Ctrl-C is the build's to answer
    (see stop_on_signals), never a traceback per worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        handle: int | None = os.pidfd_open(parent)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (not Linux, or before 5.3): poll instead
        handle = None

    def wait() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while _running(parent):
                time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=wait, name="cheatdeck-parent-watch", daemon=True).start()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def cores() -> int:
    """The processors this process may run on (its affinity, where the system has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def end_helpers() -> None:
    """Stop this process's forkserver and resource tracker, if it started them, and wait for
    them: called as the command line ends, so that no process of the build outlives it and the
    build's CPU time, as `time` or its caller reads it, includes its render workers' (they are
    the forkserver's children, counted when it is waited for). A library caller keeps them
    between builds."""
    import multiprocessing.forkserver
    import multiprocessing.resource_tracker

    for helper in (multiprocessing.forkserver._forkserver, multiprocessing.resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)  # CPython 3.10-3.13: the same private method
        if stop is not None:
            try:
                stop()
            except (OSError, ChildProcessError):  # gone already
                pass


def start_forkserver(preload: list[str]) -> None:
    """Start multiprocessing's forkserver, unless it runs: it imports `preload` while this process
    goes on, and a pool made later forks its workers from it at once."""
    import multiprocessing.forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    with installed_code_first():
        multiprocessing.forkserver.ensure_running()


@contextmanager
def installed_code_first() -> Iterator[None]:
    """Processes started inside import this build's code, never the current folder's.

    The forkserver, resource tracker and spawned workers start as `python -c`, which puts the current folder first on sys.path (and the forkserver
    of Python 3.11 ignores the parent's sys.path): a `builder/` or `weasyprint.py` there would run.
    PYTHONSAFEPATH (3.11+) drops that entry; PYTHONPATH puts this package's folder first unless it
    is a site folder already on the path. The tracker's leak warnings after a killed build are
    silenced: it cleans up either way, and Ctrl-C should print one line.
    """
    root = str(Path(builder.__file__).resolve().parent.parent)
    sites = {str(Path(p).resolve()) for p in [*site.getsitepackages(), site.getusersitepackages()]}
    path, warnings = environment_value("PYTHONPATH"), environment_value("PYTHONWARNINGS")
    with process_environment({
            "PYTHONSAFEPATH": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [root, path])) if root not in sites else path,
            "PYTHONWARNINGS": ",".join(filter(None, [
                warnings, "ignore::UserWarning:multiprocessing.resource_tracker"]))}):
        yield
