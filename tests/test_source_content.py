"""The guide in source/ against LPI's published 305-300 objectives: weights and cited objects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import cli
from builder.model import SourcePos
from builder.pipeline import check
from builder.reader.cited import parse_cited_object

SOURCE = Path(__file__).resolve().parent.parent / "source"

# LPI's objective text for exam 305-300 (version 3.0): weight and the "partial list of the used
# files, terms and utilities", one entry per LPI line. An entry is the LPI line itself, or the LPI
# line with the terms a reader must find for it when the line holds several terms or an annotation.
LPI: dict[str, tuple[int, tuple[str | tuple[str, tuple[str, ...]], ...]]] = {
    "351.1": (6, (
        "Hypervisor",
        ("Hardware Virtual Machine (HVM)", ("Hardware Virtual Machine", "HVM")),
        ("Paravirtualization (PV)", ("Paravirtualization", "PV")),
        ("Emulation and Simulation", ("Emulation", "Simulation")),
        "CPU flags",
        "/proc/cpuinfo",
        ("Migration (P2V, V2V)", ("Migration", "P2V", "V2V")),
    )),
    "351.2": (3, (
        ("Domain0 (Dom0), DomainU (DomU)", ("Domain0", "Dom0", "DomainU", "DomU")),
        ("PV-DomU, HVM-DomU", ("PV-DomU", "HVM-DomU")),
        "/etc/xen/",
        "xl",
        "xl.cfg",
        "xl.conf",
        "xentop",
    )),
    "351.3": (4, (
        ("Kernel modules: kvm, kvm-intel and kvm-amd", ("kvm", "kvm-intel", "kvm-amd")),
        "/dev/kvm",
        "QEMU monitor",
        "qemu",
        "qemu-system-x86_64",
        "ip",
        "brctl",
        "tunctl",
    )),
    "351.4": (9, (
        "libvirtd",
        "/etc/libvirt/",
        ("virsh (including relevant subcommands)", ("virsh",)),
    )),
    "351.5": (3, (
        "qemu-img",
        ("guestfish (including relevant subcommands)", ("guestfish",)),
        "guestmount",
        "guestumount",
        "virt-cat",
        "virt-copy-in",
        "virt-copy-out",
        "virt-diff",
        "virt-inspector",
        "virt-filesystems",
        "virt-rescue",
        "virt-df",
        "virt-sparsify",
        "virt-resize",
        "virt-sysprep",
        "virt-p2v",
        "virt-p2v-make-disk",
        "virt-v2v",
    )),
    "352.1": (7, (
        "nsenter",
        "unshare",
        ("ip (including relevant subcommands)", ("ip",)),
        "capsh",
        "/sys/fs/cgroups",
        "/proc/[0-9]+/ns",
        "/proc/[0-9]+/status",
    )),
    "352.2": (6, (
        "lxd",
        ("lxc (including relevant subcommands)", ("lxc",)),
    )),
    "352.3": (9, (
        "dockerd",
        "/etc/docker/daemon.json",
        "/var/lib/docker/",
        "docker",
        "Dockerfile",
    )),
    "352.4": (3, ()),  # LPI publishes no list of files, terms and utilities for 352.4
    "353.1": (2, (
        ("IaaS, PaaS, SaaS", ("IaaS", "PaaS", "SaaS")),
        "OpenStack",
        "Terraform",
    )),
    "353.2": (2, (
        "packer",
    )),
    "353.3": (3, (
        "cloud-init",
        "user-data",
        "/var/lib/cloud/",
    )),
    "353.4": (3, (
        "vagrant",
        "Vagrantfile",
    )),
}

# Command groups each objective must reach (issue #17): depth comparable to topic 352.
MIN_COMMAND_GROUPS = {"351.1": 8, "351.2": 30, "351.3": 35, "351.4": 60, "351.5": 30, "352.1": 25,
                      "352.2": 30, "352.3": 40, "352.4": 15, "353.1": 10, "353.2": 15, "353.3": 15,
                      "353.4": 20}

_CITED_BLOCK = re.compile(r"^#+[^\n]*Cited Objects[^\n]*\n+```[^\n]*\n.*?^```[^\n]*$",
                          re.MULTILINE | re.DOTALL)


def _objective_file(objective: str) -> Path | None:
    found = sorted(SOURCE.glob(f"{objective}-*.md"))
    return found[0] if found else None


def _terms(entry: str | tuple[str, tuple[str, ...]]) -> tuple[str, ...]:
    return (entry,) if isinstance(entry, str) else entry[1]


def _body(path: Path) -> str:
    """The file without its Cited Objects list, so a term listed there does not count as used.
    `_` reads as `-`, as in the module names kvm_intel and kvm-intel."""
    text, removed = _CITED_BLOCK.subn("", path.read_text(encoding="utf-8"), count=1)
    assert removed == 1, f"{path.name} has no fenced Cited Objects list"
    return text.replace("_", "-")


def _mention(term: str) -> re.Pattern[str]:
    """The reader's own mention regex for TERM (paths, patterns such as /proc/[0-9]+/ns and
    commands), made case-insensitive because terms like Hypervisor appear mid-sentence."""
    cited = parse_cited_object(term.replace("_", "-"), SourcePos("lpi", 1))
    assert cited is not None
    return re.compile(cited.mention_regex().pattern, re.IGNORECASE)


@pytest.fixture(scope="module")
def guide_objectives():
    result = check([str(SOURCE)])
    return {o.id: o for o in result.guide.objectives}


def test_lpi_table_is_the_whole_exam() -> None:
    assert len(LPI) == 13
    assert sum(weight for weight, _ in LPI.values()) == 60
    assert set(MIN_COMMAND_GROUPS) == set(LPI)


@pytest.mark.parametrize("objective", sorted(LPI))
def test_objective_matches_lpi(objective: str, guide_objectives) -> None:
    path = _objective_file(objective)
    if path is None:
        pytest.skip(f"source/{objective}-*.md is not written yet")
    weight, cited = LPI[objective]
    read = guide_objectives.get(objective)
    assert read is not None, f"{path.name} holds no objective {objective}"
    assert read.weight == weight, f"{objective}: weight {read.weight}, LPI says {weight}"
    body = _body(path)
    missing = [term for entry in cited for term in _terms(entry) if not _mention(term).search(body)]
    assert not missing, f"{path.name} never uses LPI's cited {missing} outside its Cited Objects"
    groups = len(read.command_groups)
    assert groups >= MIN_COMMAND_GROUPS[objective], (
        f"{objective}: {groups} command groups, at least {MIN_COMMAND_GROUPS[objective]} expected")


def test_matcher_ignores_the_cited_objects_list(tmp_path: Path) -> None:
    """A term that only appears in the Cited Objects list is reported missing."""
    guide = tmp_path / "999.1-x.md"
    guide.write_text("## 999.1 X\n\n### 999.1 Cited Objects\n\n```sh\nvagrant\n/proc/[0-9]+/ns\n```\n\n"
                     "Look at /proc/<pid>/ns first.\n", encoding="utf-8")
    body = _body(guide)
    assert not _mention("vagrant").search(body)
    assert _mention("/proc/[0-9]+/ns").search(body)


def test_source_checks_clean_in_strict_mode() -> None:
    result = CliRunner().invoke(cli, ["check", "--strict", str(SOURCE)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output
