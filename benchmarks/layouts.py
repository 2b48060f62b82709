"""Page layouts per cold sheets build, and what editing one objective costs after it.

    python benchmarks/layouts.py [--edit OBJECTIVE] [SOURCES]...    # default: source/

Builds the sheets cold in this process (`-j 1`, a fresh output folder) while counting the
calls of WeasyPrint's page layout (`remake_page`; a page it keeps as up to date is not one),
then prints one JSON line: layouts, pages of every PDF written, their ratio, how many of the
layouts were stamps (one tall page per PDF holding only its heads, footers and page numbers,
printed over its pages: builder/sheets/stamp.py) and the ratio without them, and the build's
CPU seconds (this process's: with `-j 1` every render is in it; CPU time, unlike wall time,
hardly moves when other work shares the machine).

With `--edit 352.2` the sources are copied first; after the cold build the file of that
objective gains a command group and the sheets are built again: the line then also gives the
edit's layouts and CPU seconds and its CPU as a share of the cold build's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GROUP = "\n```sh\n# print the kernel release\nuname -r\n```\n"


def main() -> None:
    import builder.sheets.weasy  # noqa: F401  (WeasyPrint's libraries found without a compiler)
    import weasyprint.layout.page as page_layout
    from pypdf import PdfReader

    from builder.config import BuildConfig
    from builder.pipeline import build
    from builder.sheets.render import SheetRenderer

    parser = argparse.ArgumentParser()
    parser.add_argument("--edit", help="the objective whose file gains a command group after the cold build")
    parser.add_argument("sources", nargs="*", default=[str(ROOT / "source")])
    args = parser.parse_args()
    counted, stamps = [0], [0]
    remake, stamp = page_layout.remake_page, SheetRenderer.stamp

    def counting(*a, **k):  # type: ignore[no-untyped-def]
        counted[0] += 1
        return remake(*a, **k)

    def counting_stamps(self, meta, layout, pages):  # type: ignore[no-untyped-def]
        stamps[0] += 1  # one page, a band for each of `pages`
        return stamp(self, meta, layout, pages)

    page_layout.remake_page = counting
    SheetRenderer.stamp = counting_stamps  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as scratch:
        sources = args.sources
        if args.edit:
            copy = Path(scratch) / "source"
            shutil.copytree(sources[0], copy)
            sources = [str(copy)]
        out = Path(scratch) / "out"
        config = BuildConfig(output=out, formats=("sheets",), options={"jobs": 1, "progress": False})
        started = time.process_time()
        build(sources, config)
        cpu = time.process_time() - started
        pages = sum(len(PdfReader(p).pages) for p in out.rglob("*.pdf") if ".cache" not in p.parts)
        result = {"layouts": counted[0], "pages": pages, "ratio": round(counted[0] / pages, 3),
                  "stamp_layouts": stamps[0], "content_layouts": counted[0] - stamps[0],
                  "content_ratio": round((counted[0] - stamps[0]) / pages, 3), "cpu_seconds": round(cpu, 2)}
        if args.edit:
            (edited,) = [p for p in Path(sources[0]).glob(f"{args.edit}*.md")]
            edited.write_text(edited.read_text("utf-8") + GROUP, "utf-8")
            counted[0] = stamps[0] = 0
            started = time.process_time()
            build(sources, config)
            edit = time.process_time() - started
            result |= {"edit_layouts": counted[0], "edit_stamp_layouts": stamps[0],
                       "edit_cpu_seconds": round(edit, 2), "edit_share": round(edit / cpu, 3)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
