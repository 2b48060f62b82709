"""Values a build works out from one part of the model, kept for the next build while
`cheatdeck build --watch` runs: an edit then costs only the parts it changed.

Keys are model values themselves (frozen, compared by value), so an objective the edit did not
touch finds what was worked out for it. Outside `remembering()` nothing is kept. Each build
forgets what the build before it did not use, so at most two builds' values are held.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_kept: dict[tuple[str, Hashable], Any] | None = None
_used: set[tuple[str, Hashable]] = set()


@contextmanager
def remembering() -> Iterator[None]:
    """Keep values from build to build until the block ends."""
    global _kept
    _kept = {}
    _used.clear()
    try:
        yield
    finally:
        _kept = None
        _used.clear()


def remembered(kind: str, key: Hashable, make: Callable[[], T]) -> T:
    """`make()`, or what it gave for the same kind and key before (only while remembering)."""
    if _kept is None:
        return make()
    slot = (kind, key)
    _used.add(slot)
    if slot in _kept:
        return _kept[slot]  # type: ignore[no-any-return]
    value = _kept[slot] = make()
    return value


def new_build() -> None:
    """A build starts: forget what the last one did not use."""
    if _kept is None:
        return
    for slot in [s for s in _kept if s not in _used]:
        del _kept[slot]
    _used.clear()
