"""The project file: `cheatdeck.toml` (or `[tool.cheatdeck]` in pyproject.toml) beside the guide.

It holds what a maintainer sets once; command-line options override it. Relative paths in it are
relative to the file's folder, which is also the source root when it lists `sources`.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.config import OPTION_VALUES
from builder.diagnostics import BuildError
from builder.media import MediaRejected, read_bounded
from builder.reader import GuideSettings
from builder.reader.vocabulary import supported
from builder.sourcelinks import check_template

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAME = "cheatdeck.toml"
MAX_PROJECT_BYTES = 1024 * 1024  # a project file is a few lines
PYPROJECT = "pyproject.toml"
LANGUAGES = supported()  # BCP 47 tags of the languages cheatdeck reads
# key -> (type, what it is); the README's "Project file" section documents the same keys.
KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "sources": (list, "guide files or globs, relative to this file"),
    "exam": (str, "certification and exam, e.g. \"LPIC-3 305-300\" (tags, deck and file names)"),
    "deck": (str, "name of the top-level Anki deck (default: the exam)"),
    "language": (str, "language of the guide, a BCP 47 tag"),
    "languages": (dict, "language per source: a table of file globs to BCP 47 tags"),
    "paper": (str, "a4 or letter"),
    "orientation": (str, "landscape or portrait"),
    "ledger": (str, "identity ledger file, relative to this file"),
    "output": (str, "output folder, relative to this file"),
    "source_url": (str, "link from each card and sheet entry to its guide line: a URL template "
                        "with {commit}, {path} and {line} (default: from the git remote; empty: none)"),
    "writers": (dict, "options of one output format: a [writers.NAME] table of its option fields"),
}
CHOICES = {"paper": OPTION_VALUES["paper"], "orientation": OPTION_VALUES["orientation"],
           "language": LANGUAGES}


class ConfigError(BuildError):
    """A project file that cannot be used: shown as `file:line: error: …`."""


@dataclass(frozen=True, slots=True)
class Project:
    """The settings of a project file, paths resolved against its folder."""

    path: Path  # the file read
    folder: Path  # its folder, as reachable from the current folder
    sources: tuple[str, ...] = ()  # guide files (globs expanded), as paths from the current folder
    exam: str | None = None
    deck: str | None = None
    language: str | None = None
    languages: tuple[tuple[str, str], ...] = ()  # (glob, tag) in the order written
    paper: str | None = None
    orientation: str | None = None
    ledger: str | None = None
    output: str | None = None
    source_url: str | None = None  # None: from the git remote; "": no source links
    writers: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()  # [writers.NAME] tables

    def writer_tables(self) -> dict[str, dict[str, Any]]:
        return {name: dict(items) for name, items in self.writers}


def find_project(sources: list[str], default_source: str) -> Project | None:
    """The project file for a command: in the current folder when no source is named (then in
    the default source folder), else in the folder of the first source."""
    if sources:
        first = Path(sources[0])
        folders = [first if first.is_dir() else first.parent]
    else:
        folders = [Path("."), Path(default_source)]
    for folder in folders:
        for name in (CONFIG_NAME, PYPROJECT):
            candidate = folder / name
            try:
                present = candidate.is_file()
            except OSError:  # an unreadable folder: the reader says so about the guide itself
                present = False
            if present:
                project = load_project(candidate)
                if project is not None:
                    return project
    return None


def load_project(path: Path) -> Project | None:
    """Read and check one project file; a pyproject.toml without `[tool.cheatdeck]` is None."""
    try:  # opened as a guide is: a regular file, never more than MAX_PROJECT_BYTES read
        text = read_bounded(path, MAX_PROJECT_BYTES, what="a project file").decode("utf-8")
    except (OSError, UnicodeDecodeError, MediaRejected) as exc:
        raise ConfigError(f"{path}: cannot read the project file: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"{path}:{line.group(1) if line else 1}: error: not valid TOML: {exc}") from exc
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("cheatdeck") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}:{_line_of(text, 'cheatdeck')}: error: [tool.cheatdeck] must "
                              "be a table")
        data = table
    return _project(path, text, data)


def _project(path: Path, text: str, data: dict[str, Any]) -> Project:
    folder = path.parent
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}:{_line_of(text, key)}"
        if key not in KEYS:
            raise ConfigError(f"{where}: error: unknown key '{key}' (known keys: {', '.join(KEYS)})")
        kind, _ = KEYS[key]
        if not isinstance(value, kind) or (key == "sources" and not all(isinstance(v, str) for v in value)) \
                or (kind is int and (isinstance(value, bool) or value < 0)):
            expected = {"sources": "a list of strings", "languages": "a table", "writers": "a table"}.get(
                key, "a whole number >= 0" if kind is int else "a string")
            raise ConfigError(f"{where}: error: '{key}' must be {expected}")
        if key == "languages":
            value = _languages(value, where)
        if key == "writers":
            value = _writers(value, path, text)
        if key == "source_url" and check_template(value):
            raise ConfigError(f"{where}: error: source_url {check_template(value)}")
        if key in CHOICES and value not in CHOICES[key]:
            raise ConfigError(f"{where}: error: {key} '{value}' is not supported (choose from "
                              f"{', '.join(CHOICES[key])})")
        values[key] = value
    sources = tuple(_expand(folder, pattern, path, text) for pattern in values.pop("sources", ()))
    if "languages" in values:
        values["languages"] = tuple((Path(os.path.normpath(folder / glob_)).as_posix(), tag)
                                    for glob_, tag in values["languages"])
    for key in ("ledger", "output"):
        if key in values:
            values[key] = os.path.normpath(folder / values[key])
            if not confined(Path(values[key]), folder):
                raise ConfigError(
                    f"{path}:{_line_of(text, key)}: error: '{key}' must name a path inside the "
                    f"project folder, not '{data[key]}' (a guide's project file writes only into its "
                    f"own folder; pass --{key} on the command line to write elsewhere)")
    # One file named by two entries is read once.
    listed = tuple(dict.fromkeys(s for group in sources for s in group))
    return Project(path, folder, listed, **values)


def confined(path: Path, folder: Path) -> bool:
    """Whether `path`, every symlink resolved, lies inside `folder` and outside its `.git`: where
    a guide repository's own settings may make a build write."""
    try:
        real, top = path.resolve(), folder.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        return False
    return real.is_relative_to(top) and ".git" not in real.relative_to(top).parts


