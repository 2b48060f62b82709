"""Benchmark: time and peak memory of each build stage on source/ and on a guide N times its size.

Run with `make bench` (or `python benchmarks/bench.py --help`). Every measurement runs in a fresh
process, so imports and caches of one step never help the next. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from peers import UPSTREAM, peer_verdicts, peers_table, run_peers  # noqa: E402  (beside this file)

QUICK_STAGES = ("tokenize", "parse", "model")
STAGES = ("tokenize", "parse", "model", "deck", "sheets", "weasyprint")
BUILDS = ("cold", "noop", "edit")


# -- the synthetic guide -----------------------------------------------------------------------

def synthesize(source: Path, target: Path, scale: int) -> list[Path]:
    """`scale` copies of every guide file, each copy under its own topic number (deterministic)."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(source.glob("*.md"))
    numbers = sorted({m.group(1) for f in files for m in re.finditer(r"Topic (\d{3})", f.read_text())})
    out = []
    for copy in range(scale):
        for f in files:
            text = f.read_text("utf-8")
            for index, number in enumerate(numbers):  # each topic of each copy its own number
                new = str(500 + copy * len(numbers) + index) if scale > 1 else number
                text = re.sub(rf"\b{number}(?=[.:\s])", new, text)
            path = target / f"{copy:02d}-{f.name}"
            path.write_text(text, "utf-8")
            out.append(path)
    for extra in source.iterdir():  # images and other files the guide refers to
        if extra.is_dir():
            shutil.copytree(extra, target / extra.name, dirs_exist_ok=True)
    return out


# -- one measurement, in a child process ---------------------------------------------------------

