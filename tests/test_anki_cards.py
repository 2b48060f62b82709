"""One fact per card: table cells asked one at a time, command groups split line by line or asked
as one cloze over the steps of a procedure."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.anki.notes import guid_for
from test_anki_notes import GUIDE, notes_of

EXTRA = """
```sh
# create, start and enter a legacy OpenVZ container
vzctl create 101 --ostemplate debian-12
vzctl start 101
vzctl enter 101
```

```sh
# check whether the KVM modules are loaded and the device exists
lsmod | grep kvm
ls -l /dev/kvm
```

```sh
# pin both virtual CPUs of a guest
virsh vcpupin web01 0 2
virsh vcpupin web01 1 3
```

```sh
# write a seccomp profile
cat > /tmp/deny.json <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW"}
EOF
docker run --security-opt seccomp=/tmp/deny.json alpine
```

```sh
# the system-wide and the default container configuration of LXC
/etc/lxc/lxc.conf
/etc/lxc/default.conf
```

```sh
# show the status of cloud-init in detail
cloud-init status --long
lxc list
```
"""


PROCEDURE = """
```sh
# give a guest a second disk, then keep it across restarts
qemu-img create -f qcow2 /srv/data.qcow2 10G
virsh attach-disk web01 /srv/data.qcow2 vdb --persistent
```
"""


def guide_with(tmp_path: Path, text: str, before: str = "### 352.1 Important Commands") -> Path:
    """A copy of the fixture guide with `text` written before a heading of its 352 file."""
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace(before, text + before))
    return src


_NOWRAP = re.compile(r'<span class="nw">(.*?)</span>')


def fields(note) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A note's fields by name, without the spans that keep a dashed word on one line."""
    return {name: _NOWRAP.sub(r"\1", value) for name, value in zip(note.note_type.field_names, note.fields)}


@pytest.fixture(scope="module")
def split_notes(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    src = Path(shutil.copytree(GUIDE, tmp_path_factory.mktemp("g") / "guide"))
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("## 352.2 LXC", EXTRA + "\n## 352.2 LXC"))
    return [n for n in notes_of(src) if n.kind == "command"]


def test_a_cell_card_names_the_column_it_asks_and_shows_the_row_not_the_table() -> None:
    rows = [fields(n) for n in notes_of(GUIDE) if n.kind == "row"]
    kernel = [r for r in rows if r["Row"] == "Kernel"]
    assert sorted(r["KeyHeader"] for r in kernel) == ["Container", "Virtual machine"]
    vm = next(r for r in kernel if r["KeyHeader"] == "Virtual machine")
    assert vm["Cells"] == "Own guest kernel"
    assert "Shared with the host" in vm["FullTable"] and "Own guest kernel" not in vm["FullTable"]
    assert "Start time" not in vm["FullTable"] + vm["Cells"]  # no other row on the card
    # a reverse only where the meaning names one row and does not contain the row's name
    reverses = {r["Row"]: r["Reverse"] for r in rows if r["Reverse"]}
    assert reverses == {"PID": "Process IDs", "UTS": "Hostname and domain name"}


def test_the_first_cell_of_a_row_keeps_the_row_identity() -> None:
    notes = [n for n in notes_of(GUIDE) if n.kind == "row"]
    guids = {n.guid for n in notes}
    table = "Containers compared with virtual machines"
    assert guid_for("cheatdeck", "352.1", "row", f"{table}\x1fKernel") in guids
    assert guid_for("cheatdeck", "352.1", "row", f"{table}\x1fKernel\x1fVirtual machine") in guids
    assert guid_for("cheatdeck", "352.1", "row", "ns-uts") in guids  # a pinned row keeps its pin


