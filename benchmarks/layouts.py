"""Page layouts per cold sheets build: how many pages WeasyPrint laid out to make how many pages.

    python benchmarks/layouts.py [SOURCES]...        # default: source/

Builds the sheets cold in this process (`-j 1`, a fresh output folder) while counting the
calls of WeasyPrint's page layout (`remake_page`; a page it keeps as up to date is not one),
then prints one JSON line: layouts, pages of every PDF written, their ratio, and the build's
CPU seconds (this process's: with `-j 1` every render is in it; CPU time, unlike wall time,
hardly moves when other work shares the machine).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    import builder.sheets.weasy  # noqa: F401  (WeasyPrint's libraries found without a compiler)
    import weasyprint.layout.page as page_layout
    from pypdf import PdfReader

    from builder.config import BuildConfig
    from builder.pipeline import build

    sources = sys.argv[1:] or [str(ROOT / "source")]
    counted = [0]
    remake = page_layout.remake_page

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        counted[0] += 1
        return remake(*args, **kwargs)

    page_layout.remake_page = counting
    with tempfile.TemporaryDirectory() as out:
        config = BuildConfig(output=Path(out), formats=("sheets",), options={"jobs": 1, "progress": False})
        started = time.process_time()
        build(sources, config)
        cpu = time.process_time() - started
        pages = sum(len(PdfReader(p).pages) for p in Path(out).rglob("*.pdf") if ".cache" not in p.parts)
    print(json.dumps({"layouts": counted[0], "pages": pages, "ratio": round(counted[0] / pages, 3),
                      "cpu_seconds": round(cpu, 2)}))


if __name__ == "__main__":
    main()