def default_output(output: str, project: Project | None) -> str:
    """The output folder a build writes to when the command line names none: the project
    file's (already confined) or the default in the current folder, which must not be a link
    out of it (a cloned repository may hold a `dist` symlink to anywhere)."""
    if project is None or project.output is None:
        if not confined(Path(output), Path(".")):
            raise ConfigError(f"{output}: the default output folder leads outside the current "
                              "folder (a symlink?); name the output folder with -o")
    return output


def _writers(table: dict[str, Any], path: Path,
             text: str) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """`[writers.NAME]` tables: each a table of option names to values. The values of the
    options every writer shares are checked here (before any work); the writer says which
    names it takes."""
    out = []
    for name, options in table.items():
        if not isinstance(options, dict):
            raise ConfigError(f"{path}:{_line_of(text, 'writers')}: error: 'writers.{name}' must be "
                              "a table of options")
        for key, value in options.items():
            where = f"{path}:{_table_line(text, f'writers.{name}', key)}"
            rule = OPTION_VALUES.get(key)
            if rule == "count" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ConfigError(f"{where}: error: writers.{name}: '{key}' must be a whole number "
                                  f">= 0, not {value!r}")
            if isinstance(rule, tuple) and value not in rule:
                raise ConfigError(f"{where}: error: writers.{name}: {key} {value!r} is not supported "
                                  f"(choose from {', '.join(rule)})")
        out.append((name, tuple(options.items())))
    return tuple(out)


