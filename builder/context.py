"""The build context: what one build was asked to do, resolved once and passed to every writer.

This module and `cli.py` are the only places that touch the process environment: the build
time is read here once (SOURCE_DATE_EPOCH, else the source's last commit, else the clock) and
every writer takes it from the context, so no writer can see another one's clock.
The day `check` compares the guide's dated facts with is read here too (`check_day`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from builder.config import BuildConfig, Progress, _quiet
from builder.diagnostics import BuildError
from builder.sourcelinks import SourceLinks, source_links

EPOCH = "SOURCE_DATE_EPOCH"
LEDGER_NAME = "cheatdeck.lock"
CACHE_DIR = "CHEATDECK_CACHE_DIR"  # the machine's cache folder; set empty, no machine cache
_environ_lock = threading.Lock()
_STARTUP = dict(os.environ)  # the environment as the process started


class EpochError(BuildError):
    """SOURCE_DATE_EPOCH is set to something that is not a time."""


def parse_epoch(text: str) -> int:
    """SOURCE_DATE_EPOCH as an int, or a clear error (the spec allows only decimal seconds)."""
    if not text.strip().isdigit():
        raise EpochError(f"{EPOCH}={text!r} is not a whole number of seconds since 1970")
    return int(text)


@dataclass(frozen=True, slots=True)
class BuildTime:
    """When the build happened, read once: the reproducible epoch if there is one, and the clock."""

    epoch: int | None = None  # SOURCE_DATE_EPOCH as given, else the source's last commit time
    now: int = 0  # the clock when the context was made

    @property
    def stamp(self) -> int:
        """The time written into outputs that need one (Anki mods): the epoch, else now."""
        return self.epoch if self.epoch is not None else self.now

    @property
    def iso(self) -> str | None:
        """The epoch as ISO 8601 UTC; None without one (PDFs then carry no date at all)."""
        if self.epoch is None:
            return None
        return datetime.fromtimestamp(self.epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    @classmethod
    def read(cls, source_root: Path, environ: Mapping[str, str] | None = None) -> BuildTime:
        """The caller's SOURCE_DATE_EPOCH, else the last commit touching the source, and now."""
        from builder.version import last_commit_time

        given = (os.environ if environ is None else environ).get(EPOCH)
        epoch = parse_epoch(given) if given is not None else last_commit_time(source_root)
        return cls(epoch, int(time.time()))


def check_day(environ: Mapping[str, str] | None = None) -> date:
    """The day (UTC) the guide's dated facts are checked against: SOURCE_DATE_EPOCH's, else the
    clock's. Never the source's last commit, which the build time falls back to: a guide nobody
    commits to must still learn that a date in it has passed."""
    given = (os.environ if environ is None else environ).get(EPOCH)
    seconds = parse_epoch(given) if given is not None else int(time.time())
    return datetime.fromtimestamp(seconds, tz=timezone.utc).date()


