"""Corpus: build every guide in a folder as a new user would and print what each one gave.

Run with `make corpus CORPUS=folder` (or `python benchmarks/corpus.py FOLDER...`). Each folder
under FOLDER (or each FOLDER given) is one guide repository, built whole as
`cheatdeck build REPO -f json -f anki` into a temporary folder, never into the repository.
The table: exit status, decks written, objectives and weights read, stubs, command groups with a
purpose, cards, cards whose back adds nothing or whose front gives the answer away (the measures
of `cheatdeck inspect --cards`), and the first error. `--json FILE` writes the same rows as JSON. Not part of `make test`: it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from builder.anki.notes import guide_notes  # noqa: E402
from builder.anki.notetypes import load_text, note_types_for  # noqa: E402
from builder.anki.quality import asks_nothing, leaked, rendered_cards, seen  # noqa: E402
from builder.model import Guide  # noqa: E402
from builder.pipeline import check  # noqa: E402
from builder.project import plan  # noqa: E402

COLUMNS = ("guide", "exit", "decks", "objectives", "weights", "stubs", "purpose", "cards", "empty",
           "seconds", "first error")


def guides_in(folders: list[Path]) -> list[Path]:
    """Each folder given, or each folder under it when it holds no guide file of its own."""
    out = []
    for folder in folders:
        if folder.is_file() or any(folder.glob("*.md")) or not any(p.is_dir() for p in folder.iterdir()):
            out.append(folder)
        else:
            out.extend(sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")))
    return out


def build(repo: Path, out: Path) -> tuple[int, float, str]:
    """Run the real command line on one guide; its exit status, wall time and first error."""
    cmd = [sys.executable, "-m", "builder", "-q", "build", str(repo), "-o", str(out / "dist"),
           "-f", "json", "-f", "anki", "--ledger", str(out / "cheatdeck.lock")]
    env = {**os.environ, "CHEATDECK_CACHE_DIR": str(out / "cache")}
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    first = next((line for line in (done.stderr + done.stdout).splitlines()
                  if " error" in line or line.startswith(("Error", "Traceback", "cheatdeck:"))), "")
    return done.returncode, seconds, first


def model_counts(data: dict) -> dict:
    objectives = [o for t in data.get("topics", []) for o in t["objectives"]]
    groups = [g for o in objectives for g in o.get("command_groups", [])]
    with_purpose = sum(bool(g.get("purpose")) for g in groups)
    return {
        "objectives": len(objectives),
        "weights": sum(o.get("weight") is not None for o in objectives),
        "stubs": sum(len(o.get("stubs", [])) for o in objectives),
        "purpose": f"{100 * with_purpose / len(groups):.0f}% of {len(groups)}" if groups else "-",
    }


def card_counts(repo: Path) -> tuple[int, int]:
    """Cards of the guide's deck and those whose back adds nothing, read in this process."""
    run = plan([str(repo)], "source")
    result = check(run.sources, settings=run.settings)
    total = empty = 0
    for guide in (result.guide, *(t.guide for t in result.translations)):
        cards = _cards(guide)
        total += len(cards)
        empty += sum(empty_back(c) for c in cards)
    return total, empty


def empty_back(card) -> bool:  # noqa: ANN001
    """A back that adds nothing (no answer, a link, every word on the front) or a front that
    gives the answer away: the measures of `cheatdeck inspect --cards`."""
    s = seen(card)
    return asks_nothing(s) or leaked(s)


def _cards(guide: Guide) -> list:
    notes = guide_notes(guide, Path(guide.root).resolve())
    texts = [load_text(nt, None, guide.lang) for nt in note_types_for(guide.lang)]
    return rendered_cards(notes, texts)


def measure(repo: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="cheatdeck-corpus-") as tmp:
        out = Path(tmp)
        code, seconds, first = build(repo, out)
        notes = out / "dist" / "notes.json"
        row = {"guide": repo.name, "exit": code, "seconds": f"{seconds:.1f}", "first error": first[:70],
               "decks": len(list((out / "dist" / "anki").glob("*.apkg")))}
        row.update(model_counts(json.loads(notes.read_text("utf-8"))) if notes.exists() else
                   {"objectives": 0, "weights": 0, "stubs": 0, "purpose": "-"})
    try:
        row["cards"], row["empty"] = card_counts(repo)
    except Exception as exc:  # noqa: BLE001  (a guide the reader refuses: the build row says why)
        row["cards"], row["empty"] = "-", f"({type(exc).__name__})"
    return row


def table(rows: list[dict]) -> str:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS)]
    lines.append("  ".join("-" * widths[c] for c in COLUMNS))
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in COLUMNS) for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="guide repositories, or a folder of them")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args()
    rows = []
    repos = guides_in(args.folders)
    for i, repo in enumerate(repos, 1):
        print(f"[{i}/{len(repos)}] {repo.name}", file=sys.stderr, flush=True)
        rows.append(measure(repo))
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
