"""Sheet progress: a bar with an ETA on a terminal, plain lines in CI or with --no-progress."""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

BAR = 24


class Progress:
    """Counts finished sheets; draws a bar on a TTY, else passes one line per sheet to `say`."""

    def __init__(self, say: Callable[[str], None], enabled: bool | None,
                 stream: TextIO | None = None) -> None:
        self.say = say
        self.stream = stream or sys.stderr
        self.bar = enabled if enabled is not None else self.stream.isatty()
        self.total = 0
        self.done = 0
        self.started = time.monotonic()  # for the ETA only; never written into any output

    def start(self, total: int, what: str) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        if total and not self.bar:
            self.say(f"sheets: rendering {total} {what}")

    def advance(self, label: str) -> None:
        self.done += 1
        if not self.bar:
            self.say(f"sheets: [{self.done}/{self.total}] {label}")
            return
        filled = BAR * self.done // max(self.total, 1)
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        self.stream.write(f"\rsheets [{'#' * filled}{'.' * (BAR - filled)}] "
                          f"{self.done}/{self.total}  ETA {eta:4.0f}s  {label[:30]:<30}")
        self.stream.flush()

    def finish(self) -> None:
        if self.bar and self.total:
            self.stream.write("\n")
            self.stream.flush()
