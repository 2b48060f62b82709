"""Links from a card or a sheet entry back to the guide line it came from, pinned to a commit.

The template comes from the project file's `source_url`, else from the git remote of the guide's
checkout (GitHub, GitLab, Codeberg); with neither, or outside git, there are no links.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from builder.model import SourcePos
from builder.version import repository_root, remote_url, source_commit

# The placeholders a `source_url` template may hold.
PLACEHOLDERS = ("commit", "path", "line")
# Each forge's blob URL for one line of a file at one commit.
FORGES = {
    "github.com": "https://github.com/{repo}/blob/{{commit}}/{{path}}#L{{line}}",
    "gitlab.com": "https://gitlab.com/{repo}/-/blob/{{commit}}/{{path}}#L{{line}}",
    "codeberg.org": "https://codeberg.org/{repo}/src/commit/{{commit}}/{{path}}#L{{line}}",
}
# https://host/owner/repo(.git), git@host:owner/repo(.git), ssh://git@host(:port)/owner/repo(.git)
_REMOTE = re.compile(r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/"
                     r"|[^@/]+@(?P<scp>[^:/]+):)(?P<repo>[^?#]+?)(?:\.git)?/?$")

# owner/name, or group/subgroup/name on GitLab: nothing a URL or a format string would read
_REPO = re.compile(r"[\w.-]+(?:/[\w.-]+)+")


def template_for_remote(url: str | None) -> str | None:
    """The link template for a git remote URL, or None when its host is not a known forge."""
    found = _REMOTE.match((url or "").strip())
    if not found:
        return None
    host = (found.group("host") or found.group("scp") or "").lower()
    repo = found.group("repo").strip("/")
    if host not in FORGES or not _REPO.fullmatch(repo) or ".." in repo.split("/"):
        return None
    return FORGES[host].format(repo=repo)


def check_template(template: str) -> str | None:
    """What is wrong with a `source_url` template, or None when it can be used."""
    if template and not template.startswith(("https://", "http://")):
        return "must start with https:// (or be empty for no links)"
    for name in re.findall(r"{([^{}]*)}", template):
        if name not in PLACEHOLDERS:
            return f"unknown placeholder {{{name}}} (use {{commit}}, {{path}} and {{line}})"
    if template and "{path}" not in template:
        return "must contain {path}"
    return None


@dataclass(frozen=True, slots=True)
class SourceLinks:
    """How a source position becomes a URL for one build: a template, a commit and the checkout."""

    template: str  # with {commit}, {path} and {line}
    commit: str
    root: Path  # the repository's top folder, absolute
    _paths: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def url(self, pos: SourcePos | None) -> str | None:
        """The URL of the line `pos` names, or None for a file outside the repository."""
        if pos is None or not pos.path:
            return None
        path = self._paths.get(pos.path, "")
        if path == "":
            path = self._paths.setdefault(pos.path, self._relative(pos.path))
        if path is None:
            return None
        return self.template.format(commit=self.commit, path=quote(path), line=pos.line)

    def _relative(self, given: str) -> str | None:
        rel = Path(os.path.relpath(Path(given).resolve(), self.root))
        return None if rel.parts[:1] == ("..",) else rel.as_posix()


def source_links(folder: Path, configured: str | None = None) -> SourceLinks | None:
    """The links of a build from `folder`: the project's template (empty: none), else the
    remote's; None outside a git checkout."""
    root = repository_root(folder)
    commit = source_commit(folder) if root else None
    if root is None or commit is None:
        return None
    template = configured if configured is not None else template_for_remote(remote_url(folder))
    if not template:
        return None
    return SourceLinks(template, commit, root.resolve())
