"""Skip a writer whose inputs have not changed since it last wrote outputs that are still there."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from builder import __version__
from builder.artifacts import Artifact
from builder.cachecheck import count, digest, inside, load_record, matches, plain_name, unlink_links
from builder.context import BuildContext
from builder.model import Guide
from builder.output import atomic_write
from builder.resources import templates_dir

# Writers whose every input is covered by the key below (the sheets writer keeps its own cache).
CACHED = ("json", "anki")
FOLDER = Path(".cache") / "writers"
COUNTS = ("notes", "cards")  # what a deck artifact records besides its size and sha256


class WriterCache:
    """One record per writer: the key of its inputs after it ran, and the size and sha256 of its outputs."""

    def __init__(self, guide: Guide, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.folder = ctx.output / FOLDER
        for link in unlink_links((self.folder.parent, self.folder)):
            ctx.progress(f"writers: cache: removed {link}, a link in the cache (never followed)")
        # The model is a function of the source bytes and the code (both in the key), so the
        # sources' digests stand for it without serializing the whole model.
        self.guide_digest = _sha(json.dumps([[s.path, s.sha256] for s in guide.sources] + [
            guide.root, guide.exam, guide.namespace, guide.version,
            [o.id for o in guide.objectives]]))
        self.images = [ctx.source_root / i.resolved for o in guide.objectives for i in o.images
                       if i.resolved and i.exists]

    def key(self, name: str) -> str:
        """Everything a deck or notes.json is made from, by content or by stat for files."""
        options = self.ctx.options.get(name)
        typed = asdict(options) if is_dataclass(options) and not isinstance(options, type) else None
        files = [*_tree(Path(__file__).parent), *_tree(templates_dir()), *self.images]
        if self.ctx.templates:
            files += _tree(self.ctx.templates)
        if name == "anki":  # the deck reads (and updates) the identity ledger
            files.append(self.ctx.ledger)
        return _sha(json.dumps([name, __version__, self.guide_digest, typed, str(self.ctx.ledger),
                                self.ctx.locked, list(self.ctx.only), self.ctx.time.epoch,
                                _stats(files)], sort_keys=True, default=str))

    def fresh(self, name: str) -> list[Artifact] | None:
        """The outputs of the last run, if its key still holds and each still has its recorded sha256.

        The record is untrusted (dist/ may come from a CI cache): output names must stay inside the
        output folder, and a record of any other shape is a miss, said in one line.
        """
        if name not in CACHED or self.ctx.release:
            return None
        path = self.folder / self.ctx.named(f"{name}.json")
        if not path.exists() and not path.is_symlink():
            return None
        record = load_record(path) if inside(path, self.ctx.output) else None
        outputs = self._outputs(record)
        if outputs is None:
            self.ctx.progress(f"{name}: cache: {path} not understood; building again")
            return None
        if record["key"] != self.key(name):
            return None
        for output in outputs:
            if not matches(output.path, output.size, output.sha256):
                self.ctx.progress(f"{name}: cache: {output.path} is not the file last written; "
                                  "building again")
                return None
        return outputs

    def _outputs(self, record: Any) -> list[Artifact] | None:
        """A record's outputs as artifacts inside the output folder, or None if malformed."""
        if not isinstance(record, dict) or not digest(record.get("key")) \
                or not isinstance(record.get("outputs"), list):
            return None
        outputs = []
        for item in record["outputs"]:
            if not (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str)
                    and count(item[1]) and digest(item[2]) and _counts(item[3])):
                return None
            relative = PurePosixPath(item[0])
            path = self.ctx.output / relative
            if relative.is_absolute() or not all(plain_name(part) for part in relative.parts) \
                    or not inside(path, self.ctx.output):
                return None
            outputs.append(Artifact(path, item[1], item[2], **item[3]))
        return outputs

    def remember(self, name: str, outputs: list[Artifact]) -> None:
        """Record the key as it stands after the run (a writer may have updated its ledger)."""
        if name not in CACHED:
            return
        try:
            files = [[a.path.relative_to(self.ctx.output).as_posix(), a.size, a.sha256,
                      {k: getattr(a, k) for k in COUNTS if getattr(a, k) is not None}] for a in outputs]
        except ValueError:  # an output outside the folder: not reusable
            (self.folder / self.ctx.named(f"{name}.json")).unlink(missing_ok=True)
            return
        atomic_write(self.folder / self.ctx.named(f"{name}.json"), json.dumps({"key": self.key(name), "outputs": files}))


def _counts(value: Any) -> bool:
    """A recorded artifact's counts: {"notes"|"cards": {kind: whole number}}."""
    return isinstance(value, dict) and set(value) <= set(COUNTS) and all(
        isinstance(per, dict) and all(isinstance(k, str) and count(v) for k, v in per.items())
        for per in value.values())


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
