"""A fence marked as shell (or not marked at all) that holds no commands: what it holds instead.

Guides put configuration files, SQL, YAML, JSON, tables of values and `--help` text in `sh`
fences. Read as commands they become "step 3 of 25" cards that ask for a brace. Each detector
below is one shape, tried in order; the first that reads the block names its kind, and the
block becomes a code sample of that kind. A block with prompts (`$ `, `[root@host ~]# `) is a
terminal session and is never tested here: its unprompted lines are output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from builder.reader.shellwords import PROMPT, is_root_session, reads_as_sentence

_SQL = re.compile(r"^\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|GRANT|REVOKE|USE|DESCRIBE|FROM|"
                  r"WHERE|JOIN|ORDER\s+BY|GROUP\s+BY|VALUES|SET\s+\w+\s*=|BEGIN|COMMIT|PRIMARY|\))\b",
                  re.IGNORECASE)
_YAML = re.compile(r"^\s*(?:-\s+)?[A-Za-z_\"'][\w.\"'/-]*:(?:\s|$)|^\s*-\s+\S|^---$")
_INI_SECTION = re.compile(r"^\s*\[[^\]]+\]\s*$")
_KEY_VALUE = re.compile(r"^\s*[\w.-]+\s+=\s+\S|^\s*[\w.-]+\s*=\s*\S+\s*$")
_HELP = re.compile(r"^\s+-{1,2}\w[\w-]*(?:[ ,=]|$)|^\s*usage:", re.IGNORECASE)
_COMMAND_START = re.compile(r"^\s*(?:sudo\s+)?(?:[A-Za-z_./~$(\[{!][\w.+/:~${}()\[\]-]*|\w+=\S*)(?:\s|$)")
_VALUE_START = re.compile(r"^\s*(?:\d|[\w.-]+:\s|[A-Z][A-Z _-]+\s{2,}|\S+\s{2,}\S+\s{2,})")


def _json(content: str, lines: list[str]) -> bool:
    text = content.strip()
    if not text[:1] in "{[" or text[-1:] not in "}]":
        return False
    try:
        json.loads(text)
    except ValueError:
        return sum(line.strip().startswith('"') for line in lines) >= len(lines) / 2
    return True


def _xml(content: str, lines: list[str]) -> bool:
    return lines[0].lstrip().startswith("<") and sum(line.lstrip().startswith("<") for line in lines) >= len(lines) / 2


def _sql(content: str, lines: list[str]) -> bool:
    return sum(bool(_SQL.match(line)) for line in lines) >= max(1, len(lines) * 0.6) and ";" in content


def _braces(content: str, lines: list[str]) -> bool:
    """nginx, Apache, named.conf, dhcpd.conf: blocks in braces or tags, statements ending in `;`."""
    opens = sum(line.rstrip().endswith("{") for line in lines)
    closes = sum(line.strip() in ("}", "};") for line in lines)
    tags = sum(bool(re.match(r"^\s*</?[A-Z][\w]*[ >]", line)) for line in lines)
    return opens >= 1 and closes >= 1 and sum(line.rstrip().endswith((";", "{", "}")) for line in lines) \
        >= len(lines) * 0.6 or tags >= 2


def _ini(content: str, lines: list[str]) -> bool:
    sections = sum(bool(_INI_SECTION.match(line)) for line in lines)
    pairs = sum(bool(_KEY_VALUE.match(line)) for line in lines)
    return sections >= 1 and pairs >= 1 and sections + pairs >= len(lines) * 0.6 or \
        pairs >= 2 and all(re.search(r"\s=\s", line) for line in lines if _KEY_VALUE.match(line)) \
        and pairs >= len(lines) * 0.6


def _assignments(content: str, lines: list[str]) -> bool:
    """`boot=/dev/sda`, `timeout=50`: a configuration file of bare assignments (lilo.conf,
    /etc/default/grub), not shell that sets variables before a command."""
    bare = sum(bool(re.match(r"^\s*[\w.-]+=\S*\s*$", line)) for line in lines)
    return len(lines) >= 3 and bare >= len(lines) * 0.6


def _yaml(content: str, lines: list[str]) -> bool:
    return len(lines) >= 2 and sum(bool(_YAML.match(line)) for line in lines) >= len(lines) * 0.7 \
        and any(re.match(r"^\s*[A-Za-z_\"'][\w.\"'-]*:(?:\s|$)", line) for line in lines)


def _help(content: str, lines: list[str]) -> bool:
    return len(lines) >= 2 and sum(bool(_HELP.match(line)) for line in lines) >= len(lines) * 0.4


def _values(content: str, lines: list[str]) -> bool:
    """A table of values or output: most lines open with a number, a `key:` or aligned columns."""
    values = sum(bool(_VALUE_START.match(line)) or not _COMMAND_START.match(line) for line in lines)
    return values >= max(2, len(lines) * 0.6)


def _explained(content: str, lines: list[str]) -> bool:
    """A list of terms or keys, each explained by a sentence (`RSS` / `Non-swapped memory ...`)."""
    return len(lines) >= 2 and sum(reads_as_sentence(line.strip()) for line in lines) >= len(lines) * 0.4


DETECTORS: tuple[tuple[str, Callable[[str, list[str]], bool]], ...] = (
    ("json", _json),
    ("xml", _xml),
    ("sql", _sql),
    ("conf", _braces),
    ("ini", _ini),
    ("conf", _assignments),
    ("yaml", _yaml),
    ("help", _help),
    ("text", _explained),
    ("text", _values),
)


def _joined(content: str) -> list[str]:
    """The block's lines with `\\`-continued ones joined: one command written over several lines."""
    out: list[str] = []
    carry = ""
    for line in content.split("\n"):
        if line.rstrip().endswith("\\"):
            carry += line.rstrip()[:-1] + " "
            continue
        out.append(carry + line if carry else line)
        carry = ""
    if carry:
        out.append(carry)
    return out


def code_kind(content: str) -> str | None:
    """What a shell-marked block holds when it is not commands (`sql`, `yaml`, ...), else None."""
    lines = [line for line in _joined(content) if line.strip() and not line.lstrip().startswith("#")]
    if not lines or any(PROMPT.match(line) for line in lines) or is_root_session(content.split("\n")):
        return None
    return next((name for name, detect in DETECTORS if detect(content, lines)), None)