def _languages(table: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    """`[languages]` entries: a file glob (relative to the project folder) and a supported tag."""
    out = []
    for pattern, tag in table.items():
        if not isinstance(tag, str) or tag not in LANGUAGES:
            raise ConfigError(f"{where}: error: languages: '{pattern}' = {tag!r} is not a supported "
                              f"language (choose from {', '.join(LANGUAGES)})")
        out.append((pattern, tag))
    return tuple(out)


def _expand(folder: Path, pattern: str, path: Path, text: str) -> list[str]:
    """One `sources` entry: a file or a glob (`**` allowed), inside the project's folder."""
    matches = sorted(_glob(folder, pattern))
    if not matches:
        raise ConfigError(f"{path}:{_line_of(text, 'sources')}: error: sources entry '{pattern}' "
                          f"matches no file in {folder}")
    top = folder.resolve()
    for match in matches:
        if not Path(match).resolve().is_relative_to(top):
            raise ConfigError(f"{path}:{_line_of(text, 'sources')}: error: sources entry "
                              f"'{pattern}' leaves the project folder")
    return [os.path.normpath(m) for m in matches]


def _glob(folder: Path, pattern: str) -> list[str]:
    """`glob.glob(folder/pattern, recursive=True)`, except that `**` never descends a directory
    link: a repository's `docs/a -> .` would make it list the guide again at every depth, and two
    such links never end. Hidden names match only a part that starts with a dot, as in glob."""
    found = [str(folder)]
    parts = Path(pattern).parts
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            found = [p for base in found for p in _walk(base, files=last)]
        elif glob.has_magic(part):
            found = [os.path.join(base, name) for base in found for name in _names(base)
                     if fnmatch.fnmatchcase(name, part) and (part.startswith(".") or name[0] != ".")]
        else:
            found = [os.path.join(base, part) for base in found
                     if os.path.lexists(os.path.join(base, part))]
    return [p for p in found if p != str(folder)] if parts else []


def _names(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:  # not a folder, or unreadable: nothing under it matches
        return []


def _walk(top: str, files: bool) -> list[str]:
    """`top` and every folder under it that is no link (and, with `files`, every other entry),
    never entering a hidden folder or a link."""
    out = [top]
    for folder, dirs, names in os.walk(top, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d[0] != "." and not os.path.islink(os.path.join(folder, d)))
        out.extend(os.path.join(folder, d) for d in dirs)
        if files:
            out.extend(os.path.join(folder, n) for n in names if n[0] != ".")
    return out


def _table_line(text: str, table: str, key: str) -> int:
    """The line `key` is set on inside `[table]` (else the table's line, else 1)."""
    header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
    setting = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    start = None
    for number, line in enumerate(text.splitlines(), 1):
        if start is None:
            start = number if header.match(line) else None
        elif setting.match(line):
            return number
        elif line.lstrip().startswith("["):
            break
    return start or _line_of(text, key)


def _line_of(text: str, key: str) -> int:
    """The line a key is set on (TOML parsers do not keep positions)."""
    pattern = re.compile(rf"^\s*(?:\[\s*)?[\"']?{re.escape(key)}[\"']?\s*(?:=|\])")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return 1


@dataclass(frozen=True, slots=True)
class Invocation:
    """What one command reads: its sources and the project settings that apply to them."""

    sources: list[str]
    project: Project | None
    settings: GuideSettings  # what the project file (or --exam) says about the guide


def plan(sources: list[str], default_source: str, exam: str | None = None) -> Invocation:
    """Sources named on the command line win; with none (or only the project's folder), the
    project's `sources` are read with its folder as the source root."""
    project = find_project(sources, default_source)
    if project is None:
        return Invocation(sources or [default_source], None, GuideSettings(exam))
    named = [os.path.normpath(s) for s in sources]
    use_listed = bool(project.sources) and (not named or named == [os.path.normpath(project.folder)])
    settings = GuideSettings(exam or project.exam, project.deck, project.language,
                             str(project.folder) if use_listed else None, project.languages)
    return Invocation(list(project.sources) if use_listed else (sources or [default_source]), project,
                      settings)


def option_defaults(options: dict[str, object], project: Project | None,
                    builtin: dict[str, object]) -> dict[str, object]:
    """Build options: the command line's, else the project file's, else the built-in default."""
    out = dict(options)
    for key, default in builtin.items():
        if out.get(key) is None:
            value = getattr(project, key, None) if project else None
            out[key] = value if value is not None else default
    return out
