"""The sheet render cache under dist/.cache/sheets: content-addressed PDFs and a manifest of outputs."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from builder.cachecheck import (count, digest, fingerprint, fingerprint_of, inside, load_record, matches,
                                plain_name, text, unlink_links)
from builder.model import Objective, SourcePos
from builder.remember import remembered
from builder.output import atomic_write
from builder.sheets.environment import render_environment

MANIFEST = "manifest.json"
KEY = re.compile(r"[0-9a-f]{64}\Z")
FOLDER = re.compile(r"[0-9a-f]{2}\Z")
ARTIFACT = re.compile(r"([0-9a-f]{64})(\.pdf|\.json|\.article\.html|\.body\.pdf|\.layout\.json)\Z")
# What a render may keep beside its PDF: the article (for the topic's HTML page), the bare layout
# and where its anchors and page references are (for the topic PDF, builder/sheets/stamp.py).
STORED = (".pdf", ".article.html", ".body.pdf", ".layout.json")
OUTPUT_SUFFIXES = (".pdf", ".html")
SEVERITIES = ("error", "warning", "info")


def content_key(*parts: Any) -> str:
    """A sha256 over JSON-able parts and the render environment (fonts, library versions).

    Positions inside model nodes are left out (see model_data).
    """
    # the JSON of the list, written item by item: an objective's is kept while a watch runs
    text = "[" + ",".join([_json(render_environment()), *(
        remembered("model-json", p, lambda p=p: _json(model_data(p))) if isinstance(p, Objective)
        else _json(model_data(p)) for p in parts)]) + "]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def model_data(value: Any) -> Any:
    """A model node as plain data without SourcePos fields.

    Positions do not change what a sheet shows, and editing one objective shifts the lines of
    every objective after it in the same file: keying on them would re-render those too.
    """
    if isinstance(value, SourcePos):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: model_data(getattr(value, f.name)) for f in fields(value)
                if not isinstance(getattr(value, f.name), SourcePos)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [model_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): model_data(v) for k, v in value.items()}
    return value


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


@dataclass(frozen=True, slots=True)
class Entry:
    """What the store knows about one rendered PDF."""

    pages: int
    diagnostics: tuple[tuple[str, int, int, str, str, str], ...]  # (path, line offset, col, severity, rule, message)


def _quiet(_: str) -> None:
    return None


class SheetCache:
    """Rendered PDFs by key, and which key each output file was last written from.

    Everything read back from the cache folder is checked first (dist/ may come from a CI cache
    or an artifact): names must be plain file names, paths must stay inside their folder, and a
    stored file is used only while its size and sha256 are those recorded when it was written.
    Anything else is a miss, reported through `say`, never a traceback.
    """

    def __init__(self, root: Path, say: Callable[[str], None] = _quiet) -> None:
        self.root = root
        self.say = say
        self._checked: dict[str, Entry | None] = {}
        self._unlink_folder_links()
        self.manifest: dict[str, list[Any]] = self._load_manifest()

    def _report(self, what: str) -> None:
        self.say(f"sheets: cache: {what}")

    def _unlink_folder_links(self) -> None:
        """The cache folder, its parent and its entries are never links: a link is removed, not followed."""
        removed = unlink_links((self.root.parent, self.root))  # first: then root is listed, not followed
        if self.root.is_dir():
            removed += unlink_links(tuple(self.root.iterdir()))
        for path in removed:
            self._report(f"removed {path}, a link in the cache (never followed)")

    def _load_manifest(self) -> dict[str, list[Any]]:
        data = load_record(self.root / MANIFEST)
        if data is None:
            return {}
        if not isinstance(data, dict):
            self._report(f"ignored {MANIFEST}: not an object of output names")
            return {}
        manifest, ignored = {}, []
        for name, record in data.items():
            if plain_name(name) and name.endswith(OUTPUT_SUFFIXES) and _output_record(record):
                manifest[name] = record
            else:
                ignored.append(name)
        for name in ignored[:5]:
            self._report(f"ignored manifest entry {name!r} (not a sheet file name with its key, size "
                         "and sha256); nothing is read or removed for it")
        if len(ignored) > 5:
            self._report(f"ignored {len(ignored) - 5} more manifest entries")
        return manifest

    def pdf_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pdf"

    def article_path(self, key: str) -> Path:
        """An objective's rendered article, kept for its topic's standalone HTML."""
        return self.pdf_path(key).with_suffix(".article.html")

    def has(self, key: str) -> bool:
        """Whether a render of `key` is stored intact (checked once per build, then remembered)."""
        return self._verified(key) is not None

    def entry(self, key: str) -> Entry:
        found = self._verified(key)
        if found is None:
            raise KeyError(key)
        return found

    def _verified(self, key: str) -> Entry | None:
        if key not in self._checked:
            self._checked[key] = self._verify(key)
        return self._checked[key]

    def _verify(self, key: str) -> Entry | None:
        if not KEY.match(key):
            return None
        record = self.pdf_path(key).with_suffix(".json")
        if not record.exists() and not record.is_symlink():
            return None  # never stored: an ordinary miss
        data = load_record(record) if inside(record, self.root) else None
        entry, files = _entry_record(data)
        if entry is None:
            self._report(f"{key[:12]}: record not understood; rendering again")
            return None
        article = self.article_path(key)
        if ".article.html" not in files and (article.exists() or article.is_symlink()):
            files[".article.html"] = (-1, "")  # an article the record does not vouch for
        for suffix, (size, sha256) in files.items():
            path = self.pdf_path(key).with_suffix(suffix)
            if not inside(path, self.root) or not matches(path, size, sha256):
                self._report(f"{key[:12]}{suffix} differs from what was stored (size or sha256); "
                             "rendering again")
                return None
        return entry

    def part_path(self, key: str, suffix: str) -> Path:
        """A file kept beside a render (`.body.pdf`, `.layout.json`)."""
        return self.pdf_path(key).with_suffix(suffix)

    def store(self, key: str, pdf: bytes, entry: Entry, parts: dict[str, bytes] | None = None) -> Path:
        """Keep a render, recording the size and sha256 of the PDF, of its article if written,
        and of the `parts` kept beside it."""
        path = atomic_write(self.pdf_path(key), pdf)
        files = {".pdf": fingerprint(pdf)}
        for suffix, data in (parts or {}).items():
            atomic_write(self.part_path(key, suffix), data)
            files[suffix] = fingerprint(data)
        article = self.article_path(key)
        if article.is_file() and not article.is_symlink():
            files[".article.html"] = fingerprint_of(article)
        atomic_write(path.with_suffix(".json"), json.dumps(
            {"pages": entry.pages, "diagnostics": [list(d) for d in entry.diagnostics], "files": files}))
        self._checked[key] = entry
        return path

    def fresh(self, output: Path, key: str) -> bool:
        """Whether `output` is still the file last written from `key`, and that render is still stored."""
        recorded = self.manifest.get(output.name)
        if not recorded or recorded[0] != key or not self.has(key):
            return False
        return matches(output, recorded[1], recorded[2])

    def record(self, output: Path, key: str) -> None:
        self.manifest[output.name] = [key, *fingerprint_of(output)]

    def forget_except(self, keep: set[str], folder: Path) -> list[Path]:
        """Remove outputs of a previous build that this build no longer makes."""
        removed = []
        for name in sorted(set(self.manifest) - keep):
            del self.manifest[name]
            path = folder / name
            if not plain_name(name) or not inside(path.parent, folder) or path.is_symlink():
                self._report(f"left {name!r} alone: not a file this cache wrote in {folder}")
            elif path.is_file():
                path.unlink()
                removed.append(path)
        return removed

    def save(self) -> None:
        atomic_write(self.root / MANIFEST, json.dumps(self.manifest, sort_keys=True, indent=0))

    def prune(self, live: set[str]) -> None:
        """Drop stored renders no output refers to, so the cache does not grow without bound.

        Only files named as this cache names them, in real key folders, are ever removed.
        """
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder.is_symlink() or not folder.is_dir() or not FOLDER.match(folder.name):
                continue
            for path in list(folder.iterdir()):
                named = ARTIFACT.match(path.name)
                if named and named[1].startswith(folder.name) and named[1] not in live \
                        and (path.is_symlink() or path.is_file()):
                    path.unlink()
            if not any(folder.iterdir()):
                os.rmdir(folder)


def _output_record(record: object) -> bool:
    """A manifest value: [key, size, sha256] of the output file."""
    return (isinstance(record, list) and len(record) == 3 and digest(record[0]) and count(record[1])
            and digest(record[2]))


def _entry_record(data: object) -> tuple[Entry | None, dict[str, tuple[int, str]]]:
    """A stored render's record, checked field by field: (entry, {suffix: (size, sha256)})."""
    if not isinstance(data, dict) or not isinstance(data.get("pages"), int) or isinstance(data["pages"], bool) \
            or data["pages"] < 1 or not isinstance(data.get("diagnostics"), list) \
            or not isinstance(data.get("files"), dict):
        return None, {}
    diagnostics = []
    for d in data["diagnostics"]:
        if not (isinstance(d, list) and len(d) == 6 and text(d[0]) and isinstance(d[1], int)
                and count(d[2]) and d[3] in SEVERITIES and text(d[4]) and text(d[5])):
            return None, {}
        diagnostics.append(tuple(d))
    files = {}
    for suffix, value in data["files"].items():
        if suffix not in STORED or not (
                isinstance(value, list) and len(value) == 2 and count(value[0]) and digest(value[1])):
            return None, {}
        files[suffix] = (value[0], value[1])
    if ".pdf" not in files:
        return None, {}
    return Entry(data["pages"], tuple(diagnostics)), files  # type: ignore[arg-type]
