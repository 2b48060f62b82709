"""What besides the guide decides how a sheet renders: the fonts fontconfig picks, library versions
and cheatdeck's own code."""

from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import os
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from builder.resources import templates_dir

# Python libraries whose output lands in a sheet PDF (layout, PDF writing, font subsetting, code
# colours, images, the topic join); each version is part of every sheet's cache key.
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pygments", "pypdf", "pillow")
# Native libraries WeasyPrint lays text out with: (candidate sonames, version function, returns text).
NATIVE = {
    "pango": (("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"), "pango_version_string", True),
    "harfbuzz": (("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"), "hb_version_string", True),
    "fontconfig": (("libfontconfig.so.1", "libfontconfig.1.dylib"), "FcGetVersion", False),
}
GENERIC = ("serif", "sans-serif", "monospace", "emoji")  # fontconfig falls back through these
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
FAMILY_DECLARATION = re.compile(r"font(?:-family)?\s*:([^;}]*)", re.IGNORECASE)
QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'")


@functools.cache
def render_environment() -> str:
    """A digest of library versions and fonts, made once per process (no WeasyPrint import)."""
    return hashlib.sha256(json.dumps({
        "libraries": {name: _version(name) for name in LIBRARIES},
        "native": {name: _native_version(*spec) for name, spec in NATIVE.items()},
        "fonts": font_fingerprint(),
        "code": code_digest(),
    }, sort_keys=True).encode("utf-8")).hexdigest()


def code_digest() -> str:
    """A digest of cheatdeck's own modules: a checkout whose code changed (without a new version
    number) renders its sheets again rather than reusing renders of the code before. Reading the
    package's files takes a few milliseconds, once per process."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def font_fingerprint() -> str:
    """The files fontconfig picks for each family the sheet CSS names, and every font it knows.

    A file is known by path, size and mtime: installing, removing or updating a font (the colour
    emoji font, a CJK font found by fallback) or a fontconfig rule that changes a pick changes this.
    """
    found = _fontconfig(css_families())
    picks, files = found if found is not None else ({}, _font_files())
    return hashlib.sha256(json.dumps({"picks": {f: _stat(p) for f, p in sorted(picks.items())},
                                      "files": [_stat(f) for f in files]}).encode("utf-8")).hexdigest()


def css_families() -> list[str]:
    """Font families named in the built-in sheet stylesheets, and the generic fallbacks."""
    families = set(GENERIC)
    for css in sorted((templates_dir() / "sheets").glob("*.css")):
        for declaration in FAMILY_DECLARATION.findall(css.read_text("utf-8", errors="replace")):
            families.update(a or b for a, b in QUOTED.findall(declaration))
            families.update(word for word in re.findall(r"[\w-]+", declaration) if word in GENERIC)
    return sorted(families)


class _FontSet(ctypes.Structure):
    """fontconfig's FcFontSet: nfont patterns at fonts."""

    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int),
                ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def _fontconfig(families: list[str]) -> tuple[dict[str, str], list[str]] | None:
    """Asked of libfontconfig in this process (as Pango will ask it): each family's pick, every font file."""
    lib = _library(NATIVE["fontconfig"][0])
    if lib is None:
        return None
    p, s = ctypes.c_void_p, ctypes.c_char_p
    for name, restype, argtypes in (
            ("FcInitLoadConfigAndFonts", p, []), ("FcNameParse", p, [s]),
            ("FcConfigSubstitute", ctypes.c_int, [p, p, ctypes.c_int]), ("FcDefaultSubstitute", None, [p]),
            ("FcFontMatch", p, [p, p, ctypes.POINTER(ctypes.c_int)]),
            ("FcPatternGetString", ctypes.c_int, [p, s, ctypes.c_int, ctypes.POINTER(s)]),
            ("FcPatternDestroy", None, [p]), ("FcConfigDestroy", None, [p]),
            ("FcConfigGetFonts", ctypes.POINTER(_FontSet), [p, ctypes.c_int])):
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes

    def file_of(pattern: int | None) -> str:
        value = ctypes.c_char_p()
        if not pattern or lib.FcPatternGetString(pattern, b"file", 0, ctypes.byref(value)) != 0:
            return ""
        return os.fsdecode(value.value or b"")

    config = lib.FcInitLoadConfigAndFonts()
    if not config:
        return None
    try:
        picks = {}
        for family in families:
            pattern = lib.FcNameParse(family.encode("utf-8"))
            lib.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
            lib.FcDefaultSubstitute(pattern)
            match = lib.FcFontMatch(config, pattern, ctypes.byref(ctypes.c_int()))
            picks[family] = file_of(match)
            for pointer in (match, pattern):
                if pointer:
                    lib.FcPatternDestroy(pointer)
        fonts = lib.FcConfigGetFonts(config, 0)  # FcSetSystem
        listed = fonts.contents if fonts else _FontSet()
        files = sorted({file_of(listed.fonts[i]) for i in range(listed.nfont)})
        return picks, files
    finally:
        lib.FcConfigDestroy(config)


def _font_files() -> list[str]:
    """Without fontconfig's tools: every file under the usual font folders."""
    found: list[str] = []
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if root.is_dir():
            found.extend(str(p) for p in root.rglob("*") if p.is_file())
    return sorted(found)


def _stat(path: str) -> list[object]:
    try:
        stat = os.stat(path)
        return [path, stat.st_size, stat.st_mtime_ns]
    except OSError:
        return [path, None]


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


def _library(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _native_version(names: tuple[str, ...], function: str, text: bool) -> str:
    lib = _library(names)
    call = getattr(lib, function, None) if lib is not None else None
    if call is None:
        return "missing"
    call.restype = ctypes.c_char_p if text else ctypes.c_int
    value = call()
    return value.decode("ascii", "replace") if text else str(value)
