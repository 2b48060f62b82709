"""Release files in dist/: manifest.json, SHA256SUMS and removed.txt, and the flat release assets."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from builder import __version__
from builder.artifacts import Artifact
from builder.context import BuildContext
from builder.diagnostics import BuildError
from builder.model import Guide
from builder.output import atomic_write
from builder.release_notes import CHANGES, Changes, manifest_section, release_changes, render_changes
from builder.version import guide_version, source_commit

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
REMOVED = "removed.txt"
MANIFEST_FORMAT = 1  # bump when a field changes meaning
RESERVED = {MANIFEST, SUMS}  # CHANGES.md is an artifact like any other


class ReleaseError(BuildError):
    """A release file cannot be made from what the build wrote."""


def write_release(guide: Guide, ctx: BuildContext, written: list[Artifact]) -> list[Artifact]:
    """Copy removed.txt to the top of dist/, then write manifest.json and SHA256SUMS over it all.

    Sizes, hashes, note, card and page counts come from what the writers returned: no built
    file is opened again.
    """
    dist = ctx.output
    files = [a for a in written if a.path.name not in RESERVED or a.path.parent.resolve() != dist.resolve()]
    removed = copy_removed(dist, files)
    if removed is not None:
        files.append(removed)
    changes = release_changes(ctx.source_root, ctx.ledger) if "anki" in ctx.formats else None
    notes = None
    if changes is not None:
        text = render_changes(guide, changes, guide.version or guide_version(ctx.source_root))
        data = text.encode("utf-8")
        notes = Artifact.of(atomic_write(dist / ctx.named(CHANGES), data), data)
        files.append(notes)
    by_path = {relative_path(dist, a.path): a for a in files}
    artifacts = [{"path": rel, **by_path[rel].metadata()} for rel in sorted(by_path)]
    name_assets(artifacts)
    manifest = render_manifest(guide, ctx, artifacts, changes).encode("utf-8")
    manifest_path = atomic_write(dist / MANIFEST, manifest)
    sums = {str(a["path"]): str(a["sha256"]) for a in artifacts}
    sums[MANIFEST] = hashlib.sha256(manifest).hexdigest()
    sums_text = render_sums(sums).encode("utf-8")
    sums_path = atomic_write(dist / SUMS, sums_text)
    version = guide.version or "unknown"
    if version.endswith("-dirty"):
        ctx.progress(f"release: warning: the source has uncommitted changes ({version})")
    left_out = unreleased_files(dist, set(by_path))
    if left_out:
        ctx.progress(f"release: warning: not written by this build, so not released: "
                     f"{', '.join(left_out)}")
    ctx.progress(f"release: {len(artifacts)} artifact(s) in {manifest_path} and {sums_path}")
    made = [Artifact.of(manifest_path, manifest), Artifact.of(sums_path, sums_text)]
    return [a for a in (removed, notes) if a is not None] + made


def copy_removed(dist: Path, files: list[Artifact]) -> Artifact | None:
    """The identity ledger's removed.txt (written beside the decks) copied to the top of dist/."""
    nested = [a.path for a in files if a.path.name == REMOVED and a.path.parent.resolve() != dist.resolve()]
    decks = (dist / "anki").resolve()
    # A removed.txt that this build did not write may be stale: only the built decks' one counts.
    if nested:
        found = nested[0]
    elif any(a.path.resolve().parent == decks for a in files):
        found = dist / "anki" / REMOVED
    else:
        return None
    if not found.is_file():
        return None
    data = found.read_bytes()
    return Artifact.of(atomic_write(dist / REMOVED, data), data)


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


def render_manifest(guide: Guide, ctx: BuildContext, artifacts: list[dict[str, object]],
                    changes: Changes | None = None) -> str:
    """manifest.json: what was built, from which guide commit, when, every artifact and, with a
    ledger, the notes changed since the previous release."""
    folder = ctx.source_root
    data = {
        "manifest_format": MANIFEST_FORMAT,
        "tool": {"name": "cheatdeck", "version": __version__},
        "guide": {"exam": guide.exam, "version": guide.version or guide_version(folder),
                  "commit": source_commit(folder),
                  "objectives": [o.id for o in guide.objectives]},
        "build": {"source_date_epoch": ctx.time.epoch, "time": ctx.time.iso,
                  "formats": list(ctx.formats), "locked": ctx.locked},
        "artifacts": artifacts,
    }
    if changes is not None:
        data["changes"] = manifest_section(guide, changes)
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
