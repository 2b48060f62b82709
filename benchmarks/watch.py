"""What editing one objective costs while `cheatdeck build --watch` runs, against a cold build.

    python benchmarks/watch.py [--edit 352.2] [--edits 5] [--colds 3] [SOURCE]    # default: source/

Copies the sources to a scratch folder and times, as whole processes with `-f sheets -j 2`:
`--colds` cold builds into fresh output folders (their median), then one watching build and
`--edits` edits of the objective's file (each gains a command group), each timed from the write
to the watch's `rebuilt in` line. Prints one JSON line: each edit's seconds, their median, the
cold median and their ratio (issue #29's bar: at most 0.15).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUP = "\n```sh\n# print the kernel release ({n})\nuname -r\n```\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edit", default="352.2", help="the objective whose file gains command groups")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--colds", type=int, default=3)
    parser.add_argument("source", nargs="?", default=str(ROOT / "source"))
    args = parser.parse_args()
    command = [sys.executable, "-m", "builder", "build", "-f", "sheets", "-j", "2", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "source"
        shutil.copytree(args.source, source)
        colds = []
        for n in range(args.colds):
            started = time.monotonic()
            subprocess.run([*command, str(source), "-o", str(Path(scratch) / f"cold{n}")], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=scratch)
            colds.append(time.monotonic() - started)
        watch = subprocess.Popen([*command, "--watch", str(source), "-o", str(Path(scratch) / "out")], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=scratch)
        lines: list[tuple[float, str]] = []
        seen = threading.Condition()

        def read() -> None:
            for line in watch.stderr:  # type: ignore[union-attr]
                with seen:
                    lines.append((time.monotonic(), line.strip()))
                    seen.notify_all()
        threading.Thread(target=read, daemon=True).start()

        def wait_for(word: str, after: int) -> tuple[int, float]:
            with seen:
                while True:
                    for i in range(after, len(lines)):
                        if lines[i][1].startswith(word):
                            return i + 1, lines[i][0]
                    if not seen.wait(120):
                        raise SystemExit(f"no '{word}' line from the watching build: {lines[-5:]}")

        try:
            at, _ = wait_for("watching", 0)
            (edited,) = source.glob(f"{args.edit}*.md")
            edits = []
            for n in range(args.edits):
                time.sleep(1.0)
                started = time.monotonic()
                edited.write_text(edited.read_text("utf-8") + GROUP.format(n=n), "utf-8")
                at, done = wait_for("rebuilt in", at)
                edits.append(done - started)
                at, _ = wait_for("watching", at)
        finally:
            watch.terminate()
            watch.wait()
    edit, cold = statistics.median(edits), statistics.median(colds)
    print(json.dumps({"edits": [round(e, 2) for e in edits], "edit_median": round(edit, 2),
                      "colds": [round(c, 2) for c in colds], "cold_median": round(cold, 2),
                      "ratio": round(edit / cold, 3)}))


if __name__ == "__main__":
    main()
