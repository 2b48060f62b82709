"""The real upstream excerpt: structure established by hand, read through the whole reader."""

from __future__ import annotations

import json

import pytest

from builder.model import CitedKind
from builder.reader import read_guide
from builder.reader.decode import MOJIBAKE_MARKERS
from builder.serialize import guide_to_data


@pytest.fixture(scope="module")
def seed():
    from tests.conftest import SEED

    if not SEED.is_file():
        pytest.skip("seed guide ../shared/seed/topic-352.md is not present")
    return read_guide([str(SEED)])


def test_objectives_and_weights(seed):
    (topic,) = seed.guide.topics
    assert (topic.number, topic.title) == ("352", "Container Virtualization")
    assert [(o.id, o.weight) for o in topic.objectives] == [
        ("352.1", 7), ("352.2", 6), ("352.3", 9), ("352.4", 3)]
    assert [o.title for o in topic.objectives] == [
        "Container Virtualization Concepts", "LXC", "Docker", "Container Orchestration Platforms"]
    assert [len(o.key_knowledge_areas) for o in topic.objectives] == [12, 7, 7, 4]


def test_cited_objects_of_352_1(seed):
    cited = [(c.name, c.kind, c.note) for c in seed.guide.objective("352.1").cited_objects]
    assert cited == [
        ("nsenter", CitedKind.COMMAND, None),
        ("unshare", CitedKind.COMMAND, None),
        ("ip", CitedKind.COMMAND, "including relevant subcommands"),
        ("capsh", CitedKind.COMMAND, None),
        ("/sys/fs/cgroups", CitedKind.DIRECTORY, None),
        ("/proc/[0-9]+/ns", CitedKind.PATTERN, None),
        ("/proc/[0-9]+/status", CitedKind.PATTERN, None),
    ]


def test_timeline(seed):
    events = [(e.period, e.events) for e in seed.guide.objective("352.1").timeline]
    assert events == [("1979", ("chroot",)), ("2000", ("FreeBSD Jails",)),
                      ("2002", ("Linux Namespaces",)), ("2005", ("Solaris Containers",)),
                      ("2007", ("cgroups",)), ("2008", ("LXC",)), ("2013", ("Docker",)),
                      ("2015", ("Kubernetes",))]


IMPORTANT_352_1 = [
    ("unshare", "create a new namespaces and run a command in it",
     ["unshare --mount --uts --ipc --user --pid --net  --map-root-user --mount-proc --fork chroot "
      "~vagrant/debian bash"]),
    ("unshare", "mount /proc for test",
     ["mount -t proc proc /proc", "ps -aux", "ip addr show", "umount /proc"]),
    ("lsns", "show all namespaces", ["lsns"]),
    ("lsns", "show only pid namespace", ["lsns -s <pid>", "lsns -p 3669"]),
    ("lsns", None, ["ls -l /proc/<pid>/ns", "ls -l /proc/3669/ns"]),
    ("lsns", None, ["ps -o pid,pidns,netns,ipcns,utsns,userns,args -p <PID>",
                    "ps -o pid,pidns,netns,ipcns,utsns,userns,args -p 3669"]),
    ("nsenter", "execute a command in namespace",
     ["sudo nsenter -t <PID> -n  ip link show", "sudo nsenter -t 3669 -n ip link show"]),
    ("ip", "create a new network namespace", ["sudo ip netns add lxc1"]),
    ("ip", "list network list", ["ip netns list"]),
    ("ip", "exec command in network namespace", ["sudo ip netns exec lxc1 ip addr show"]),
    ("stat", "get cgroup version", ["stat -fc %T /sys/fs/cgroup"]),
    ("systemctl and systemd", "get cgroups of system", ["systemctl status", "systemd-cgls"]),
    ("cgcreate", None, ["cgcreate -g memory,cpu:lsf"]),
    ("cgclassify", None, ["cgclassify -g memory,cpu:lsf <PID>"]),
]


