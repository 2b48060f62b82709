"""WeasyPrint imported with its native libraries found by the dynamic loader, not by a compiler.

WeasyPrint asks cffi for each library under several names (`libpango-1.0-0`, `pango-1.0-0`, …,
`libpango-1.0.so.0`). Every name the loader does not know sends cffi to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc` and `ld`: 54 processes,
more than half of a 1.2 s import, paid by every build that renders sheets. Each list holds the
library's soname, which the loader finds by itself. So when the loader can open every soname
WeasyPrint needs, `find_library` answers "not found" at once while WeasyPrint loads, and the same
library files are loaded (tests/test_sheets_weasy.py checks both).
"""

from __future__ import annotations

import ctypes
import ctypes.util
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


import_weasyprint()
