"""Fenced shell blocks to command groups: purpose comments and the command lines under them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from builder.model import CommandGroup, CommandLine, GroupKind, SourcePos
from builder.reader.shellwords import (PROMPT, ROOT_PROMPT, comment_is_prose, is_banner, is_label_comment,
                                       is_root_session)

SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console", "zsh", "shell-session", "terminal", "ksh",
                   "fish", "bash-session", "sh-session", "shellsession"}
_DISABLED = re.compile(r"^#([a-z./~$][\w./+~-]*)(\s|$)")
_PATH = re.compile(r"^(?:~|\.{1,2})?/[^\s;|&<>$`'\"]*$")
_TREE = re.compile("[\u2500-\u257f]")


@dataclass(slots=True)
class _Group:
    purpose: list[str] = field(default_factory=list)
    purpose_line: int | None = None
    lines: list[CommandLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CommandBlock:
    """What one shell fence holds."""

    groups: tuple[CommandGroup, ...]
    orphan_purposes: tuple[tuple[str, int], ...]  # comments with no command under them
    comment_only_line: int | None  # the block holds nothing but comments (a stub)


def is_tree_listing(content: str) -> bool:
    """A directory tree drawn with box characters is a listing, not commands."""
    return bool(_TREE.search(content))


def parse_command_block(content: str, language: str, path: str, first_line: int, *,
                        section: str | None, important: bool, lead_in: str | None,
                        card_key: str | None,
                        naming: Callable[[list[str]], str | None] | None = None) -> CommandBlock:
    """A shell fence: `# purpose` comments, each followed by its command lines; blank lines end a group.

    `lead_in` is the first group's purpose when it has no comment; `naming` finds, for any other
    group without one, the sentence before the block that names its programs or files."""
    console = language.lower() in {"console", "shell-session", "bash-session", "sh-session",
                                   "shellsession", "terminal"} or any(
        PROMPT.match(line) for line in content.splitlines()) or is_root_session(content.split("\n"))
    groups: list[_Group] = []
    current = _Group()
    orphans: list[tuple[str, int]] = []
    pending: list[str] = []
    pending_line = 0
    comments = 0
    content_lines = content.split("\n")
    for offset, raw in enumerate(content_lines):
        lineno = first_line + 1 + offset
        if pending:
            pending.append(raw)
            if not raw.rstrip().endswith("\\"):
                current.lines.append(CommandLine("\n".join(pending), SourcePos(path, pending_line)))
                pending = []
            continue
        stripped = raw.strip()
        if not stripped:
            current = _close(current, groups, orphans)
            continue
        if stripped.startswith("#!"):
            continue
        if console and stripped[0] == "#" and ROOT_PROMPT.match(raw) and not comment_is_prose(stripped[1:]):
            raw = raw[ROOT_PROMPT.match(raw).end():]  # `# cmd`: a root prompt among prompted lines
            stripped = raw.strip()
        text = stripped.lstrip("#").strip()
        # `#ip addr show` among other commented-out commands is one too; alone it is a purpose
        after_disabled = bool(current.lines) and current.lines[-1].disabled
        disabled = _DISABLED.match(stripped) if stripped[0] == "#" and (
            after_disabled or not comment_is_prose(text)) else None
        if stripped.startswith("#") and not disabled:
            comments += 1
            if is_label_comment(text):  # `# Example 2:` another way to do what the purpose says
                purpose = current.purpose or (groups[-1].purpose if groups else [])
                if current.lines:
                    current = _close(current, groups, orphans)
                if not current.purpose and purpose:
                    current.purpose, current.purpose_line = list(purpose), lineno
                continue
            if current.lines or is_banner(text):
                current = _close(current, groups, orphans)
            if text and not is_banner(text):
                current.purpose.append(text)
                current.purpose_line = current.purpose_line or lineno
            continue
        if disabled:
            current.lines.append(CommandLine(stripped[1:], SourcePos(path, lineno), disabled=True))
            continue
        if console:
            prompt = PROMPT.match(raw)
            if not prompt:
                continue  # output of the command above
            raw = raw[prompt.end():]
        if raw.rstrip().endswith("\\"):
            pending = [raw.rstrip()]
            pending_line = lineno
            continue
        current.lines.append(CommandLine(raw.rstrip(), SourcePos(path, lineno)))
    if pending:
        current.lines.append(CommandLine("\n".join(pending), SourcePos(path, pending_line)))
    _close(current, groups, orphans)
    comment_only = None
    if not groups and comments:
        comment_only = orphans[0][1] if orphans else first_line + 1
        orphans = []
    built = tuple(_build(g, i == 0 and lead_in or (naming and not g.purpose and naming(
                         [line.text for line in g.lines])), language, section, important, path,
                         card_key if i == 0 else None) for i, g in enumerate(groups))
    return CommandBlock(built, tuple(orphans), comment_only)


def _close(group: _Group, groups: list[_Group], orphans: list[tuple[str, int]]) -> _Group:
    if group.lines:
        groups.append(group)
    elif group.purpose and comment_is_prose(" ".join(group.purpose)):
        orphans.append((" ".join(group.purpose), group.purpose_line or 0))  # output shown as a comment is none
    return _Group()


def _build(group: _Group, lead_in: str | None | bool, language: str, section: str | None,
           important: bool, path: str, card_key: str | None) -> CommandGroup:
    if group.purpose:
        purpose, source = " ".join(group.purpose), "comment"
    elif isinstance(lead_in, str) and lead_in:
        purpose, source = lead_in, "lead-in"
    else:
        purpose, source = None, "none"
    texts = [line.normalized for line in group.lines]
    kind = GroupKind.FILES if texts and all(_PATH.match(t) for t in texts) else GroupKind.COMMANDS
    line = group.purpose_line or group.lines[0].pos.line
    return CommandGroup(purpose, source, tuple(group.lines), kind, language, section, important,
                        SourcePos(path, line), card_key)
