"""Names sheets use: file-name slugs, element ids, and which characters are emoji (no imports)."""

from __future__ import annotations

import re
import unicodedata

# Emoji and pictographs; dropped with --emoji drop so no font ever needs them.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u231A\u231B\u23E9-\u23FA"
                   "\uFE0E\uFE0F\u200D\u20E3\U000E0020-\U000E007F]")


def slug(text: str) -> str:
    """A file-name-safe slug: `Container Virtualization Concepts` → `container-virtualization-concepts`,
    accents dropped, not the letters (`Virtualização Completa` → `virtualizacao-completa`)."""
    plain = unicodedata.normalize("NFKD", EMOJI.sub("", text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "untitled"


def anchor_for(objective_id: str, suffix: str = "") -> str:
    """An element id unique within a topic PDF (objective ids are unique within a guide)."""
    base = "o" + re.sub(r"[^A-Za-z0-9]+", "-", objective_id)
    return f"{base}-{suffix}" if suffix else base


def group_anchor(objective_id: str, index: int) -> str:
    """The element id of an objective's command group `index` (0-based, in the guide's order)."""
    return anchor_for(objective_id, f"g{index}")
