"""Skip a writer whose inputs have not changed since it last wrote outputs that are still there."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from builder import __version__
from builder.cachecheck import (count, digest, fingerprint_of, inside, load_record, matches, plain_name,
                                unlink_links)
from builder.config import BuildConfig
from builder.model import Guide
from builder.output import atomic_write
from builder.resources import templates_dir

# Writers whose every input is covered by the key below (the sheets writer keeps its own cache).
CACHED = ("json", "anki")
FOLDER = Path(".cache") / "writers"
RUN_ONLY = ("progress", "jobs")  # options that change how a build runs, not what it writes


class WriterCache:
    """One record per writer: the key of its inputs after it ran, and the size and sha256 of its outputs."""

    def __init__(self, guide: Guide, config: BuildConfig) -> None:
        self.config = config
        self.folder = config.output / FOLDER
        for link in unlink_links((self.folder.parent, self.folder)):
            config.progress(f"writers: cache: removed {link}, a link in the cache (never followed)")
        # The model is a function of the source bytes and the code (both in the key), so the
        # sources' digests stand for it without serializing the whole model.
        self.guide_digest = _sha(json.dumps([[s.path, s.sha256] for s in guide.sources] + [
            guide.root, guide.exam, guide.namespace, guide.version,
            [o.id for o in guide.objectives]]))
        self.images = [config.source_root / i.resolved for o in guide.objectives for i in o.images
                       if i.resolved and i.exists]

    def key(self, name: str) -> str:
        """Everything a deck or notes.json is made from, by content or by stat for files."""
        options = {k: str(v) for k, v in self.config.options.items() if k not in RUN_ONLY}
        files = [*_tree(Path(__file__).parent), *_tree(templates_dir()), *self.images]
        if self.config.options.get("templates_dir"):
            files += _tree(Path(str(self.config.options["templates_dir"])))
        if name == "anki":  # the deck reads (and updates) the identity ledger
            ledger = self.config.options.get("ledger") or self.config.source_root / "cheatdeck.lock"
            files.append(Path(str(ledger)))
        return _sha(json.dumps([name, __version__, self.guide_digest, options, list(self.config.only),
                                os.environ.get("SOURCE_DATE_EPOCH"), _stats(files)], sort_keys=True))

    def fresh(self, name: str) -> list[Path] | None:
        """The outputs of the last run, if its key still holds and each still has its recorded sha256.

        The record is untrusted (dist/ may come from a CI cache): output names must stay inside the
        output folder, and a record of any other shape is a miss, said in one line.
        """
        if name not in CACHED or self.config.options.get("release"):
            return None
        path = self.folder / f"{name}.json"
        if not path.exists() and not path.is_symlink():
            return None
        record = load_record(path) if inside(path, self.config.output) else None
        outputs = self._outputs(record)
        if outputs is None:
            self.config.progress(f"{name}: cache: {path} not understood; building again")
            return None
        if record["key"] != self.key(name):
            return None
        for output, size, sha256 in outputs:
            if not matches(output, size, sha256):
                self.config.progress(f"{name}: cache: {output} is not the file last written; building again")
                return None
        return [output for output, _, _ in outputs]

    def _outputs(self, record: Any) -> list[tuple[Path, int, str]] | None:
        """A record's outputs as (path inside the output folder, size, sha256), or None if malformed."""
        if not isinstance(record, dict) or not digest(record.get("key")) \
                or not isinstance(record.get("outputs"), list):
            return None
        outputs = []
        for item in record["outputs"]:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                    and count(item[1]) and digest(item[2])):
                return None
            relative = PurePosixPath(item[0])
            path = self.config.output / relative
            if relative.is_absolute() or not all(plain_name(part) for part in relative.parts) \
                    or not inside(path, self.config.output):
                return None
            outputs.append((path, item[1], item[2]))
        return outputs

    def remember(self, name: str, outputs: list[Path]) -> None:
        """Record the key as it stands after the run (a writer may have updated its ledger)."""
        if name not in CACHED:
            return
        try:
            files = [[p.relative_to(self.config.output).as_posix(), *fingerprint_of(p)] for p in outputs]
        except (ValueError, OSError):  # an output outside the folder, or gone: not reusable
            (self.folder / f"{name}.json").unlink(missing_ok=True)
            return
        atomic_write(self.folder / f"{name}.json", json.dumps({"key": self.key(name), "outputs": files}))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
        if folder.is_dir() else []


def _stats(paths: list[Path]) -> list[Any]:
    """Code and template files by stat: they change rarely, and a change of either re-keys."""
    out: list[Any] = []
    for path in paths:
        try:
            stat = path.stat()
            out.append([str(path), stat.st_size, stat.st_mtime_ns])
        except OSError:
            out.append([str(path), None])
    return out
