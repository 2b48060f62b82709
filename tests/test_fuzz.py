"""Property test: guide-shaped markdown never crashes the reader, and the model round-trips."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from builder.pipeline import check
from builder.serialize import guide_from_data, json_schema, relative_to_root
from builder.writers import json_writer

# One validator: jsonschema.validate() re-checks the schema itself on every call (90% of the time).
VALIDATOR = jsonschema.Draft202012Validator(json_schema())
ids = st.builds("{}.{}".format, st.sampled_from(["351", "352", "353", "252"]), st.integers(0, 12))
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
emoji = st.sampled_from(["🐳", "🧱 ", "⚙️", "📦", "ðŸ§±", "â€”", "ðŸ› ï¸", "Ã©", "\ufffd", "\u0085"])
html = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                        '<a name="x"></a>', '<p align="right">(<a href="#t">back to top</a>)</p>',
                        "<!-- card: pinned-key -->", "<details>", "mount <device> <dir>",
                        "<!-- cheatdeck: ignore[no-purpose, heading-*] -->",
                        "<!-- cheatdeck: ignore[nothing-like-it] -->"])
heading = st.builds(lambda level, icon, text: "#" * level + " " + icon + text,
                    st.integers(1, 6), st.sampled_from(["", "🔧 ", "ðŸ”§ "]),
                    st.one_of(ids.map(lambda i: i + " Objective"),
                              st.just("Topic 352: Containers"), words,
                              st.sampled_from(["352.1 Cited Objects", "352.2 Important Commands",
                                               "What is a namespace?", "foo", "Definition"])))
labels = st.sampled_from(["**Weight:** 7", "**Weight:** x", "**Description:** text",
                          "**Key Knowledge Areas:**", "Weight: 3"])
command = st.sampled_from(["ls -l", "#mount -t proc proc /proc", "# purpose of it", "",
                           "/etc/lxc/default.conf", "echo a \\", "$ docker ps", "foo",
                           "ip netns add x", "├── bin/", "unshare --fork --pid"])
fence = st.builds(lambda lang, lines, closed: f"```{lang}\n" + "\n".join(lines) + ("\n```" if closed else ""),
                  st.sampled_from(["", "sh", "bash", "console", "yaml", "mermaid"]),
                  st.lists(st.one_of(command, st.just("timeline"), st.just("2013 : Docker : x")),
                           max_size=8), st.booleans())
table = st.builds(lambda cols, rows: "\n".join(
    ["| " + " | ".join(f"h{i}" for i in range(cols)) + " |", "|" + " --- |" * cols]
    + ["| " + " | ".join(r) + " |" for r in rows]),
    st.integers(1, 4), st.lists(st.lists(st.sampled_from(["a", "`x | y`", "**b**", "", "🐳"]),
                                         min_size=1, max_size=5), max_size=4))
items = st.lists(st.builds(lambda depth, text: "  " * depth + "* " + text, st.integers(0, 3),
                           st.one_of(words, st.just("**Term**: meaning"), st.just("![i](x.png)"))),
                 max_size=5).map("\n".join)
block = st.one_of(heading, labels, fence, table, items, words, emoji, html,
                  st.just("> quote"), st.just("![img](../../etc/passwd)"), st.just("---"))
guides = st.lists(block, max_size=25).map("\n\n".join)


@given(guides, st.booleans())
def test_reader_survives_guide_shaped_markdown(text: str, bom: bool):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "guide.md"
        data = text.encode("utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
        result = check([str(path)])
    line_count = len(re.split(r"\r\n?|\n", text))
    for d in result.diagnostics:
        assert d.pos.path == str(path)
        assert 1 <= d.pos.line <= line_count, str(d)
    rendered = json_writer.render(result.guide)
    data_back = json.loads(rendered)
    VALIDATOR.validate(data_back)
    assert guide_from_data(data_back) == relative_to_root(result.guide)  # notes.json paths are root-relative


@given(st.binary(max_size=400))
def test_reader_survives_arbitrary_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "guide.md"
        path.write_bytes(data)
        result = check([str(path)])
    for d in result.diagnostics:
        assert 1 <= d.pos.line <= len(re.split(rb"\r\n?|\n", data)), str(d)