def _purposes(notes, word: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return [fields(n) for n in notes if word in fields(n)["Purpose"]]


def test_independent_lines_become_one_note_each_with_a_cue(split_notes) -> None:  # type: ignore[no-untyped-def]
    kvm = [v["Purpose"] for v in _purposes(split_notes, "KVM modules")]
    assert [p.rsplit("<code>", 1)[1] for p in kvm] == ["lsmod</code></div>", "ls</code></div>"]
    status = _purposes(split_notes, "status of cloud-init in detail")  # no shared subject
    assert len(status) == 2 and "lxc" in status[1]["Commands"] and "lxc" not in status[0]["Commands"]


def test_variants_of_one_program_are_one_card_that_lists_them(split_notes) -> None:  # type: ignore[no-untyped-def]
    pin = _purposes(split_notes, "pin both")  # one command twice: variants, not steps
    assert len(pin) == 1 and pin[0]["Commands"].count("vcpupin") == 2
    assert "step" not in pin[0]["Purpose"] and '"cue"' not in pin[0]["Purpose"]
    files = _purposes(split_notes, "configuration of LXC")  # paths listed under one comment
    assert len(files) == 1 and "lxc.conf" in files[0]["Commands"] and "default.conf" in files[0]["Commands"]


def test_the_steps_of_a_procedure_are_one_cloze_note(tmp_path: Path) -> None:
    notes = notes_of(guide_with(tmp_path, EXTRA + PROCEDURE + "\n", before="## 352.2 LXC"))
    texts = {n.identity: fields(n)["Text"] for n in notes if n.kind == "cloze"}
    # lines that work on one guest, in the order the purpose names them
    disk = texts["352.1 cloze procedure qemu-img create -f qcow2 /srv/data.qcow2 10G ; "
                 "virsh attach-disk web01 /srv/data.qcow2 vdb --persistent"]
    assert "give a guest a second disk, then keep it across restarts" in disk
    assert [disk.count(f"{{{{c{n}::") for n in (1, 2, 3)] == [1, 1, 0]
    # steps the purpose names with the rest of the card ("create, start and enter" + `vzctl …
    # 101`) would be given away, and writing a file is a setup step: neither group is a procedure
    assert not [i for i in texts if "procedure vzctl" in i or "procedure cat" in i]
    vz = [fields(n)["Commands"] for n in notes if n.kind == "command" and "OpenVZ" in fields(n)["Purpose"]]
    assert len(vz) == 1 and all(f"vzctl</span> <span class=\"n\">{v}" in vz[0] or v in vz[0]
                                for v in ("create", "start", "enter"))


def test_a_split_group_keeps_its_guid_on_its_first_note(split_notes) -> None:  # type: ignore[no-untyped-def]
    old_key = "virsh vcpupin web01 0 2"  # a group was known by its first line
    (pin,) = [n for n in split_notes if "pin both" in fields(n)["Purpose"]]
    assert pin.guid == guid_for("cheatdeck", "352.1", "command", old_key)
    kvm = [n for n in split_notes if "KVM modules" in fields(n)["Purpose"]]
    assert [n.guid for n in kvm] == [guid_for("cheatdeck", "352.1", "command", key)
                                     for key in ("lsmod | grep kvm", "ls -l /dev/kvm")]


@pytest.mark.slow
def test_upgrading_keeps_the_history_of_a_split_group(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """v1 asks a group whole (as releases before the split did), v2 line by line: the learner's
    note becomes the first line's card with its reviews; the other line arrives as a new card."""
    from anki_helpers import T0, import_deck, open_collection
    from builder.anki import commands, notes
    from test_anki_import import APKG, build_decks
    from test_anki_update import history, review_every_card

    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    md = src / "352-containers.md"
    md.write_text(md.read_text().replace("## 352.2 LXC", EXTRA + "\n## 352.2 LXC"))
    # As released before the split: one card per group, known by the group's first command line.
    whole = lambda o: [commands.CommandCard(g, g.lines, g.commands[0].normalized, "")  # noqa: E731
                       for g in commands.command_groups(o)]
    with monkeypatch.context() as m:
        m.setattr(notes, "command_cards", whole)
        build_decks(src, tmp_path / "v1", epoch=T0)
    col = open_collection(tmp_path / "col")
    try:
        import_deck(col, tmp_path / "v1" / "anki" / APKG)
        (nid,) = col.find_notes('"Purpose:*KVM modules*"')
        review_every_card(col)
        reviewed = history(col)
        log = import_deck(col, build_decks(src, tmp_path / "v2", epoch=T0 + 60) / APKG)
        kvm = col.find_notes('"Purpose:*KVM modules*"')
        assert len(kvm) == 2 and nid in kvm
        first = col.get_note(nid)
        assert "<code>lsmod</code>" in first["Purpose"] and "/dev/kvm" not in first["Commands"]
        assert {cid: h for cid, h in history(col).items() if cid in reviewed} == reviewed
        assert nid in {n.id.nid for n in log.updated}
    finally:
        col.close()


def test_flag_clozes_blank_options_never_the_program() -> None:
    notes = [n for n in notes_of(GUIDE) if n.kind == "cloze"]
    text = {n.identity: fields(n)["Text"] for n in notes}
    unshare = text["352.1 cloze flag sudo unshare --fork --pid --mount-proc bash"]
    # "a new PID namespace" in the purpose gives `--pid` away: it stays visible
    assert "sudo unshare {{c1::--fork}} --pid {{c2::--mount-proc}} bash" in unshare
    assert "new PID namespace" in unshare  # the purpose is the question
    assert not any("{{c1::sudo" in t or "{{c1::unshare" in t for t in text.values())


@pytest.mark.slow
def test_a_flag_cloze_is_a_real_anki_cloze_card(tmp_path: Path) -> None:
    from anki_helpers import collection
    from test_anki_import import APKG, build_decks

    out = build_decks(Path(shutil.copytree(GUIDE, tmp_path / "guide")), tmp_path / "dist")
    with collection(tmp_path / "col", out / APKG) as col:
        model = col.models.by_name("cheatdeck Cloze")
        assert model["type"] == 1 and model["id"] == 5871302946771  # MODEL_CLOZE, fixed id
        cards = [col.get_card(c) for c in col.find_cards('"note:cheatdeck Cloze" "Text:*unshare*"')]
        assert sorted(c.ord for c in cards) == [0, 1]
        proc = next(c for c in cards if c.ord == 1)
        question, answer = proc.question(), proc.answer()
        assert "[...]" in question and "--mount-proc" not in question.split("</style>", 1)[1]
        assert "--fork" in question and "unshare" in question and "[[type:cloze:Text]]" in question  # the reviewer's type-in box
        assert "--mount-proc" in answer


def test_a_cited_object_card_says_what_it_is_for_with_at_most_three_uses(tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    md = src / "352-containers.md"
    many = "".join(f"```sh\n# enter namespace {i} of a process\nsudo nsenter -t {i} -n sh\n```\n\n"
                   for i in range(1, 7))
    md.write_text(md.read_text().replace("## 352.2 LXC", many + "## 352.2 LXC")
                  .replace("**Namespace**: a kernel", "**nsenter**: runs a program in the namespaces "
                           "of another process.\n\n**Namespace**: a kernel"))
    shows = {n.identity: fields(n)["Shows"] for n in notes_of(src) if n.kind == "cited"}
    nsenter = shows["352.1 cited nsenter"]
    assert nsenter.startswith('<div class="ans"><b>nsenter</b>: runs a program in the namespaces')
    assert nsenter.count("<li>") == 3 and "more" not in nsenter
    assert all("not show" not in s and "more in the guide" not in s for s in shows.values())


@pytest.mark.slow
def test_the_package_carries_a_preset_that_buries_siblings(tmp_path: Path) -> None:
    from anki_helpers import ImportAnkiPackageOptions, ImportAnkiPackageRequest, open_collection
    from builder.anki.package import PRESET_ID, PRESET_NAME
    from test_anki_import import APKG, EXAM, build_decks

    out = build_decks(Path(shutil.copytree(GUIDE, tmp_path / "guide")), tmp_path / "dist")
    col = open_collection(tmp_path / "col")
    try:
        options = ImportAnkiPackageOptions(with_deck_configs=True)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(out / APKG), options=options))
        for name in (EXAM, f"{EXAM}::352 Container Virtualization::352.1 Container Virtualization Concepts"):
            conf = col.decks.config_dict_for_deck_id(col.decks.id_for_name(name))
            assert conf["id"] == PRESET_ID and conf["name"] == PRESET_NAME
            assert conf["new"]["bury"] and conf["rev"]["bury"] and conf["buryInterdayLearning"]
        # new cards come concepts (and facts from prose) -> cited objects -> commands -> flags
        step = {"Objective overview": 0, "Definition": 0, "Comparison row": 0, "Timeline event": 0,
                "Cited object": 1, "Command": 2}
        deck = col.decks.id_for_name(f"{EXAM}::352 Container Virtualization::352.1 Container "
                                     "Virtualization Concepts")
        rows = col.db.all(
            "SELECT m.name, n.sfld FROM cards c JOIN notes n ON n.id = c.nid JOIN notetypes m "
            "ON m.id = n.mid WHERE c.did = ? ORDER BY c.due, c.ord", deck)
        steps = [step.get(name.removeprefix("cheatdeck "), 0 if "cloze · fact" in sort else 3)
                 for name, sort in rows]
        assert steps == sorted(steps) and set(steps) == {0, 1, 2, 3}
        # the scheduler honours it: a note's second card waits for another day
        col.decks.select(col.decks.id_for_name(EXAM))
        shown = []
        while (card := col.sched.getCard()) is not None:
            shown.append(card.nid)
            col.sched.answerCard(card, 4)
        assert len(shown) == len(set(shown))  # no two cards of one note today
        assert len(col.find_cards("is:buried")) > 0
    finally:
        col.close()


def test_marked_terms_in_prose_and_config_keys_become_clozes(tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    md = src / "352-containers.md"
    prose = ("**Log driver**: where a container's output goes. It is set with `--log-driver`.\n\n"
             "The default `json-file` log driver does not rotate unless `max-size` is set. "
             "Rotation is **off** by default.\n\nA daemon.json that rotates logs:\n\n"
             '```json\n{\n  "log-driver": "json-file",\n  "log-opts": {"max-size": "10m"}\n}\n```\n\n')
    md.write_text(md.read_text().replace("### 352.1 Important Commands", prose + "### 352.1 Important Commands"))
    texts = {n.identity: fields(n)["Text"] for n in notes_of(src) if n.kind == "cloze"}
    facts = [t for i, t in texts.items() if " fact / " in i]
    assert ("The default {{c1::<code>json-file</code>}} log driver does not rotate unless "
            "{{c2::<code>max-size</code>}} is set.") in facts
    assert "Rotation is {{c1::<b>off</b>}} by default." in facts
    assert not any("rotates logs" in t for t in facts)  # a lead-in is not a fact
    # a definition's later sentences are drilled under the term they are about, unless the term
    # gives the blank away ("Log driver" answers `--log-driver`)
    assert not any("It is set with {{c1::" in t for t in facts)
    (sample,) = [t for i, t in texts.items() if " sample / " in i]
    # the keys that open a line are blanked (`max-size` sits inside another key's value)
    assert '"{{c1::log-driver}}"' in sample and "{{c2::log-opts}}" in sample and "c3::" not in sample


def test_each_later_sentence_of_a_definition_is_a_card_and_leaves_the_definition_card(tmp_path: Path) -> None:
    prose = ("**Virtual Machine Monitor (VMM)**: the component that emulates the hardware of one VM. "
             "With KVM each QEMU process is the VMM of one guest. It is slow to start. "
             "It is configured with `vmm.conf`.\n\n")
    notes = notes_of(guide_with(tmp_path, prose))
    (vmm,) = [fields(n) for n in notes if n.kind == "definition" and "VMM" in fields(n)["Term"]]
    # the first sentence, and the one that makes no card of its own
    assert vmm["Definition"] == "the component that emulates the hardware of one VM. It is slow to start."
    facts = [fields(n)["Text"] for n in notes if n.kind == "cloze" and "VMM" in n.identity]
    assert facts == ["With KVM each QEMU process is the {{c1::VMM}} of one guest."]
    (conf,) = [fields(n)["Text"] for n in notes if n.kind == "cloze" and "vmm.conf" in n.identity]
    assert conf == ('<div class="purpose">Virtual Machine Monitor (VMM)</div>'
                    "It is configured with {{c1::<code>vmm.conf</code>}}.")


def test_code_breaks_after_separators_never_inside_a_tag() -> None:
    from builder.anki.fields import breakable

    assert breakable('<span class="a">ls /proc/1/ns</span>') == \
        '<span class="a">ls /<wbr>proc/<wbr>1/<wbr>ns</span>'
    assert breakable("a=b,c|d") == "a=<wbr>b,<wbr>c|<wbr>d"


@pytest.mark.slow
def test_the_preview_renders_cards_as_anki_does(tmp_path: Path) -> None:
    """Our template rendering (preview, quality report) against Anki's own, card by card."""
    import re

    from anki_helpers import collection
    from builder.anki.notetypes import NOTE_TYPES, load_text
    from builder.anki.quality import rendered_cards
    from builder.anki.render import plain
    from test_anki_import import APKG, build_decks

    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    ours = {(c.note.guid, c.ord): c for c in rendered_cards(notes_of(src), [load_text(nt) for nt in NOTE_TYPES])}
    out = build_decks(src, tmp_path / "dist")

    def text(html: str) -> str:
        html = html.split("</style>", 1)[-1].replace("[[type:cloze:Text]]", "")
        return plain(re.sub(r'<input type="text" class="typein">', "", html))

    with collection(tmp_path / "col", out / APKG) as col:
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        assert len(cards) == len(ours)
        for card in cards:
            mine = ours[(card.note().guid, card.ord)]
            assert text(card.question()) == text(mine.front), mine.type_name
            assert text(card.answer()) == text(mine.back), mine.type_name


def test_two_columns_with_one_header_make_two_cards(tmp_path: Path) -> None:
    src = Path(shutil.copytree(GUIDE, tmp_path / "guide"))
    md = src / "352-containers.md"
    table = ("#### Limits\n| Tool | Note | Note |\n| --- | --- | --- |\n| cgcreate | makes a group | v1 only |\n"
             "| systemd-run | makes a scope | v1 and v2 |\n\n")
    md.write_text(md.read_text().replace("### 352.1 Important Commands", table + "### 352.1 Important Commands"))
    rows = [fields(n) for n in notes_of(src) if n.kind == "row" and fields(n)["Table"] == "Limits"]
    assert sorted(r["Cells"] for r in rows) == ["makes a group", "makes a scope", "v1 and v2", "v1 only"]


def test_a_table_of_parallel_lists_asks_nothing(tmp_path: Path) -> None:
    table = ("#### Pros and cons\n| Advantages | Drawbacks |\n| --- | --- |\n"
             "| Many guests share one host and its power | One host failure stops every guest |\n"
             "| Snapshots make risky changes cheap to undo | Timing-sensitive software may misbehave |\n\n")
    assert not [n for n in notes_of(guide_with(tmp_path, table)) if n.kind == "row" and fields(n)["Table"] == "Pros and cons"]


def test_a_commented_line_of_a_sample_asks_what_it_does() -> None:
    from builder.anki.samples import LINE_PROMPT, line_facts
    from builder.model import CodeSample, SourcePos

    text = ("# syntax=docker/dockerfile:1\n# ---- Base Stage ----\nFROM alpine AS base\n"
            "# open the web port\nEXPOSE 80\nCMD [\"nginx\"]  # run nginx in the foreground\n")
    sample = CodeSample("dockerfile", text, "A small web image", "Images", SourcePos("x.md", 1))
    facts = line_facts(sample)
    # a parser directive and a banner say nothing about a line; an explained line is marked and
    # its comment blanked, above it or at its end
    assert [f.key.split("\x1f")[-1] for f in facts] == ["EXPOSE 80", 'CMD ["nginx"] # run nginx in the foreground']
    assert LINE_PROMPT in facts[0].text and "# {{c1::open the web port}}\n<b>EXPOSE 80</b>" in facts[0].text
    assert '<b>CMD ["nginx"]  # {{c1::run nginx in the foreground}}</b>' in facts[1].text
    assert all(f.blanks == 1 and "Base Stage" in f.text for f in facts)


def test_a_column_whose_one_value_fills_most_rows_is_not_asked(tmp_path: Path) -> None:
    table = ("#### Formats\n| Format | Encryption | Snapshots |\n| --- | --- | --- |\n"
             "| qcow2 | no | internal |\n| raw | no | none |\n| vdi | no | external |\n| luks | yes | none |\n\n")
    rows = [n for n in notes_of(guide_with(tmp_path, table)) if n.kind == "row"
            and fields(n)["Table"] == "Formats"]
    # "no" in three rows of four: only the Snapshots column is asked
    assert sorted((fields(n)["Row"], fields(n)["KeyHeader"]) for n in rows) == [
        ("luks", "Snapshots"), ("qcow2", "Snapshots"), ("raw", "Snapshots"), ("vdi", "Snapshots")]
    # the row's identity stays with the cell that held it (Encryption, now not asked): the
    # Snapshots cells keep the keys they had
    assert {n.guid for n in rows} == {guid_for("cheatdeck", "352.1", "row", f"Formats\x1f{r}\x1fSnapshots")
                                      for r in ("qcow2", "raw", "vdi", "luks")}
