"""Release files in dist/: manifest.json, SHA256SUMS and removed.txt, and the flat release assets."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import zipfile
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from builder import __version__
from builder.config import BuildConfig
from builder.diagnostics import BuildError
from builder.epoch import epoch_set
from builder.model import Guide
from builder.output import atomic_write
from builder.version import guide_version, last_commit_time, source_commit

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
REMOVED = "removed.txt"
MANIFEST_FORMAT = 1  # bump when a field changes meaning
RESERVED = {MANIFEST, SUMS}
# Newer Anki exports hold a stub collection.anki2 beside the real collection.anki21.
APKG_COLLECTIONS = ("collection.anki21", "collection.anki2")
UNTAGGED = "untagged"


class ReleaseError(BuildError):
    """A release file cannot be made from what the build wrote."""


@contextmanager
def source_date_epoch(source_root: Path) -> Iterator[int | None]:
    """SOURCE_DATE_EPOCH for the writers: the caller's, else the source's last git commit time."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is not None:
        yield parse_epoch(given)
        return
    epoch = last_commit_time(source_root)
    if epoch is None:
        yield None
        return
    with epoch_set(epoch):
        yield epoch


def parse_epoch(text: str) -> int:
    """SOURCE_DATE_EPOCH as an int, or a clear error (the spec allows only decimal seconds)."""
    if not text.strip().isdigit():
        raise ReleaseError(f"SOURCE_DATE_EPOCH={text!r} is not a whole number of seconds since 1970")
    return int(text)


def build_time(epoch: int | None) -> str | None:
    """The build time as ISO 8601 UTC, from SOURCE_DATE_EPOCH only (never the clock)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_release(guide: Guide, config: BuildConfig, outputs: list[Path]) -> list[Path]:
    """Copy removed.txt to the top of dist/, then write manifest.json and SHA256SUMS over it all."""
    dist = config.output
    files = [p for p in outputs if p.name not in RESERVED or p.parent.resolve() != dist.resolve()]
    removed = copy_removed(dist, files)
    if removed is not None:
        files.append(removed)
    paths = sorted({relative_path(dist, p) for p in files})
    artifacts = [describe_artifact(dist, rel) for rel in paths]
    name_assets(artifacts)
    manifest_path = atomic_write(dist / MANIFEST, render_manifest(guide, config, artifacts))
    sums = {a["path"]: a["sha256"] for a in artifacts}
    sums[MANIFEST] = sha256_file(manifest_path)
    sums_path = atomic_write(dist / SUMS, render_sums(sums))
    version = guide.version or "unknown"
    if version.endswith("-dirty"):
        config.progress(f"release: warning: the source has uncommitted changes ({version})")
    left_out = unreleased_files(dist, set(paths))
    if left_out:
        config.progress(f"release: warning: not written by this build, so not released: "
                        f"{', '.join(left_out)}")
    config.progress(f"release: {len(artifacts)} artifact(s) in {manifest_path} and {sums_path}")
    return [p for p in (removed, manifest_path, sums_path) if p is not None]


def copy_removed(dist: Path, files: list[Path]) -> Path | None:
    """The identity ledger's removed.txt (written beside the decks) copied to the top of dist/."""
    nested = [p for p in files if p.name == REMOVED and p.parent.resolve() != dist.resolve()]
    decks = (dist / "anki").resolve()
    # A removed.txt that this build did not write may be stale: only the built decks' one counts.
    if nested:
        found = nested[0]
    elif any(p.resolve().parent == decks for p in files):
        found = dist / "anki" / REMOVED
    else:
        return None
    if not found.is_file():
        return None
    return atomic_write(dist / REMOVED, found.read_bytes())


def unreleased_files(dist: Path, released: set[str]) -> list[str]:
    """Files in dist/ that no writer returned: stale ones from older builds, or a writer's slip.

    Hidden folders (caches) and the release files themselves are not artifacts.
    """
    found = []
    for path in sorted(dist.rglob("*")):
        rel = path.relative_to(dist).as_posix()
        if path.is_file() and rel not in released and rel not in RESERVED \
                and not any(part.startswith(".") for part in rel.split("/")):
            found.append(rel)
    return found


def relative_path(dist: Path, path: Path) -> str:
    """An artifact's path relative to dist/, with forward slashes."""
    rel = Path(os.path.relpath(path.resolve(), dist.resolve())).as_posix()
    if rel.startswith("../") or rel == "..":
        raise ReleaseError(f"{path}: written outside the output folder {dist}; it cannot be released")
    if "\n" in rel or "\\" in rel:
        raise ReleaseError(f"{rel!r}: file names with newlines or backslashes cannot go in {SUMS}")
    return rel


def describe_artifact(dist: Path, rel: str) -> dict[str, object]:
    """Path, size, SHA-256, and what is inside: notes and cards per kind, or pages."""
    path = dist / rel
    data: dict[str, object] = {"path": rel, "size": path.stat().st_size,
                               "sha256": sha256_file(path), "type": path.suffix.lstrip(".").lower()}
    if data["type"] == "apkg":
        data.update(apkg_counts(path))
    elif data["type"] == "pdf":
        data["pages"] = pdf_pages(path)
    return data


