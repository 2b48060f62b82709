"""Sheet contexts and HTML, without WeasyPrint: folding, escaping, links, emoji, stubs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from builder.model import CitedKind, CitedObject, CommandGroup, CommandLine, GroupKind, RichText, SourcePos
from builder.pipeline import check
from builder.sheets.codelines import WRAP_MARK, fold_html
from builder.sheets.context import Layout, cited_entries, command_blocks, objective_sheet
from builder.sheets.names import anchor_for, slug
from builder.sheets.render import SheetRenderer, css_string
from builder.html import highlight_code

POS = SourcePos("guide.md", 10)
LAYOUT = Layout("a4", "landscape", "color")


def visible_lines(html: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "", html)
    return [line.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#x27;", "'") for line in text.split("\n")]


@pytest.mark.parametrize("code", [
    "unshare --mount --uts --ipc --user --pid --net --map-root-user --mount-proc --fork chroot /srv/x bash",
    "echo " + "a" * 150,
    'docker inspect -f "{{ .State.Status }}" web && echo "<done>" > /tmp/out-with-a-long-name.txt',
])
def test_folded_lines_fit_the_width_and_keep_every_character(code):
    html = fold_html(highlight_code(code, "sh"), 40)
    lines = visible_lines(html)
    assert all(len(line) <= 40 for line in lines), lines
    assert all(line.startswith("\u21aa ") for line in lines[1:])
    assert "".join(line.removeprefix("\u21aa ") for line in lines).replace(" ", "") == code.replace(" ", "")
    assert html.count("<span") == html.count("</span>")


def test_a_short_line_is_left_alone():
    html = highlight_code("ip netns list", "sh")
    assert fold_html(html, 40) == html and WRAP_MARK not in html


def test_folding_prefers_a_space_to_a_break_mid_word():
    lines = visible_lines(fold_html("alpha beta gamma delta epsilon zeta", 20))
    assert lines[0] == "alpha beta gamma "


def test_slugs_and_anchors_are_file_and_id_safe():
    assert slug("Container Virtualization Concepts 🧠") == "container-virtualization-concepts"
    assert slug("LXC/LXD: the basics") == "lxc-lxd-the-basics"
    assert slug("🧪") == "untitled"
    assert slug("Virtualização do Contêiner") == "virtualizacao-do-conteiner"  # letters kept
    assert anchor_for("352.1", "g3") == "o352-1-g3"


def test_css_strings_cannot_close_the_style_element():
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'


def group(purpose, *lines, important=True, section=None, disabled=()):
    return CommandGroup(purpose, "comment", tuple(CommandLine(t, POS, t in disabled) for t in lines),
                        GroupKind.COMMANDS, "sh", section, important, POS)


def test_cited_objects_link_to_the_first_block_that_uses_them(seed_path):
    o = check([str(seed_path)]).guide.objective("352.1")
    important, other = command_blocks(o, LAYOUT)
    entries = {e.name: e for e in cited_entries(o, important + other, ())}
    assert entries["nsenter"].target is not None
    linked = next(b for b in important + other if b.anchor == entries["nsenter"].target)
    assert any("nsenter" in re.sub(r"<[^>]+>", "", row.html) for row in linked.rows)
    assert entries["capsh"].target is None  # the guide never shows capsh in use


def test_important_commands_come_first_and_sections_show_once():
    o = _objective(command_groups=(
        group("list", "ls", important=False, section="Files"),
        group("copy", "cp a b", important=False, section="Files"),
        group("show namespaces", "lsns"),
        group("mount", "#mount -t proc proc /proc", disabled=("#mount -t proc proc /proc",)),
    ))
    important, other = command_blocks(o, LAYOUT)
    assert [b.purpose_html for b in important] == ["show namespaces", "mount"]
    assert [b.section for b in other] == ["Files", None]
    assert important[1].rows[0].disabled


def _objective(**changes):
    from builder.model import Objective
    base = dict(id="930.9", title="Fixture", icon=None, weight=1, description=RichText.of("d"),
                key_knowledge_areas=(), cited_objects=(), command_groups=(), samples=(), tables=(),
                definitions=(), timeline=(), images=(), links=(), sections=(), stubs=(), pos=POS)
    base.update(changes)
    return Objective(**base)


class StrictParser(HTMLParser):
    """Fails on unbalanced non-void elements."""

    VOID = {"meta", "link", "br", "img", "hr", "input"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def parse_html(text: str) -> None:
    parser = StrictParser()
    parser.feed(text)
    parser.close()
    assert parser.stack == []


def test_seed_sheets_render_to_balanced_escaped_html(seed_path):
    guide = check([str(seed_path)]).guide
    renderer = SheetRenderer()
    for topic in guide.topics:
        for o in topic.objectives:
            sheet = objective_sheet(guide, topic, o, LAYOUT)
            html = renderer.objective(sheet, standalone=True)
            parse_html(html)
            assert '<link rel="stylesheet" href="sheet.css">' in html
            assert "<script" not in html
    stubbed = objective_sheet(guide, guide.topics[0], guide.objective("352.2"), LAYOUT)
    assert not stubbed.has_commands  # the placeholder 'foo' is a stub, never printed as a command
    assert "No commands for this objective" in renderer.objective(stubbed, standalone=False)


def test_model_text_is_escaped_not_trusted():
    o = _objective(title="<script>alert(1)</script>", command_groups=(group("<b>x</b>", "echo '<img src=x>'"),),
                   cited_objects=(CitedObject("<evil>", CitedKind.COMMAND, None, POS),))
    from builder.model import Guide, Topic
    topic = Topic("930", "T", None, (o,), POS)
    guide = Guide((topic,), (), ".")
    html = SheetRenderer().objective(objective_sheet(guide, topic, o, LAYOUT), standalone=False)
    assert "<script>" not in html and "<evil>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;" in html


def test_emoji_drop_removes_pictographs_everywhere():
    o = _objective(title="Namespaces 🧠", description=RichText.of("isolate ✅ things"),
                   command_groups=(group("🔧 show", "echo 🚀"),))
    from builder.model import Guide, Topic
    topic = Topic("930", "Emoji 🧪", None, (o,), POS)
    guide = Guide((topic,), (), ".")
    dropped = Layout("a4", "landscape", "drop")
    html = SheetRenderer().objective(objective_sheet(guide, topic, o, dropped), standalone=False)
    assert not re.search("[\U0001F300-\U0001FAFF\u2705]", html)
    assert "Namespaces" in html and "isolate" in html


@pytest.mark.slow
def test_objective_sheets_name_the_practice_questions_that_ask_about_them(tmp_path):
    """A guide and an exam built together: each objective's sheet lists its exam questions."""
    import shutil

    from pypdf import PdfReader

    from builder.config import BuildConfig
    from builder.pipeline import build
    from builder.sheets.context import _ranges
    from tests.conftest import FIXTURES, ROOT

    assert _ranges([61, 62, 63, 70, 72, 73]) == "61-63, 70, 72-73"
    shutil.copy(next((ROOT / "source").glob("352.1-*.md")), tmp_path / "guide.md")
    shutil.copy(FIXTURES / "exam" / "issue-example.md", tmp_path / "exam.md")
    out = tmp_path / "dist"
    config = BuildConfig(output=out, formats=("sheets",), only=("352.1",),
                         options={"jobs": 1, "progress": False})
    build([str(tmp_path)], config)
    (pdf,) = (out / "sheets").glob("352.1-*.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Practice:" in text and "questions 61-62" in text