def peak_mb() -> float:
    """Largest resident set of this process or of any child it waited for (render workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def step(name: str, folder: Path, out: Path, jobs: int) -> dict[str, object]:
    """Run one stage or build; return its wall time (the stage only) and peak memory."""
    sources = sorted(str(p) for p in folder.glob("*.md"))
    if name in BUILDS:
        return build_step(name, folder, out, jobs)
    if name == "tokenize":
        from markdown_it import MarkdownIt
        md = MarkdownIt("commonmark", {"html": False}).enable("table")
        texts = [Path(s).read_text("utf-8") for s in sources]
        started = time.perf_counter()
        tokens = sum(len(md.parse(t)) for t in texts)
        return {"seconds": time.perf_counter() - started, "tokens": tokens, "rss_mb": peak_mb()}
    from builder.config import BuildConfig
    from builder.reader import read_guide
    from builder.rules import check_guide
    started = time.perf_counter()
    guide = read_guide(sources).guide
    parsed = time.perf_counter()
    if name == "parse":
        return {"seconds": parsed - started, "objectives": len(guide.objectives), "rss_mb": peak_mb()}
    check_guide(guide)
    if name == "model":
        return {"seconds": time.perf_counter() - parsed, "rss_mb": peak_mb()}
    from builder.context import BuildContext
    from builder.writers import load_writer
    request = BuildConfig(output=out, options={"jobs": jobs, "progress": False})
    if name == "weasyprint":
        return weasyprint_step(guide, BuildContext.create(request, folder, {}))
    fmt = {"deck": "anki", "sheets": "sheets"}[name]
    writer = load_writer(fmt)
    config = BuildContext.create(request, folder, {fmt: writer.Options})
    started = time.perf_counter()
    writer.write(guide, config)
    result: dict[str, object] = {"seconds": time.perf_counter() - started, "rss_mb": peak_mb()}
    if name == "deck":
        from builder.anki.notes import guide_notes
        result["notes"] = len(guide_notes(guide, folder.resolve()))
    else:
        result["pages"] = sum(_pages(p) for p in (out / "sheets").glob("*.pdf"))  # objectives and topics
    return result


def weasyprint_step(guide, config) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """WeasyPrint alone, one process, making the same PDFs the straightforward way: each
    objective's page as one document, and each topic as one document (its contents, every
    objective in one run of columns, its index), page numbers by target-counter()."""
    from weasyprint import CSS, HTML

    from builder.i18n import override
    from builder.sheets.context import Layout, objective_sheet
    from builder.sheets.plan import SheetOptions, SheetPlan
    from builder.sheets.write import topic_parts
    plan = SheetPlan(guide, config, SheetOptions())
    renderer = plan.renderer
    layout = Layout("a4", "landscape", "color")
    with override(guide.lang):
        sheets = {o.id: objective_sheet(guide, t, o, layout, plan.created)
                  for t in guide.topics for o in t.objectives}
        pages = [renderer.objective(sheet, standalone=False) for sheet in sheets.values()]
        topics = []
        for p in plan.plan:
            if p.objective is None:
                members = [sheets[o.id] for o in p.topic.objectives]
                cover, index = topic_parts(plan, p, layout, members)
                articles = "".join(renderer.article(sheet) for sheet in members)
                topics.append(cover.replace("</body>", f'<div class="topic-flow">{articles}</div>'
                                            + (_body(index) if index else "") + "</body>"))
    # WeasyPrint alone prints page references itself (target-counter) where the writer fills
    # its placeholders in after one layout: the yardstick makes the same pages, numbers right.
    pages = [_counted_refs(html) for html in pages]
    topics = [_counted_refs(html) for html in topics]
    css_text, css_base = renderer.stylesheet()
    css_text += "\na.pg::after { content: target-counter(attr(href url), page); }\n"
    base = config.source_root.as_uri() + "/"
    started = time.perf_counter()
    css = CSS(string=css_text, base_url=css_base.as_uri() + "/")
    count = 0
    for html in pages:
        document = HTML(string=html, base_url=base).render(stylesheets=[css])
        document.write_pdf()
        count += len(document.pages)
    objectives_done = time.perf_counter()
    for html in topics:
        document = HTML(string=html, base_url=base).render(stylesheets=[css])
        document.write_pdf()
        count += len(document.pages)
    return {"seconds": time.perf_counter() - started, "objective_seconds": objectives_done - started,
            "pages": count, "rss_mb": peak_mb()}


def _body(html: str) -> str:
    return html.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]


def _counted_refs(html: str) -> str:
    """A page for WeasyPrint alone: each page reference empty, for target-counter() to fill."""
    from builder.sheets.render import PAGE_PLACEHOLDER
    return re.sub(rf'(<a class="pg" href="#[^"]*">){PAGE_PLACEHOLDER}</a>', r"\1</a>", html)


def build_step(name: str, folder: Path, out: Path, jobs: int) -> dict[str, object]:
    """A whole `cheatdeck build` (all formats) as `make` runs it."""
    from builder.config import BuildConfig
    from builder.pipeline import build
    if name == "edit":
        # one more command group at the end of the first file: its last objective changes
        first = sorted(folder.glob("*.md"))[0]
        first.write_text(first.read_text("utf-8") + "\n```sh\n# print the kernel release\nuname -r\n```\n",
                         "utf-8")
    config = BuildConfig(output=out, options={"jobs": jobs, "progress": False})
    started = time.perf_counter()
    build(sorted(str(p) for p in folder.glob("*.md")), config)
    return {"seconds": time.perf_counter() - started, "rss_mb": peak_mb()}


def _pages(path: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(path).pages)


# -- `cheatdeck progress` on a large collection ----------------------------------------------------

PROGRESS_CARDS = 50_000


def progress_collection(source: Path, work: Path) -> Path:
    """A collection of PROGRESS_CARDS cards: the deck built from `source`, every card reviewed (a
    few review-log entries each, some lapses), and filler notes of another deck up to the count.
    Made once per bench folder (it takes a minute) and reused."""
    path = work / "progress" / "collection.anki2"
    if path.exists():
        return path
    from anki.collection import AddNoteRequest, Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    out = work / "progress-deck"
    subprocess.run([sys.executable, "-m", "builder", "-q", "build", str(source), "-o", str(out), "-f", "anki",
                    "--ledger", str(out / "cheatdeck.lock")], check=True, cwd=ROOT,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    apkg = max((out / "anki").glob("*.apkg"), key=lambda p: p.stat().st_size)
    path.parent.mkdir(parents=True, exist_ok=True)
    col = Collection(str(path))
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
    today, now = col.sched.today, int(time.time() * 1000)
    col.db.execute("update cards set type = 2, queue = 2, ivl = 1 + id % 60, due = ? + id % 30 - 10, "
                   "lapses = id % 4, reps = 5", today)
    cards = col.db.list("select id from cards order by id")
    col.db.executemany("insert into revlog values (?, ?, -1, ?, 1, 1, 2500, 6000, ?)",
                       [(now - back * 86_400_000 - i, cid, 1 + (i + back) % 4, 1)
                        for i, cid in enumerate(cards) for back in (3, 12, 40)])
    filler = col.decks.id("Filler")
    basic = col.models.by_name("Basic")
    missing = PROGRESS_CARDS - col.card_count()
    for start in range(0, missing, 5000):
        requests = []
        for i in range(start, min(start + 5000, missing)):
            note = col.new_note(basic)
            note["Front"], note["Back"] = f"filler question {i}", f"filler answer {i}"
            requests.append(AddNoteRequest(note, filler))
        col.add_notes(requests)
    col.close()
    return path


def progress_seconds(source: Path, work: Path) -> dict[str, object]:
    """`cheatdeck progress` on the large collection, JSON only, each run a whole process: the
    first with an empty cache (the guide's notes made), then best of 3 with them kept."""
    path = progress_collection(source, work)
    cache = work / "progress-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "CHEATDECK_CACHE_DIR": str(cache)}
    runs = []
    for _ in range(4):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "builder", "-q", "progress", str(path), str(source), "--json",
                        "--no-sheet"], check=True, cwd=ROOT, capture_output=True, env=env)
        runs.append(time.perf_counter() - started)
    return {"cards": PROGRESS_CARDS, "first_seconds": runs[0], "seconds": min(runs[1:])}


