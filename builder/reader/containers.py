"""Callouts and containers of other markdown dialects, unwrapped to the CommonMark their content is.

Guides are written for MkDocs, GitBook, Docusaurus, Obsidian or GitHub, and each dialect wraps a
note, a tip or a collapsed answer in its own markers: `!!! note "Title"` with the content indented
under it (which CommonMark reads as a code block), `> [!TIP]`, `{% hint style="info" %}`,
`:::tip`, `<details><summary>`, and headings and paragraphs written as HTML (`<h2>...</h2>`,
`<p>...</p>` on one line), and a static site's front matter (its `title:` stays as a heading). The
markers say how the content is shown, never what it is, so
they are removed before markdown-it reads the file, and the content is read as any other
paragraph, list or code block. Lines are blanked or shortened, never added or removed, so every
position the reader reports is still the line the author wrote.

Each dialect is one `Container` in `CONTAINERS` with an example (held to it by
tests/test_guide_shapes.py) and the fixture guide `tests/guides/containers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from builder.reader.shapes import match_objective, match_topic


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    example: str  # a line of the dialect this entry unwraps
    pattern: re.Pattern[str]
    keep: str | None = None  # the group whose text stays on the line (a summary's words), else blank
    indented: bool = False  # the content is the indented block under the marker (MkDocs)
    heading: bool = False  # `<h2>Title</h2>`: the line becomes the markdown heading of its level
    numbered: bool = False  # `#101.1 Title`: a heading's marks without their space, kept only for a number

    def applies(self, m: re.Match[str]) -> bool:
        """`#101.1 Title` is a heading whose space is missing; `#hashtag` is a word."""
        if not self.numbered:
            return True
        rest = m.group("text")
        return bool(match_objective(rest) or (t := match_topic(rest)) and t.shape == "topic-word")

    def rewrite(self, m: re.Match[str]) -> str:
        if self.numbered:
            return f"{m.group('marks')} {m.group('text')}"
        if self.heading:
            return "#" * int(m.group("level")) + " " + _TAG.sub("", m.group("text")).strip()
        return _TAG.sub("", m.group(self.keep)).strip() if self.keep == "text" else \
            (m.group(self.keep) if self.keep else "")


CONTAINERS: tuple[Container, ...] = (
    Container("mkdocs-admonition", '!!! note "Remember"',
              re.compile(r"^ {0,3}(?:!!!|\?\?\?\+?)[ \t]*[A-Za-z][\w-]*(?:[ \t]+\"[^\"]*\")?[ \t]*$"),
              indented=True),
    Container("github-alert", "> [!TIP]",
              re.compile(r"^(?P<quote>[ \t]*(?:>[ \t]?)+)\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION|[A-Za-z-]+)\][+-]?"
                         r"(?:[ \t]+.*)?$", re.IGNORECASE),
              keep="quote"),
    Container("gitbook-tag", '{% hint style="info" %}',
              re.compile(r"^[ \t]*\{%[ \t]*(?:end)?(?:hint|tabs|tab|code|content-ref|embed|file|swagger|"
                         r"include|raw)\b[^%]*%\}[ \t]*$")),
    Container("fenced-container", ":::tip",
              re.compile(r"^ {0,3}:{3,}[ \t]*(?:[A-Za-z][\w-]*(?:[ \t].*)?|\{[^}]*\}[ \t]*)?$")),
    Container("html-details", "<details>",
              re.compile(r"^[ \t]*</?details(?:[ \t][^>]*)?>[ \t]*$", re.IGNORECASE)),
    Container("html-summary", "<summary>Which command shows the UUID?</summary>",
              re.compile(r"^[ \t]*(?:<details(?:[ \t][^>]*)?>[ \t]*)?<summary>(?P<text>.*?)</summary>[ \t]*$",
                         re.IGNORECASE),
              keep="text"),
    Container("html-heading", "<h2>101.2 Boot the system</h2>",
              re.compile(r"^ {0,3}<h(?P<level>[1-6])(?:[ \t][^>]*)?>(?P<text>.*?)</h(?P=level)>[ \t]*$", re.IGNORECASE),
              heading=True),
    Container("heading-without-space", "#101.1 Determine and configure hardware settings",
              re.compile(r"^ {0,3}(?P<marks>#{1,6})(?P<text>[^\s#].*)$"), numbered=True),
    Container("html-paragraph", "<p>Weight: 3</p>",
              re.compile(r"^ {0,3}<p(?:[ \t][^>]*)?>(?P<text>.*?)</p>[ \t]*$", re.IGNORECASE), keep="text"),
)

_TAG = re.compile(r"<[^>]*>")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUICK = re.compile(r"^[ \t]*(?:!!!|\?\?\?|>|\{%|:::|</?details|<summary|<h[1-6]|<p|#+[^\s#])", re.IGNORECASE)


_TITLE = re.compile(r"^title\s*[:=]\s*(?P<q>[\"']?)(?P<text>.*?)(?P=q)\s*$", re.IGNORECASE)


def front_matter(lines: list[str]) -> list[str] | None:
    """A static-site generator's front matter (`---` YAML or `+++` TOML at the top of the file)
    blanked, its `title:` kept as the page's level-1 heading; None when the file has none.
    Its keys are the site's (`weight: 4` orders pages), never the objective's labels."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return None
    marker = lines[0].strip()
    end = next((i for i, line in enumerate(lines[1:200], 1)
                if line.strip() == marker or marker == "---" and line.strip() == "..."), None)
    if end is None or not any(re.match(r"^[\w-]+\s*[:=]", line) for line in lines[1:end]):
        return None
    out = list(lines)
    for i in range(end + 1):
        m = _TITLE.match(lines[i].strip())
        out[i] = f"# {m.group('text')}" if m and m.group("text") else ""
    return out


def unwrap_containers(lines: list[str]) -> list[str]:
    """The file's lines with every dialect's container markers removed (same number of lines)."""
    lines = front_matter(lines) or lines
    if not any(_QUICK.match(line) for line in lines):
        return lines  # most files
    out = list(lines)
    fence: str | None = None
    indented = False  # inside the indented content of a MkDocs admonition
    for i, line in enumerate(lines):
        if indented:
            if not line.strip():
                out[i] = ""
                continue
            if line.startswith(("    ", "\t")):
                line = out[i] = line[4:] if line.startswith("    ") else line[1:]
            else:
                indented = False
        if m := _FENCE.match(line):
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):].strip():
                fence = None
            continue
        if fence is not None or not _QUICK.match(line):
            continue
        if (found := _match(line)) is None:
            continue
        container, m = found
        out[i] = container.rewrite(m)
        indented = indented or container.indented
    return out


def _match(line: str) -> tuple[Container, re.Match[str]] | None:
    for container in CONTAINERS:
        if (m := container.pattern.match(line)) and container.applies(m):
            return container, m
    return None


@lru_cache(maxsize=1)
def container_names() -> tuple[str, ...]:
    return tuple(c.name for c in CONTAINERS)
