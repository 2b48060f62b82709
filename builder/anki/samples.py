"""Code samples as "what does this line do?" cloze notes: each line the guide's comment explains."""

from __future__ import annotations

import re

from builder.anki.cloze import safe
from builder.anki.facts import MAX_SAMPLE_LINES, Fact
from builder.anki.fields import breakable
from builder.anki.leaks import gives_away
from builder.i18n import N_, _
from builder.model import CodeSample

LINE_PROMPT = N_("What does the marked line do?")
AROUND = 3  # lines shown before and after the marked one when the sample is too long for a phone
_COMMENT = re.compile(r"^(\s*(?:#|//)\s*)(.*?)\s*$")
_TRAILING = re.compile(r"(\s+(?:#|//)\s*)(\S.*?)\s*$")
# `# syntax=docker/dockerfile:1` is a parser directive, `# ---- Base Stage ----` a banner:
# neither says what a line does.
_NOT_MEANING = re.compile(r"^(?:syntax|escape)=|^[-=*#\s]|[-=*]{3,}|^!")


def _meaning(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 1 and not _NOT_MEANING.search(text)


def _trailing(line: str) -> re.Match[str] | None:
    """A comment after code on the same line, outside quotes."""
    m = _TRAILING.search(line)
    if m is None or not line[:m.start()].strip():
        return None
    before = line[:m.start()]
    return m if before.count('"') % 2 == 0 and before.count("'") % 2 == 0 else None


def _header(sample: CodeSample, i: int, comment: str) -> bool:
    """A comment on the first line that names a file or format describes the whole sample."""
    return i == 0 and bool(re.search(r"\w\.\w+\b|\bformat\b|file\b", comment))


def explained_lines(sample: CodeSample) -> list[tuple[int, list[int], str]]:
    """(line, comment lines, line text) for each code line a comment explains: the comment lines
    right above it, or a comment at its end."""
    lines = sample.text.splitlines()
    out = []
    above: list[int] = []
    for i, line in enumerate(lines):
        m = _COMMENT.match(line)
        if m and line.strip():
            above = above + [i] if _meaning(m.group(2)) and not _header(sample, i, m.group(2)) else []
            continue
        if not line.strip():
            above = []
            continue
        t = _trailing(line)
        if t and _meaning(t.group(2)):
            out.append((i, [i], line))
        elif above:
            out.append((i, above, line))
        above = []
    return out


def _blanked(line: str, trailing: bool) -> str:
    m = _trailing(line) if trailing else _COMMENT.match(line)
    assert m is not None
    return (safe(line[:m.start(2)]) + "{{c1::" + safe(m.group(2)) + "}}" + safe(line[m.end(2):]))


def line_facts(sample: CodeSample) -> list[Fact]:
    """One note per explained line: the sample (or the lines around it), the line in bold and its
    comment blanked."""
    lines = sample.text.splitlines()
    context = sample.caption or sample.section or sample.language
    facts = []
    for at, comments, code in explained_lines(sample):
        meaning = " ".join(_COMMENT.match(lines[c]).group(2) if c != at else _trailing(code).group(2)
                           for c in comments)
        first = min(comments + [at])
        lo, hi = (0, len(lines)) if len(lines) <= MAX_SAMPLE_LINES else \
            (max(0, first - AROUND), min(len(lines), at + AROUND + 1))
        shown = []
        for i in range(lo, hi):
            if i in comments:
                body = _blanked(lines[i], trailing=i == at)
            else:
                body = safe(lines[i])
            shown.append(f"<b>{body}</b>" if i == at else body)
        rest = "\n".join(lines[i] for i in range(lo, hi) if i not in comments) + context
        if meaning.casefold() in rest.casefold() or gives_away(meaning, rest, "text"):
            continue  # the answer would be on the front
        text = (f'<div class="purpose">{safe(context)}</div><div class="ask">{safe(_(LINE_PROMPT))}</div>'
                f'<pre class="code">{breakable(chr(10).join(shown))}</pre>')
        key = f"line\x1f{sample.section or ''}\x1f{sample.caption or ''}\x1f{' '.join(code.split())}"
        facts.append(Fact(key, text, 1, sample.section, sample.pos))
    return facts


def sample_line_facts(samples: tuple[CodeSample, ...]) -> list[Fact]:
    """Every explained line of an objective's samples; a line explained twice keeps the first."""
    first: dict[str, Fact] = {}
    for fact in (f for s in samples for f in line_facts(s)):
        first.setdefault(fact.key, fact)
    return list(first.values())
