"""The sheet render cache under dist/.cache/sheets: content-addressed PDFs and a manifest of outputs."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from builder.model import SourcePos
from builder.output import atomic_write

MANIFEST = "manifest.json"


def content_key(*parts: Any) -> str:
    """A sha256 over JSON-able parts; positions inside model nodes are left out (see model_data)."""
    text = json.dumps([model_data(p) for p in parts], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


class SheetCache:
    """Rendered PDFs by key, and which key each output file was last written from."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest: dict[str, list[Any]] = self._load_manifest()

    def _load_manifest(self) -> dict[str, list[Any]]:
        try:
            data = json.loads((self.root / MANIFEST).read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def pdf_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pdf"

    def has(self, key: str) -> bool:
        path = self.pdf_path(key)
        return path.is_file() and path.with_suffix(".json").is_file()

    def article_path(self, key: str) -> Path:
        """An objective's rendered article, kept for its topic's standalone HTML."""
        return self.pdf_path(key).with_suffix(".article.html")

    def entry(self, key: str) -> Entry:
        data = json.loads(self.pdf_path(key).with_suffix(".json").read_text("utf-8"))
        return Entry(data["pages"], tuple(tuple(d) for d in data["diagnostics"]))  # type: ignore[misc]

    def store(self, key: str, pdf: bytes, entry: Entry) -> Path:
        path = atomic_write(self.pdf_path(key), pdf)
        atomic_write(path.with_suffix(".json"), json.dumps(
            {"pages": entry.pages, "diagnostics": [list(d) for d in entry.diagnostics]}))
        return path

    def fresh(self, output: Path, key: str) -> bool:
        """Whether `output` is still the file last written from `key`, untouched since."""
        recorded = self.manifest.get(output.name)
        if not recorded or recorded[0] != key:
            return False
        try:
            stat = output.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == recorded[1:]

    def record(self, output: Path, key: str) -> None:
        stat = output.stat()
        self.manifest[output.name] = [key, stat.st_size, stat.st_mtime_ns]

    def forget_except(self, keep: set[str], folder: Path) -> list[Path]:
        """Remove outputs of a previous build that this build no longer makes."""
        removed = []
        for name in sorted(set(self.manifest) - keep):
            path = folder / name
            if path.is_file():
                path.unlink()
                removed.append(path)
            del self.manifest[name]
        return removed

    def save(self) -> None:
        atomic_write(self.root / MANIFEST, json.dumps(self.manifest, sort_keys=True, indent=0))

    def prune(self, live: set[str]) -> None:
        """Drop stored renders no output refers to, so the cache does not grow without bound."""
        for path in self.root.glob("*/*.pdf"):
            if path.stem not in live:
                for suffix in (".pdf", ".json", ".article.html"):
                    path.with_suffix(suffix).unlink(missing_ok=True)
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder.is_dir() and not any(folder.iterdir()):
                os.rmdir(folder)
