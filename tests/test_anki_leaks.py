"""Nothing given away, nothing trivial: the shared rule on its own, then each card kind on a guide
that reproduces the shapes a learner review found (tests/fixtures/anki/leaks/guide.md)."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from builder.anki.leaks import EVERYDAY, INVERSE_PAIRS, everyday, filler_cell, gives_away, says_more
from builder.anki.notetypes import NOTE_TYPES, load_text
from builder.anki.quality import report, rendered_cards
from builder.pipeline import check
from test_anki_notes import notes_of

GUIDE = Path(__file__).parent / "fixtures" / "anki" / "leaks"


@pytest.mark.parametrize(("answer", "front", "shape"), [
    ("--force", "force the last manager, or a broken one, to abandon the swarm", "term"),
    ("dom0_vcpus_pin", "Boot options Pin Dom0 vCPUs to physical CPUs → Meaning?", "term"),
    ("A Hyper-V VM", "Packer builders hyperv-iso → Makes?", "term"),
    ("docker pause web", "freeze a container, then let it go docker unpause web", "command"),
    ("vagrant version", "show the Vagrant version", "command"),
    ("Containers", "What is a container?", "term"),
])
def test_a_front_that_names_the_answer_gives_it_away(answer: str, front: str, shape: str) -> None:
    assert gives_away(answer, front, shape, "en")


@pytest.mark.parametrize(("answer", "front", "shape"), [
    ("--log-driver", "send a container's output to the journal docker run -d journald nginx", "term"),
    ("docker swarm leave --force", "force the last manager to abandon the swarm", "command"),
    ("-A", "list releases in a namespace helm list", "term"),  # the article "a" is no `-A`
    ("lxc.arch", "A typical config lxc.include = common.conf", "term"),  # a shared prefix is not the key
    ("Type 1 (bare metal)", "Hypervisors Xen → Type?", "term"),
])
def test_a_front_that_shows_part_of_the_answer_keeps_it(answer: str, front: str, shape: str) -> None:
    assert not gives_away(answer, front, shape, "en")


def test_the_word_lists_are_data() -> None:
    assert ("pause", "unpause") in INVERSE_PAIRS and ("insert", "eject") in INVERSE_PAIRS
    assert {"ls", "grep", "ping", "ssh", "cat", "mkdir"} <= EVERYDAY and not everyday("virsh")
    assert filler_cell("N/A") and filler_cell(" High ") and filler_cell("https://example.org/x")
    assert not filler_cell("Yes") and not filler_cell("subvolumes")
    assert not says_more("show the history", "docker history") and says_more("list Domains", "xl list")


@pytest.fixture(scope="module")
def cards():  # type: ignore[no-untyped-def]
    notes = notes_of(GUIDE)
    return notes, rendered_cards(notes, [load_text(nt) for nt in NOTE_TYPES])


_NOWRAP = re.compile(r'<span class="nw">(.*?)</span>')


def _fields(note) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A note's fields by name, without the spans that keep a dashed word on one line."""
    return {name: _NOWRAP.sub(r"\1", value) for name, value in zip(note.note_type.field_names, note.fields)}


def test_the_guide_makes_no_card_that_leaks_or_asks_nothing(cards) -> None:  # type: ignore[no-untyped-def]
    _, rendered = cards
    stats = report(rendered)
    for measure in ("leaked", "trivial", "empty", "nothing", "duplicate"):
        assert sum(getattr(s, measure) for s in stats) == 0, (measure, stats)
    assert all(s.asking == s.count for s in stats)


