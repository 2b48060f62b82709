"""Sheet progress: a bar with counts and an ETA on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

from builder.sheets.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_redrawn_bar():
    said: list[str] = []
    stream = Terminal()
    progress = Progress(said.append, None, stream)
    progress.start(4, "sheet(s)")
    for name in ("352.1", "352.2", "352.3", "352"):
        progress.advance(name)
    progress.finish()
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 4 and "1/4" in frames[0] and "4/4" in frames[-1] and "ETA" in frames[0]
    assert frames[-1].startswith("sheets [" + "#" * 24 + "]")
    assert stream.getvalue().endswith("\n") and said == []


def test_ci_and_no_progress_get_plain_lines():
    for stream, enabled in ((io.StringIO(), None), (Terminal(), False)):
        said: list[str] = []
        progress = Progress(said.append, enabled, stream)
        progress.start(2, "sheet(s)")
        progress.advance("352.1")
        progress.advance("352")
        progress.finish()
        assert said == ["sheets: rendering 2 sheet(s)", "sheets: [1/2] 352.1", "sheets: [2/2] 352"]
        assert stream.getvalue() == ""
