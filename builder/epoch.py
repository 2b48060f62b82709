"""SOURCE_DATE_EPOCH set for a block of work, and restored afterwards (never the wall clock)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

NAME = "SOURCE_DATE_EPOCH"


@contextmanager
def epoch_set(value: int | str) -> Iterator[None]:
    """SOURCE_DATE_EPOCH is `value` inside the block; the caller's value (or none) after it."""
    saved = os.environ.get(NAME)
    os.environ[NAME] = str(value)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(NAME, None)
        else:
            os.environ[NAME] = saved