def test_important_commands_of_352_1(seed):
    groups = [(g.section, g.purpose, [line.text for line in g.lines])
              for g in seed.guide.objective("352.1").command_groups if g.important]
    assert groups == IMPORTANT_352_1
    unshare_test = [g for g in seed.guide.objective("352.1").command_groups if g.important][1]
    assert all(line.disabled for line in unshare_test.lines)


def test_command_blocks_outside_important_commands(seed):
    others = [g for g in seed.guide.objective("352.1").command_groups if not g.important]
    assert len(others) == 13
    assert (others[0].purpose, others[0].purpose_source, others[0].lines[0].text) == (
        "Use ldd to identify required libraries", "lead-in", "ldd /bin/bash")
    assert [line.text for line in others[-2].lines] == [
        "echo 104857600 > /sys/fs/cgroup/mygroup/memory.max",
        'echo "50000 100000" > /sys/fs/cgroup/mygroup/cpu.max  # 50ms quota per 100ms period']


def test_stubs(seed):
    assert [(s.title, s.reason, s.pos.line) for s in seed.guide.objective("352.2").stubs] == [
        ("foo", "placeholder", 560)]
    assert [(s.title, s.reason, s.pos.line) for s in seed.guide.objective("352.3").stubs] == [
        ("docker", "comment-only block", 605)]
    assert seed.guide.objective("352.2").command_groups == ()
    assert seed.guide.objective("352.4").command_groups == ()
    assert seed.guide.objective("352.4").cited_objects == ()


def test_comparison_tables_and_titles(seed):
    tables = [(t.title, t.pos.line, len(t.rows)) for t in seed.guide.objective("352.1").tables]
    assert tables == [
        ("Containers vs Virtual Machines", 141, 5),
        ("Popular Container Runtimes", 177, 5),
        ("Container Internals and Security Elements", 187, 5),
        ("What Do Namespaces Isolate?", 211, 7),
        ("Cgroups (Control Groups)", 258, 4),
        ("Capabilities", 271, 3),
        ("Security Mechanisms", 283, 3),
        ("Key Capabilities", 313, 5),
        ("Subsystems (Controllers)", 325, 8),
        ("Process & Group Inspection", 412, 4),
        ("Concepts Summary", 437, 4),
    ]


def test_images_and_links_are_all_missing(seed):
    objective = seed.guide.objective("352.1")
    assert [(i.pos.line, i.exists) for i in objective.images] == [
        (9, False), (65, False), (129, False), (199, False), (223, False), (299, False)]
    assert [(link.pos.line, link.target, link.exists) for link in objective.links] == [
        (117, "../scripts/container/chroot.sh", False)]


def test_definitions(seed):
    terms = [d.term for d in seed.guide.objective("352.1").definitions]
    assert terms == ["What is chroot?", "What Is a Container?", "Lightweight", "Portable",
                     "Isolated", "Efficient", "Scalable",
                     "Understanding Cgroups (Control Groups)", "cgroups v1", "cgroups v2"]


def test_no_mojibake_anywhere_in_the_model(seed):
    text = json.dumps(guide_to_data(seed.guide), ensure_ascii=False)
    assert not [m for m in MOJIBAKE_MARKERS if m in text]
    assert not any("\u0080" <= ch <= "\u009f" for ch in text)
    titles = [s.title for o in seed.guide.objectives for s in o.sections]
    assert "Minimum Required Structure" in titles and "Understanding Containers" in titles


def test_mojibake_is_reported_at_its_lines(seed):
    dropped = sorted({d.pos.line for d in seed.diagnostics if d.rule == "mojibake-dropped"})
    assert dropped == [75, 78, 127, 185, 207, 250, 265, 279, 311, 410]
    repaired = {d.pos.line for d in seed.diagnostics if d.rule == "mojibake-repaired"}
    assert {71, 84, 131, 197, 578} <= repaired
