"""What editing one objective costs while `cheatdeck build --watch` runs, against a cold build.

    python benchmarks/watch.py [--edit 352.2] [--pairs 5] [SOURCE]    # default: source/

Copies the sources to a scratch folder, starts a watching build (`-f sheets -j 2`) and, once it
is watching, times `--pairs` pairs, as whole processes: a cold build of the same sources into a
fresh folder (`-f sheets -j 2`, while the watch idles), then an edit of the objective's file (it
gains a command group), timed from the write to the watch's `rebuilt in` line. Pairs, because
this machine's speed drifts by a quarter within minutes. Prints one JSON line: each pair's
seconds and ratio, and the median ratio (issue #29's bar: at most 0.15).
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
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("source", nargs="?", default=str(ROOT / "source"))
    args = parser.parse_args()
    command = [sys.executable, "-m", "builder", "build", "-f", "sheets", "-j", "2", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "source"
        shutil.copytree(args.source, source)
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

        pairs = []
        try:
            at, _ = wait_for("watching", 0)
            (edited,) = source.glob(f"{args.edit}*.md")
            for n in range(args.pairs):
                started = time.monotonic()
                subprocess.run([*command, str(source), "-o", str(Path(scratch) / f"cold{n}")], env=env, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=scratch)
                cold = time.monotonic() - started
                time.sleep(0.5)
                started = time.monotonic()
                edited.write_text(edited.read_text("utf-8") + GROUP.format(n=n), "utf-8")
                at, done = wait_for("rebuilt in", at)
                pairs.append((done - started, cold))
                at, _ = wait_for("watching", at)
        finally:
            watch.terminate()
            watch.wait()
    print(json.dumps({"pairs": [{"edit": round(e, 2), "cold": round(c, 2), "ratio": round(e / c, 3)} for e, c in pairs],
                      "median_ratio": round(statistics.median(e / c for e, c in pairs), 3)}))

if __name__ == "__main__":
    main()
