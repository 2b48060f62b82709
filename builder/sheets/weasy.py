"""WeasyPrint imported with its native libraries found by the dynamic loader, not by a compiler.

WeasyPrint asks cffi for each library under several names (`libpango-1.0-0`, `pango-1.0-0`, …,
`libpango-1.0.so.0`). Every name the loader does not know sends cffi to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc` and `ld`: 54 processes,
more than half of a 1.2 s import, paid by every build that renders sheets. Each list holds the
library's soname, which the loader finds by itself. So when the loader can open every soname
WeasyPrint needs, `find_library` answers "not found" at once while WeasyPrint loads, and the same
library files are loaded (tests/test_sheets_weasy.py checks both).

It also makes WeasyPrint lay out a sheet's columns once rather than twice (see
`lay_out_columns_once`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The sonames in WeasyPrint's lists of names (weasyprint/text/ffi.py) of the libraries it needs.
SONAMES = ("libgobject-2.0.so.0", "libpango-1.0.so.0", "libharfbuzz.so.0", "libfontconfig.so.1",
           "libpangoft2-1.0.so.0")


def loader_finds_libraries() -> bool:
    """Whether the dynamic loader opens every library WeasyPrint needs by its soname."""
    if not sys.platform.startswith("linux"):
        return False  # elsewhere find_library is how they are found (macOS paths, Windows DLLs)
    try:
        for name in SONAMES:
            ctypes.CDLL(name)
    except OSError:
        return False
    return True


@contextmanager
def loader_only() -> Iterator[None]:
    """`ctypes.util.find_library` finds nothing for the duration (see the module's docstring)."""
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def import_weasyprint() -> None:
    """Import WeasyPrint, quickly when the loader finds its libraries, else as it is."""
    if "weasyprint.text.ffi" in sys.modules or not loader_finds_libraries():
        return
    try:
        with loader_only():
            import weasyprint.text.ffi  # noqa: F401
    except OSError:  # a WeasyPrint whose names changed: forget the half import, do it as it is
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]


# The line of WeasyPrint's `columns_layout` (weasyprint/layout/column.py) that starts its trials of
# a run of columns, and what lay_out_columns_once puts in its place.
_TRIALS = ("        while True:\n"
           "            # Remove extra excluded shapes introduced during the previous loop\n")
_TRIALS_UNLESS_DECIDED = (
    "        decided = (style['column_fill'] == 'auto' and index == columns_and_blocks[-1][0]\n"
    "                   and not context.footnotes and not context.current_page_footnotes)\n"
    "        while not decided:\n"
    "            # Remove extra excluded shapes introduced during the previous loop\n")
STOCK_COLUMNS: object = None  # WeasyPrint's own columns_layout, once lay_out_columns_once replaced it


def lay_out_columns_once() -> bool:
    """Lay out the columns of a page once where WeasyPrint lays them out twice.

    WeasyPrint lays a run of columns out first at the full height left on the page, column by
    column and with the first box of each next column besides, to learn whether the run fits:
    if it does, it balances the columns by laying them out again a little taller each time;
    either way it then lays them out for good. For the last run of a box whose `column-fill` is
    `auto` (every page of a sheet, but for the columns above a section that spans the page) those
    trials decide nothing: fitting or not, the columns are as tall as the page allows, so the
    layout for good is the very layout of the first trial. Here the loop of trials is skipped in
    that case (without footnotes, which the trials also measure): one line of WeasyPrint's
    source changed, compiled in its own module's namespace. The PDFs are the same byte for
    byte, for 10-20 % less CPU per sheet (tests/test_sheets_weasy.py; docs/performance.md). A
    WeasyPrint whose line differs is left as it is. Returns whether the change is in place.
    """
    global STOCK_COLUMNS
    from weasyprint.layout import block, column

    if STOCK_COLUMNS is not None:
        return True
    try:
        source = inspect.getsource(column.columns_layout)
    except (OSError, TypeError):  # no source installed (a frozen or byte-code-only WeasyPrint)
        return False
    if source.count(_TRIALS) != 1 or block.columns_layout is not column.columns_layout:
        return False
    namespace = dict(vars(column))
    exec(compile(source.replace(_TRIALS, _TRIALS_UNLESS_DECIDED), column.__file__, "exec"), namespace)
    STOCK_COLUMNS, block.columns_layout = block.columns_layout, namespace["columns_layout"]
    return True


import_weasyprint()
try:
    lay_out_columns_once()
except (ImportError, OSError):  # WeasyPrint cannot load: its users say so where they import it
    pass