def test_an_option_the_purpose_names_is_not_blanked(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    flags = {n.identity.split(" flag ", 1)[1]: _fields(n)["Text"] for n in notes if " cloze flag " in n.identity}
    # "force the last manager": `--force` is given away, and so is the sub-command `swarm` (the
    # section is "docker swarm and docker node"): nothing left to blank, no card
    assert "docker swarm leave --force" not in flags
    assert "{{c2::--log-opt}}" in flags["docker run -d --log-opt max-size=10m --name web nginx"]
    # `ls -l` is an everyday utility's option: never a blank
    assert not any(line.startswith("ls ") for line in flags)
    # only the program's own words: not inside quotes, not after a pipe
    assert "'ls -l /<wbr>srv'" in flags["docker exec web sh -c 'ls -l /srv'"]
    count = flags["docker ps -q --filter name=web | wc -l"]
    assert "{{c1::-q}}" in count and "{{c2::--filter}}" in count and "wc -l" in count


def test_variant_lines_are_one_card_that_lists_them(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    ps = [_fields(n) for n in notes if n.kind == "command" and "only their IDs" in _fields(n)["Purpose"]]
    assert len(ps) == 1 and ps[0]["Commands"].count("docker") == 3 and "step" not in ps[0]["Purpose"]
    # lines of two programs: one card each, cued by the program unless it is the whole line
    kvm = [_fields(n)["Purpose"] for n in notes if n.kind == "command" and "loaded module" in _fields(n)["Purpose"]]
    assert sorted("<code>ls</code>" in p for p in kvm) == [False, True]


def test_inverse_and_setup_steps_are_not_asked(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    texts = {n.identity: _fields(n)["Text"] for n in notes if " cloze procedure " in n.identity}
    # pause / unpause: each step gives the other away, so it is no procedure
    assert not [i for i in texts if "pause" in i]
    (build,) = texts.values()
    assert "{{c" not in build.split("mkdir", 1)[1].split("</span>", 1)[0]  # the setup step is shown
    assert "{{c1::docker build" in build and "{{c2::docker push" in build


def test_cells_the_front_gives_away_or_fill_in_are_not_asked(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    asked = {(_fields(n)["Row"], _fields(n)["KeyHeader"]) for n in notes if n.kind == "row"}
    assert ("qemu", "Makes") in asked and ("Memory of Dom0", "Meaning") in asked
    assert ("hyperv-iso", "Makes") not in asked  # "A Hyper-V VM"
    assert ("Pin Dom0 vCPUs to physical CPUs", "Meaning") not in asked  # dom0_vcpus_pin
    assert ("lxd", "Makes") not in asked  # N/A
    assert not any(header == "Speed" for _, header in asked)  # High, Medium, Low


def test_cited_objects_are_found_by_acronym_heading_and_use_or_make_no_card(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    shows = {n.identity.split(" cited ", 1)[1]: _fields(n)["Shows"] for n in notes if n.kind == "cited"}
    assert "P2V" in shows["Migration"]  # `Migration (P2V, V2V)`: its short forms
    assert "unmodified kernel" in shows["Hardware Virtual Machine"]
    assert "vmx" in shows["CPU flags"]  # the heading "CPU flags in /proc/cpuinfo"
    assert "widgetd" not in shows  # the guide says nothing about it (a link is not a word about it)
    assert "zapctl" not in shows  # a one-word purpose ("docs") says nothing of what it is for
    assert not any("no more" in s for s in shows.values())


def test_the_overview_asks_the_weight_and_areas_with_marked_terms_are_facts(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    (overview,) = [_fields(n) for n in notes if n.kind == "overview"]
    assert overview["Weight"] == "5" and not overview["Knowledge"] and not overview["Description"]
    areas = [_fields(n)["Text"] for n in notes if " cloze area / " in n.identity]
    assert areas == ["Understand the {{c1::<code>dockerd</code>}} daemon and its {{c2::<code>daemon.json</code>}}"]


def test_a_key_every_configuration_has_is_not_blanked(cards) -> None:  # type: ignore[no-untyped-def]
    notes, _ = cards
    (sample,) = [_fields(n)["Text"] for n in notes if " cloze sample / " in n.identity]
    assert "{{c1::memory}}" in sample and "{{c1::name}}" not in sample and "c2::" not in sample


def test_check_warns_where_the_guide_would_make_cards_that_ask_nothing() -> None:
    diagnostics = check([str(GUIDE)]).diagnostics
    found = [d for d in diagnostics if d.rule == "card-asks-nothing"]
    assert [d.pos.line for d in found] == [48]  # "show the docker version" over `docker version`
    assert "gives its command away" in found[0].message