def name_assets(artifacts: list[dict[str, object]]) -> None:
    """Give each artifact its name on the release page: the file name, or the path where needed.

    A release page is flat, so two different files with one name get their folder in the name;
    the same bytes under one name (like removed.txt) share one asset.
    """
    hashes: dict[str, set[object]] = {}
    for a in artifacts:
        hashes.setdefault(Path(str(a["path"])).name, set()).add(a["sha256"])
    for a in artifacts:
        name = Path(str(a["path"])).name
        unique = len(hashes[name]) == 1 and name not in RESERVED
        a["asset"] = name if unique else str(a["path"]).replace("/", "-")


def render_manifest(guide: Guide, config: BuildConfig, artifacts: list[dict[str, object]]) -> str:
    """manifest.json: what was built, from which guide commit, when, and every artifact."""
    epoch_text = os.environ.get("SOURCE_DATE_EPOCH")
    epoch = parse_epoch(epoch_text) if epoch_text is not None else None
    folder = config.source_root
    data = {
        "manifest_format": MANIFEST_FORMAT,
        "tool": {"name": "cheatdeck", "version": __version__},
        "guide": {"exam": guide.exam, "version": guide.version or guide_version(folder),
                  "commit": source_commit(folder),
                  "objectives": [o.id for o in guide.objectives]},
        "build": {"source_date_epoch": epoch, "time": build_time(epoch),
                  "formats": list(config.formats), "locked": bool(config.options.get("locked"))},
        "artifacts": artifacts,
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_sums(sums: dict[str, str]) -> str:
    """SHA256SUMS in the format `sha256sum -c` reads: hash, two spaces, path; sorted by path."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def apkg_counts(path: Path) -> dict[str, dict[str, int]]:
    """Notes and cards per kind (from `kind::NAME` tags) in an .apkg's sqlite collection."""
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
        names = set(archive.namelist())
        member = next((n for n in APKG_COLLECTIONS if n in names), None)
        if member is None:
            raise ReleaseError(f"{path}: no {' or '.join(APKG_COLLECTIONS)} inside; not a deck "
                               "this tool can count")
        db = Path(archive.extract(member, tmp))
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT n.tags, COUNT(c.id) FROM notes n "
                                      "LEFT JOIN cards c ON c.nid = n.id GROUP BY n.id").fetchall()
        finally:
            connection.close()
    notes: Counter[str] = Counter()
    cards: Counter[str] = Counter()
    for tags, card_count in rows:
        kind = note_kind(tags)
        notes[kind] += 1
        cards[kind] += card_count
    return {"notes": dict(sorted(notes.items())), "cards": dict(sorted(cards.items()))}


def note_kind(tags: str) -> str:
    """The NAME of the first `kind::NAME` tag (also inside a longer `a::kind::NAME`)."""
    for tag in tags.split():
        parts = tag.split("::")
        for i, part in enumerate(parts[:-1]):
            if part.lower() == "kind" and parts[i + 1]:
                return parts[i + 1]
    return UNTAGGED


def pdf_pages(path: Path) -> int:
    """The page count of a PDF, read back by the module that owns pypdf."""
    from builder.sheets.assemble import count_pages  # imported here: only release builds count pages

    return count_pages(path)


def stage_assets(dist: Path, dest: Path) -> list[Path]:
    """Copy the release into a flat folder, as the release page holds it, with its own SHA256SUMS.

    Each file is checked against manifest.json first, so a file changed after the build is never
    published. The SHA256SUMS written here names the assets, so a learner who downloads a few of
    them into one folder can run `sha256sum -c --ignore-missing SHA256SUMS`.
    """
    manifest_path = dist / MANIFEST
    if not manifest_path.is_file():
        raise ReleaseError(f"{manifest_path}: missing; build with 'cheatdeck build --release' first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    sums: dict[str, str] = {}
    staged: list[Path] = []
    for artifact in manifest["artifacts"]:
        name, digest = str(artifact["asset"]), str(artifact["sha256"])
        if "/" in name or name in {"", ".", ".."} | RESERVED:
            raise ReleaseError(f"{manifest_path}: {name!r} is not a release asset name")
        if sums.get(name, digest) != digest:
            raise ReleaseError(f"two different files would both be published as {name!r}")
        data = (dist / str(artifact["path"])).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ReleaseError(f"{dist / str(artifact['path'])}: changed since {MANIFEST} was "
                               "written; build the release again")
        if name not in sums:
            staged.append(atomic_write(dest / name, data))
        sums[name] = digest
    staged.append(atomic_write(dest / MANIFEST, manifest_path.read_bytes()))
    sums[MANIFEST] = sha256_file(manifest_path)
    staged.append(atomic_write(dest / SUMS, render_sums(sums)))
    return staged


def main(argv: list[str] | None = None) -> int:
    """`python -m builder.release DIST DEST`: stage a built release for upload (used by CI)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m builder.release DIST DEST", file=sys.stderr)
        return 2
    try:
        staged = stage_assets(Path(args[0]), Path(args[1]))
    except BuildError as exc:
        print(f"cheatdeck: error: {exc}", file=sys.stderr)
        return 1
    for path in staged:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
