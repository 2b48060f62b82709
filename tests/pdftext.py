"""The text of a PDF's pages as pypdf reads it, read once: its runs with their positions and
fonts, and its plain text.

Reading a sheet's page takes pypdf about a quarter of a second, and the layout tests read every
page of two guides' sheets several ways (columns, body text, footers, the index). So each PDF is
read once per test process, and once per test session for the shared builds (tests/conftest.py:
shared_sheets registers their folders here): the first worker to need a PDF reads it under a
lock and keeps what it read beside the build, keyed by the PDF's sha256; the other reads that.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Folders of builds whose PDFs' text is kept on disk for the session's other workers.
SHARED: dict[Path, Path] = {}  # build folder -> where its PDFs' text is kept
FORMAT = 1  # bump when what is kept changes


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    x: float  # PDF points from the page's left
    y: float  # PDF points from the page's bottom (the baseline)
    font: str | None  # the font's /BaseFont (None: no font set)
    size: float


@dataclass(frozen=True, slots=True)
class PageText:
    width: float
    height: float
    runs: tuple[Run, ...]
    text: str  # pypdf's extract_text()


def share(build: Path, keep: Path) -> None:
    """Keep the text of `build`'s PDFs in `keep`, for every worker of the session."""
    SHARED[build.resolve()] = keep


def pages(pdf: Path) -> tuple[PageText, ...]:
    """Every page of `pdf`, read once (per process; per session for a shared build)."""
    stat = pdf.stat()
    return _pages(pdf.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)
def _pages(pdf: Path, _mtime: int, _size: int) -> tuple[PageText, ...]:
    keep = _keep(pdf)
    if keep is None:
        return _read(pdf)
    found = _stored(pdf, keep, block=True)
    assert found is not None
    return found


def read_all(pdfs: list[Path]) -> None:
    """Read every PDF of a shared build that no worker has read yet, those another worker is
    reading last: two workers that start on the same build share the reading."""
    busy = []
    for pdf in pdfs:
        keep = _keep(pdf.resolve())
        if keep is None:
            pages(pdf)
        elif _stored(pdf.resolve(), keep, block=False, load=False) is None:
            busy.append(pdf)
    for pdf in busy:
        pages(pdf)


def _keep(pdf: Path) -> Path | None:
    return next((where for build, where in SHARED.items() if pdf.is_relative_to(build)), None)


def _stored(pdf: Path, keep: Path, *, block: bool, load: bool = True) -> tuple[PageText, ...] | None:
    """The PDF's text as kept in `keep`, read and kept first if no worker has; None when
    another worker is reading it and `block` is false (or, without `load`, when it is kept)."""
    keep.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    path = keep / f"{digest}.{FORMAT}.json"
    with open(keep / f"{digest}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except OSError:
            return None
        if path.is_file():
            return _loaded(path.read_text("utf-8")) if load else ()
        found = _read(pdf)
        fd, temp = tempfile.mkstemp(dir=keep, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([[p.width, p.height, p.text, [[r.text, r.x, r.y, r.font, r.size] for r in p.runs]]
                       for p in found], out, ensure_ascii=False)
        os.replace(temp, path)
        return found


def _loaded(text: str) -> tuple[PageText, ...]:
    return tuple(PageText(width, height, tuple(Run(*r) for r in runs), plain)
                 for width, height, plain, runs in json.loads(text))


# WeasyPrint writes each glyph of a line as a hex string of its own, `[<0047>0<0048>0…] TJ`;
# pypdf parses each as an object, which is most of its time. A 0 between two strings of a TJ
# array moves nothing, so the strings are joined before pypdf reads the page: the text, runs and
# positions it reports are the same (tests/test_sheets_layout.py checks that on real sheets).
_GLYPHS = re.compile(rb"([0-9a-fA-F])>0<([0-9a-fA-F])")


def _read(pdf: Path, join: bool = True) -> tuple[PageText, ...]:
    import pypdf
    from pypdf.generic import DecodedStreamObject, NameObject

    out = []
    for page in pypdf.PdfReader(pdf).pages:
        if join:
            joined = DecodedStreamObject()
            joined.set_data(_GLYPHS.sub(rb"\1\2", page.get_contents().get_data()))
            page[NameObject("/Contents")] = joined
        runs: list[Run] = []

        def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
            if not text:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font.get("/BaseFont", "")) if font is not None else None
            runs.append(Run(text, float(x), float(y), name, float(size or 0)))

        plain = page.extract_text(visitor_text=visit)
        out.append(PageText(float(page.mediabox.width), float(page.mediabox.height), tuple(runs), plain))
    return tuple(out)
