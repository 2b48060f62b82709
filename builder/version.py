"""The guide's version, commit and last commit time, read from git when the source is a checkout."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT = 30  # seconds; git answers in milliseconds, a hang means something else is wrong


def source_folder(sources: list[str]) -> Path:
    """The folder git is asked about: the first source, or the folder holding it."""
    first = Path(sources[0]) if sources else Path(".")
    return first if first.is_dir() else first.parent


def guide_version(folder: Path) -> str | None:
    """`git describe --tags --always --dirty` of the folder: a tag, a tag plus commits, or a hash.

    `describe --dirty` refreshes the index under .git/index.lock whatever the optional-locks
    setting, so a commit running beside the build could fail; `status` honours
    --no-optional-locks and tells the same (tracked files changed, untracked ones ignored).
    """
    described = _git(folder, "describe", "--tags", "--always")
    if described is None:
        return None
    changed = _git(folder, "status", "--porcelain", "--untracked-files=no", "--ignore-submodules=none")
    return f"{described}-dirty" if changed else described


def source_commit(folder: Path) -> str | None:
    """The full hash of the checked-out commit."""
    return _git(folder, "rev-parse", "HEAD")


def repository_root(folder: Path) -> Path | None:
    """The top folder of the git checkout holding `folder`."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    return Path(top) if top else None


def remote_url(folder: Path) -> str | None:
    """The URL of the checkout's `origin` remote, else of its first remote."""
    found = _git(folder, "remote", "get-url", "origin")
    if found:
        return found
    names = (_git(folder, "remote") or "").split()
    return _git(folder, "remote", "get-url", names[0]) if names else None


def last_commit_time(folder: Path) -> int | None:
    """Unix time of the last commit that touched the folder (else of HEAD), for SOURCE_DATE_EPOCH.

    Limiting the log to the folder keeps a build time that changes only when the guide does.
    """
    stamp = _git(folder, "log", "-1", "--format=%ct", "--", ".") or _git(folder, "log", "-1",
                                                                          "--format=%ct")
    return int(stamp) if stamp and stamp.isdigit() else None


def git_output(folder: Path, *args: str) -> str | None:
    """What a read-only git command prints in `folder`, trimmed; None outside a checkout."""
    return _git(folder, *args)


def _git(folder: Path, *args: str) -> str | None:
    """Git's trimmed output, or None outside a checkout or without git."""
    if not folder.is_dir():
        return None
    try:
        # A build only reads git: it must never hold the index lock a commit running beside it needs.
        done = subprocess.run(["git", "--no-optional-locks", "-C", str(folder), *args],
                              capture_output=True, text=True, check=False, timeout=GIT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None