# -- the driver ----------------------------------------------------------------------------------

def measure(name: str, folder: Path, out: Path, jobs: int) -> dict[str, object]:
    """Run `step` in a fresh interpreter and return what it reported (wall time includes start-up)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--step", name, "--folder", str(folder),
                           "--out", str(out), "--jobs", str(jobs)], capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000",
                               # the guide's own machine cache (prepared deck images): the user's
                               # is never read, the first deck step of a guide fills this one
                               "CHEATDECK_CACHE_DIR": str(folder.parent / f"{folder.name}-cache")})
    if done.returncode != 0:
        raise SystemExit(f"bench step {name} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def run_guide(label: str, folder: Path, work: Path, jobs: int) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name in STAGES:
        out = work / f"{label}-{name}"
        runs = []
        # The sub-second stages are compared with each other: best of 3 fresh processes each, so
        # a moment of load on a shared 2-core machine does not decide a ratio.
        for _ in range(3 if name in QUICK_STAGES else 1):
            shutil.rmtree(out, ignore_errors=True)
            runs.append(measure(name, folder, out, jobs if name != "weasyprint" else 1))
        results[name] = min(runs, key=lambda r: r["seconds"])
        print(f"  {label:>4} {name:<10} {results[name]['seconds']:8.2f} s", file=sys.stderr)
    build_out = work / f"{label}-build"
    shutil.rmtree(build_out, ignore_errors=True)
    for name in BUILDS:
        results[f"build-{name}"] = measure(name, folder, build_out, jobs)
        print(f"  {label:>4} build {name:<5} {results[f'build-{name}']['seconds']:8.2f} s", file=sys.stderr)
    return results


def verdicts(small: dict, large: dict, scale: int, jobs: int) -> list[tuple[str, str, bool]]:  # type: ignore[type-arg]
    """The issue's targets, measured on the large guide."""
    parse = large["parse"]["seconds"] + large["model"]["seconds"]
    # the baselines (markdown-it alone, WeasyPrint alone) are not cheatdeck's memory
    ours_rss = max(r["rss_mb"] for name, r in large.items() if name not in ("tokenize", "weasyprint"))
    rows = [
        ("read+parse+model / bare tokenize", f"{parse / large['tokenize']['seconds']:.2f} (target <= 2)",
         parse <= 2 * large["tokenize"]["seconds"]),
        ("deck notes per second", f"{large['deck']['notes'] / large['deck']['seconds']:.0f} (target >= 5000)",
         large["deck"]["notes"] / large["deck"]["seconds"] >= 5000),
        (f"cold sheets on {jobs} workers / WeasyPrint alone, same documents",
         f"{large['sheets']['seconds'] / large['weasyprint']['seconds']:.2f} (target <= 0.30)",
         large["sheets"]["seconds"] <= 0.30 * large["weasyprint"]["seconds"]),
        ("no-op rebuild / cold build", f"{large['build-noop']['seconds'] / large['build-cold']['seconds']:.3f} "
         "(target <= 0.05)", large["build-noop"]["seconds"] <= 0.05 * large["build-cold"]["seconds"]),
        ("no-op rebuild of source/ (whole process)", f"{small['build-noop']['process_seconds']:.2f} s (target < 1)",
         small["build-noop"]["process_seconds"] < 1),
        (f"peak RSS, {scale}x guide (our steps)", f"{ours_rss:.0f} MB (target <= 400)", ours_rss <= 400),
    ]
    for stage in ("parse", "deck", "sheets"):
        ratio = large[stage]["seconds"] / max(small[stage]["seconds"], 1e-9) / scale
        rows.append((f"scaling 1x->{scale}x, {stage} (time per unit, 20x/1x)", f"{ratio:.2f} (linear: ~1)",
                     ratio <= 1.5))
    return rows