@dataclass(frozen=True, slots=True)
class BuildContext:
    """Everything a writer may know about the build; made once by the pipeline."""

    output: Path = Path("dist")
    source_root: Path = Path(".")
    formats: tuple[str, ...] = ("json", "anki", "sheets")
    only: tuple[str, ...] = ()  # objective ids built; empty means all
    time: BuildTime = BuildTime()
    templates: Path | None = None  # the --templates folder, absolute
    ledger: Path = Path(LEDGER_NAME)  # the identity ledger
    locked: bool = False  # fail instead of updating the ledger
    release: bool = False
    jobs: int = 0  # worker processes; 0: one per core
    progress_bar: bool | None = None  # None: on a terminal only
    options: Mapping[str, Any] = field(default_factory=dict)  # each format's typed options
    progress: Progress = _quiet  # one line per finished step
    # A translation built beside the guide: its files carry the language (".pt-BR") and are
    # named after the guide's title, so both languages' outputs sit side by side in dist/.
    suffix: str = ""
    title: str | None = None
    # Work kept across builds and outputs on this machine (prepared deck images), by content;
    # None: each output keeps its own in <output>/.cache.
    machine_cache: Path | None = None
    # Links from cards and sheet entries to the guide's lines at this build's commit; None: none.
    source_links: SourceLinks | None = None

    def named(self, name: str) -> str:
        """`name` with this build's language suffix before its extension: notes.pt-BR.json."""
        stem, dot, ext = name.rpartition(".")
        return f"{stem}{self.suffix}.{ext}" if dot and stem else f"{name}{self.suffix}"

    def options_for(self, name: str, kind: type[Any]) -> Any:
        """The typed options of writer `name` (its defaults when the build set none)."""
        found = self.options.get(name)
        return found if isinstance(found, kind) else kind()

    @contextmanager
    def activated(self) -> Iterator[BuildContext]:
        """The build's epoch in the environment for its duration, for what only reads it there:
        fontTools (subset font dates) and the child processes the writers start."""
        # Set before the writer threads start and restored after they end, so no lock: child
        # processes started meanwhile take `process_environment`'s.
        saved = os.environ.get(EPOCH)
        _set(EPOCH, str(self.time.epoch if self.time.epoch is not None else 0))
        try:
            yield self
        finally:
            _set(EPOCH, saved)

    @classmethod
    def create(cls, config: BuildConfig, source_root: Path, writer_options: Mapping[str, type[Any]],
               environ: Mapping[str, str] | None = None, suffix: str = "",
               title: str | None = None) -> BuildContext:
        """Resolve a build request: paths made absolute and checked, the time read, options typed.

        `writer_options` maps each format to its options dataclass; the request's flat options
        fill the fields of the same name (the CLI and cheatdeck.toml use one vocabulary).
        """
        raw = config.options
        root = Path(os.path.abspath(source_root))
        ledger = raw.get("ledger")
        tables: Mapping[str, Mapping[str, object]] = raw.get("writers") or {}  # type: ignore[assignment]
        typed = {name: fill(kind, raw, tables.get(name, {}), name) for name, kind in writer_options.items()}
        ledger_path = Path(str(ledger)) if ledger else root / LEDGER_NAME
        if suffix:  # a translation keeps its own ledger: the guide's would tombstone its notes
            ledger_path = ledger_path.with_name(f"{ledger_path.stem}{suffix}{ledger_path.suffix}")
        return cls(output=config.output, source_root=root, formats=config.formats, only=config.only,
                   time=BuildTime.read(root, environ), templates=templates_folder(raw.get("templates_dir")),
                   ledger=ledger_path, suffix=suffix, title=title,
                   locked=bool(raw.get("locked") or raw.get("release")), release=bool(raw.get("release")),
                   jobs=int(raw.get("jobs") or 0), progress_bar=raw.get("progress"),  # type: ignore[arg-type]
                   options=typed, progress=config.progress,
                   machine_cache=machine_cache(os.environ if environ is None else environ),
                   source_links=source_links(root, _optional_str(raw.get("source_url"))))


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def machine_cache(environ: Mapping[str, str] | None = None) -> Path | None:
    """The machine's cache folder for cheatdeck: $CHEATDECK_CACHE_DIR (empty: none), else
    $XDG_CACHE_HOME/cheatdeck, else ~/.cache/cheatdeck (as pip and pre-commit keep theirs);
    `environ` defaults to the process environment."""
    environ = os.environ if environ is None else environ
    given = environ.get(CACHE_DIR)
    if given is not None:
        return Path(given).expanduser().absolute() if given.strip() else None
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "cheatdeck"
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".cache" / "cheatdeck" if home and home != "~" else None


class OptionError(BuildError):
    """A writer option the writer does not have, or of the wrong type."""


def fill(kind: type[Any], raw: Mapping[str, object], table: Mapping[str, object] | None = None,
         name: str = "") -> Any:
    """A writer's options: the fields the build's flat options set (None leaves the default),
    then its own `[writers.NAME]` table, which may name only its fields."""
    known = {f.name: f for f in fields(kind)}
    for key, value in (table or {}).items():
        if key not in known:
            raise OptionError(f"[writers.{name}]: the {name} writer has no option '{key}' "
                              f"(it takes: {', '.join(known) or 'none'})")
        default = getattr(kind(), key)
        if default is not None and not isinstance(value, type(default)):
            raise OptionError(f"[writers.{name}]: '{key}' must be {type(default).__name__}, "
                              f"like its default {default!r}")
    values = {key: raw[key] for key in known if raw.get(key) is not None}
    return kind(**{**values, **(table or {})})


def templates_folder(value: object) -> Path | None:
    """The --templates folder made absolute (workers and file URLs need it), checked once here."""
    if not value:
        return None
    folder = Path(str(value)).expanduser().resolve()
    if not folder.is_dir():
        raise BuildError(f"{value}: the --templates folder does not exist (give a folder holding "
                         "sheets/ with the templates to replace)")
    return folder


@contextmanager
def process_environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """The process environment holds `values` (None: unset) inside the block, restored after.

    Only for what third-party code reads from the environment and cannot be given otherwise:
    the variables a child process starts with, and the epoch fontTools stamps subset fonts with.
    """
    with _environ_lock:
        saved = {name: os.environ.get(name) for name in values}
        for name, value in values.items():
            _set(name, value)
        try:
            yield
        finally:
            for name, value in saved.items():
                _set(name, value)


def environment_value(name: str) -> str | None:
    """A variable as the process started with it, for code that must pass it on to a child
    (never a value one of our own blocks set)."""
    return _STARTUP.get(name)


def set_worker_epoch(epoch: int | None) -> None:
    """In a render worker (a process of its own): the epoch fontTools stamps subset fonts with.

    fontTools reads SOURCE_DATE_EPOCH, else the clock; a worker's environment dates from when
    its server started, so the build's value is set once when the worker starts.
    """
    _set(EPOCH, str(epoch if epoch is not None else 0))


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
