"""No two cards of a deck read alike and answer differently: prompts name their tool, and a
command repeated across objectives is one note that keeps the first objective's identity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.anki.context import guid_for
from builder.anki.notes import guide_notes
from builder.anki.notetypes import load_text, note_types_for
from builder.anki.quality import rendered_cards
from builder.anki.render import plain
from builder.pipeline import check

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT.parent / "shared" / "upstream" / "README.md"
_CTX = re.compile(r'<div class="ctx">.*?</div>', re.S)


def _notes(path: Path):  # type: ignore[no-untyped-def]
    guide = check([str(path)]).guide
    return guide, guide_notes(guide, Path(guide.root).resolve())


def asked_twice(path: Path) -> dict[tuple[str, str], set[str]]:
    """Fronts (the context line left out) that two cards of the deck share with different backs."""
    guide, notes = _notes(path)
    cards = rendered_cards(notes, [load_text(nt, None, guide.lang) for nt in note_types_for(guide.lang)])
    answers: dict[tuple[str, str], set[str]] = {}
    for c in cards:
        answers.setdefault((c.type_name, plain(_CTX.sub("", c.front))), set()).add(plain(_CTX.sub("", c.back)))
    return {k: v for k, v in answers.items() if len(v) > 1}


@pytest.mark.parametrize("guide", [ROOT / "source", UPSTREAM], ids=["source", "upstream"])
def test_no_front_is_asked_twice_with_different_answers(guide: Path) -> None:
    if not guide.exists():
        pytest.skip(f"{guide} is not present")
    assert asked_twice(guide) == {}


def test_prompts_alike_across_the_deck_name_their_tool() -> None:
    _, notes = _notes(ROOT / "source")
    terms = {plain(n.fields[n.note_type.field_names.index("Term")]) for n in notes if n.kind == "definition"}
    assert {"Provider (Terraform and OpenTofu) — what is it?", "Provider (Vagrant) — what is it?",
            "Domain (Xen) — what is it?", "Service (Docker Compose) — what is it?",
            "Service (Docker Swarm) — what is it?"} <= terms
    assert "Network namespace — what is it?" in terms  # a term asked once stays as it is


def test_a_command_repeated_across_objectives_is_one_note_with_every_purpose() -> None:
    guide, notes = _notes(ROOT / "source")
    kvm = [n for n in notes if n.kind == "command" and n.identity.endswith(" command ls -l /dev/kvm")]
    assert [n.objective for n in kvm] == ["351.1"]
    assert kvm[0].guid == guid_for(guide.namespace, "351.1", "command", "ls -l /dev/kvm")  # kept
    purpose = plain(kvm[0].fields[kvm[0].note_type.field_names.index("Purpose")])
    assert "the device exists" in purpose and "or check ownership of /dev/kvm" in purpose