def table(small: dict, large: dict, scale: int) -> str:  # type: ignore[type-arg]
    lines = [f"{'step':<14}{'1x s':>9}{'1x MB':>8}{f'{scale}x s':>10}{f'{scale}x MB':>9}"]
    for name in small:
        lines.append(f"{name:<14}{small[name]['seconds']:9.2f}{small[name]['rss_mb']:8.0f}"
                     f"{large[name]['seconds']:10.2f}{large[name]['rss_mb']:9.0f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=ROOT / "source")
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path, default=ROOT / "dist" / "bench.json")
    parser.add_argument("--upstream", type=Path, default=UPSTREAM, help="the guide of the peers table")
    parser.add_argument("--runs", type=int, default=7, help="runs per tool in the peers table")
    parser.add_argument("--peers-only", action="store_true", help="only the peers table")
    parser.add_argument("--step", choices=STAGES + BUILDS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.folder, args.out, args.jobs)))
        return
    with tempfile.TemporaryDirectory(prefix="cheatdeck-bench-") as tmp:
        work = Path(tmp)
        peers = run_peers(work, args.upstream.resolve(), args.runs)
        report: dict[str, object] = {"jobs": args.jobs, "scale": args.scale, "peers": peers}
        rows = peer_verdicts(peers)
        if not args.peers_only:
            small_dir, large_dir = work / "guide-1x", work / f"guide-{args.scale}x"
            synthesize(args.source, small_dir, 1)
            synthesize(args.source, large_dir, args.scale)
            small = run_guide("1x", small_dir, work, args.jobs)
            large = run_guide(f"{args.scale}x", large_dir, work, args.jobs)
            report.update({"1x": small, f"{args.scale}x": large})
            progress = progress_seconds(args.source.resolve(), work)
            report["progress"] = progress
            rows = verdicts(small, large, args.scale, args.jobs) + rows
            rows.append((f"progress on a {progress['cards']:,}-card collection (whole process)",
                         f"{progress['seconds']:.2f} s (target <= 2; first run "
                         f"{progress['first_seconds']:.2f} s)", progress["seconds"] <= 2))
            print(table(small, large, args.scale))
            print()
    print("\n".join(peers_table(peers)))
    print()
    for label, value, ok in rows:
        print(f"{'PASS' if ok else 'MISS'}  {label:<52} {value}")
    report["targets"] = [{"target": t, "value": v, "met": ok} for t, v, ok in rows]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
