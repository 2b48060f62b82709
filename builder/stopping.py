"""Ctrl-C and SIGTERM end a command at once: render workers killed, one line said, exit 128 + signal."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

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
    try:
        sys.stdout.flush()
        sys.stderr.write(f"cheatdeck: {SIGNALS[number]}; files written so far are complete, "
                         "build again to finish\n")
        sys.stderr.flush()
    finally:
        os._exit(128 + number)
