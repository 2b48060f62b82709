"""What a sheet makes of the model's text: key ideas, tool subheadings, definition contexts,
mark-only cells, code folds and highlighting, the topic index, font advice, option paths."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import pytest

from builder.diagnostics import BuildError
from builder.model import (CitedKind, CitedObject, Definition, Objective,
                           Prose, RichText, Section, SourcePos, Span, SpanStyle, Table, TableRow)
from builder.context import templates_folder as _templates_folder
from builder.sheets.codelines import BREAK_AFTER, fold_html
from builder.sheets.context import Layout, command_blocks, objective_sheet
from builder.sheets.diagnose import font_advice
from builder.sheets.index import command_name, topic_index
from builder.sheets.budget import SLACK, page_budget, pages_needed
from builder.sheets.context import prose_level
from builder.sheets.prose import (IDEA_CHARS, IDEAS_PER_SECTION, LEANEST, LEVELS, clip, condense, definition_context,
                                  key_ideas, selected_prose)
from builder.sheets.render import SheetRenderer
from builder.html import highlight_code, rich_to_html
from tests.test_sheets_context import _objective, group, parse_html, visible_lines

LAYOUT = Layout("a4", "landscape", "color")


def at(line: int) -> SourcePos:
    return SourcePos("guide.md", line)


def prose(text: RichText, kind: str = "paragraph", section: str | None = "Basics", line: int = 20) -> Prose:
    return Prose(text, kind, section, 0 if kind == "paragraph" else 1, at(line))


def sheet_for(o: Objective, layout: Layout = LAYOUT):
    from builder.model import Guide, Topic
    guide = Guide(topics=(Topic("930", "Fixture", None, (o,), at(1)),), sources=(), root=".")
    return guide, objective_sheet(guide, guide.topics[0], o, layout)


# -- key ideas ---------------------------------------------------------------------------------

def test_a_paragraph_prints_its_first_sentence_and_its_emphasised_one():
    plain = RichText.of("Docker has a client and a daemon. The client talks to dockerd over a socket. "
                        "Nothing else.")
    assert condense(prose(plain)).plain == "Docker has a client and a daemon."
    marked = RichText((Span("Logs grow without bound. "), Span("Rotate them", SpanStyle.STRONG),
                       Span(" with max-size. The driver is json-file.")))
    # the emphasised sentence is added to the first, which says what "them" is
    assert condense(prose(marked)).plain == "Logs grow without bound. Rotate them with max-size."
    later = RichText((Span("Logs grow without bound. Disks fill. "), Span("Rotate them", SpanStyle.STRONG),
                      Span(" with max-size.")))
    assert condense(prose(later)).plain == "Logs grow without bound. \u2026 Rotate them with max-size."
    item = RichText.of("Type 1 runs on the hardware. Type 2 runs on a host OS.")
    assert condense(prose(item, "item")).plain == "Type 1 runs on the hardware."


def test_a_long_sentence_is_clipped_at_a_clause_and_never_inside_code():
    long = RichText.of("Containers package applications along with their required dependencies, "
                       "code, libraries and configuration files, into isolated, portable and reproducible units.")
    short = clip(long)
    assert short.plain == "Containers package applications along with their required dependencies, code\u2026"
    assert len(short.plain) <= IDEA_CHARS + 1
    # a cut that would leave out a few words only is not made
    almost = RichText.of("y " * 40 + "without the need for a host operating system.")  # 125
    assert clip(almost) == almost
    code = RichText((Span("Run "), Span("docker run --rm --name web --publish 8080:80 --volume data:/srv "
                                         "--env MODE=production nginx:latest", SpanStyle.CODE),
                     Span(" to start the web server in the background, with its data kept in a volume")))
    cut = clip(code)
    assert cut.plain.endswith("\u2026") and any(s.style is SpanStyle.CODE and s.text.endswith("latest")
                                                for s in cut.spans)


def test_lead_ins_repeats_and_a_sections_surplus_print_on_screen_only():
    t = Table("Storage drivers", None, (RichText.of("Driver"),), (), None, at(5))
    items = tuple(prose(RichText.of(f"Fact number {n}."), "item", line=30 + n) for n in range(IDEAS_PER_SECTION + 2))
    o = _objective(tables=(t,), prose=(
        prose(RichText.of("Use ldd to list the libraries:"), line=21),  # a lead-in: its block prints
        prose(RichText.of("Storage drivers."), line=22),  # the table's caption says it
        prose(RichText.of("Fact number 0."), "item", line=23)) + items)
    printed = [s.plain for _, s in selected_prose(o) if s is not None]  # the leanest level
    assert printed == [f"Fact number {n}." for n in range(IDEAS_PER_SECTION)]
    _, sheet = sheet_for(o)
    (group_,) = sheet.ideas
    # a sheet with room prints every piece that says something new
    assert [i.text for i in group_.ideas if i.printed] == [f"Fact number {n}." for n in range(IDEAS_PER_SECTION + 2)]
    html = SheetRenderer().objective(sheet, standalone=True)
    assert html.count('class="item extra"') == 1 and "ldd" in html  # all of it on screen


def test_key_ideas_print_condensed_and_keep_the_full_text_for_the_screen():
    text = RichText.of("The daemon reads daemon.json at start. A -H flag clashes with its hosts key.")
    o = _objective(prose=(prose(text), prose(RichText.of("Use certs.d for registry CAs."), "item")))
    (group_,) = key_ideas(o, rich_to_html, LEANEST)
    assert group_.section == "Basics"
    assert [i.short_html for i in group_.ideas] == ["The daemon reads daemon.json at start.",
                                                     "Use certs.d for registry CAs."]
    assert group_.ideas[0].condensed and "clashes" in group_.ideas[0].full_html
    _, sheet = sheet_for(replace(o, prose=o.prose * 1))
    sheet = replace(sheet, ideas=(group_,))
    html = SheetRenderer().objective(sheet, standalone=True)
    parse_html(html)
    assert "Key ideas" in html and 'class="full"' in html


def test_a_sheet_with_room_prints_its_prose_in_full():
    """The last page's room is filled with prose before any of it is cut."""
    text = RichText.of("The daemon reads daemon.json at start. A -H flag clashes with its hosts key.")
    o = _objective(prose=(prose(text),))
    _, sheet = sheet_for(o)
    assert prose_level(sheet, o, rich_to_html) == LEVELS[0]
    (group_,) = sheet.ideas
    assert group_.ideas[0].text == text.plain and not group_.ideas[0].condensed


def test_prose_that_would_start_another_page_is_condensed():
    """A sheet whose commands nearly fill its page prints one clipped line a piece."""
    pieces = tuple(prose(RichText.of(" ".join(f"Sentence {k} of piece {n} says one more thing about the daemon."
                                              for k in range(12))), line=20 + n) for n in range(8))
    groups = tuple(group(f"step {n}", f"run-step --number {n} --verbose") for n in range(150))
    o = _objective(command_groups=groups, prose=pieces)
    _, sheet = sheet_for(o)
    lean = pages_needed(replace(sheet, ideas=key_ideas(o, rich_to_html, LEANEST)))
    full = pages_needed(replace(sheet, ideas=key_ideas(o, rich_to_html, LEVELS[0])))
    assert math.ceil(full - SLACK) > math.ceil(lean - SLACK)  # printed in full it would need a page more
    assert pages_needed(sheet) <= page_budget(lean)
    assert prose_level(sheet, o, rich_to_html) != LEVELS[0]


def test_no_key_idea_opens_on_a_pronoun_without_what_it_stands_for():
    text = RichText((Span("Xen is a type 1 hypervisor. Dom0 boots first. It runs the toolstack. "),
                     Span("It owns only the CPUs", SpanStyle.STRONG), Span(" it is given.")))
    # the emphasised sentence opens on "It": the sentence before it comes with it
    assert condense(prose(text)).plain == ("Xen is a type 1 hypervisor. \u2026 It runs the toolstack. "
                                           "It owns only the CPUs it is given.")
    # a piece opening on a pronoun prints only when the piece before it (what "it" is) prints
    repeat = prose(RichText.of("Storage drivers."), line=21)
    orphan = prose(RichText.of("They decide how layers are stored."), line=22)
    t = Table("Storage drivers", None, (RichText.of("Driver"),), (), None, at(5))
    o = _objective(tables=(t,), prose=(repeat, orphan))
    assert [s for _, s in selected_prose(o)] == [None, None]
    o = _objective(prose=(prose(RichText.of("Overlay2 is the default driver."), line=21), orphan))
    assert [s.plain for _, s in selected_prose(o)] == ["Overlay2 is the default driver.",
                                                       "They decide how layers are stored."]


def test_the_end_of_a_sentence_is_not_cut_when_little_is_left():
    text = RichText.of("A type 1 hypervisor runs directly on the host's physical hardware, providing a "
                       "base layer to manage VMs without the need for a host operating system.")
    assert IDEA_CHARS + 20 < len(text.plain) and condense(prose(text)).plain == text.plain


def test_a_short_list_item_ending_in_a_colon_labels_the_items_under_it():
    label = prose(RichText.of("Deployment environment:"), "item", line=21)
    under = Prose(RichText.of("Type 1 runs in data centres."), "item", "Basics", 2, at(22))
    lead_in = prose(RichText.of("Start the local registry container with this command:"), "item", line=23)
    o = _objective(prose=(label, under, lead_in))
    assert [s is not None for _, s in selected_prose(o, LEVELS[0])] == [True, True, False]


def test_a_key_idea_is_never_only_link_text():
    more = prose(RichText((Span("More info", SpanStyle.LINK, "https://podman.io/"),)), "item", line=21)
    o = _objective(prose=(prose(RichText.of("Podman runs without a daemon."), "item"), more))
    assert [s is None for _, s in selected_prose(o, LEVELS[0])] == [False, True]


# -- commands, definitions, tables -------------------------------------------------------------

def test_tool_subheadings_group_the_important_commands():
    o = _objective(command_groups=(
        group("start", "lxc-start -n c1", section="Important Commands"),
        group("list", "docker ps", section="docker"),
        group("run", "docker run web", section="docker"),
        group("apply", "kubectl apply -f x", section="kubectl"),
    ))
    important, _ = command_blocks(o, LAYOUT)
    assert [b.section for b in important] == [None, "docker", None, "kubectl"]


def test_definitions_carry_the_heading_they_sit_under():
    sections = (Section("Full virtualization", None, 3, at(10)), Section("Paravirtualization", None, 3, at(30)),
                Section("What is Dom0?", None, 4, at(40)))
    perf = Definition("Performance", RichText.of("near native"), "bold-term", at(12))
    perf2 = Definition("Performance", RichText.of("better"), "bold-term", at(32))
    dom0 = Definition("What is Dom0?", RichText.of("the control domain"), "question", at(40))
    assert definition_context(perf, sections, "Virtualization") == "Full virtualization"
    assert definition_context(perf2, sections, "Virtualization") == "Paravirtualization"
    assert definition_context(dom0, sections, "Virtualization") == "Paravirtualization"
    once = Definition("Overhead", RichText.of("low"), "bold-term", at(13))
    o = _objective(sections=sections, definitions=(perf, once, perf2))
    sheet = sheet_for(o)[1]
    assert [(g.heading, [e.term for e in g.entries]) for g in sheet.definitions] == [
        ("Full virtualization", ["Performance", "Overhead"]), ("Paravirtualization", ["Performance"])]
    html = SheetRenderer().objective(sheet, standalone=False)
    # a recurring term names its section inline too, so it reads right at the top of a column
    assert "Performance <span class=\"context\">\u2014 Full virtualization</span>" in html
    assert "<h3>Paravirtualization</h3>" in html and "Overhead</dt>" in html


def mark_table() -> Table:
    rows = tuple(TableRow((RichText.of(name), RichText.of(mark)), at(50 + i))
                 for i, (name, mark) in enumerate([("dir", "\u2705"), ("lvm", "\u274c"), ("zfs", "\u26a0\ufe0f"),
                                                   ("btrfs", "\u2714\ufe0f")]))
    bold = TableRow((RichText((Span("\u25b6\ufe0f**"), Span("docker compose up", SpanStyle.CODE), Span("**"))),
                     RichText.of("start")), at(60))
    return Table("LXD Storage: Feature Table", None, (RichText.of("Driver"), RichText.of("Quotas")),
                 rows + (bold,), None, at(49))


@pytest.mark.parametrize("emoji", ["color", "drop"])
def test_mark_only_cells_print_as_glyphs_and_cell_markdown_is_rendered(emoji):
    _, sheet = sheet_for(_objective(tables=(mark_table(),)), Layout("a4", "landscape", emoji))
    cells = [row[1] for row in sheet.tables[0].rows[:4]]
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == ["\u2713", "\u2717", "\u26a0", "\u2713"]
    first = sheet.tables[0].rows[4][0]
    assert "**" not in first and "<strong><code>docker compose up</code></strong>" in first


@pytest.mark.slow
def test_mark_glyphs_are_drawn_by_the_sheet_fonts(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from builder.sheets.pdf import PdfRenderer
    renderer = SheetRenderer()
    css, base = renderer.stylesheet()
    _, sheet = sheet_for(_objective(tables=(mark_table(),)))
    rendered = PdfRenderer(css, base, (tmp_path,)).render(renderer.objective(sheet, standalone=False), tmp_path)
    assert rendered.missing_glyphs == ()
    (tmp_path / "marks.pdf").write_bytes(rendered.pdf)
    text = pypdf.PdfReader(tmp_path / "marks.pdf").pages[0].extract_text()
    assert "\u2713" in text and "\u2717" in text and "**" not in text


# -- code lines --------------------------------------------------------------------------------

def mid_word_folds(html: str) -> list[str]:
    lines = visible_lines(html)
    return [f"{a} | {b}" for a, b in zip(lines, lines[1:])
            if not (a.endswith(" ") or a[-1:] in BREAK_AFTER)]


@pytest.mark.parametrize("code", [
    "echo 1 > /sys/fs/cgroup/demo/cgroup.subtree_control && cat /sys/fs/cgroup/demo/cgroup.controllers",
    'lxc config device add c1 eth0 nic nictype=bridged parent=lxdbr0 ipv4.address="192.168.1.1"',
    "docker run --mount type=volume,source=data,target=/var/lib/data,readonly,volume-driver=local web",
])
def test_folds_fall_between_tokens(code):
    html = fold_html(highlight_code(code, "sh"), 40)
    assert "\u21aa" in html
    assert mid_word_folds(html) == []
    lines = visible_lines(html)
    assert "".join(line.removeprefix("\u21aa ") for line in lines) == code


def test_a_folded_line_keeps_its_indent_and_a_long_token_breaks_last():
    lines = visible_lines(fold_html("    --set key=" + "x" * 60 + " tail", 40))
    assert all(line.startswith("    \u21aa ") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)


def test_a_folded_line_is_one_span_whose_text_is_the_line_typed():
    """The span PDF copy text is taken from (builder/sheets/copytext.py); short lines get none."""
    from xml.etree import ElementTree

    from builder.sheets.copytext import fold_text
    code = "  docker run --mount type=volume,source=data,target=/var/lib/data web  # x"
    html = fold_html(highlight_code(code, "sh"), 30)
    assert html.startswith('<span class="fold">') and html.count("\u21aa") >= 2
    assert fold_text(ElementTree.fromstring(f"<div>{html}</div>")) == code
    assert "fold" not in fold_html(highlight_code("ls -l", "sh"), 30)


def test_comments_after_commands_are_comments_and_arguments_are_not_keywords():
    html = highlight_code("docker volume create --driver local type  # make one", "sh")
    assert '<span class="c1"># make one</span>' in html
    assert '"nb">type<' not in html and '"k">' not in html
    loop = highlight_code("for i in a b; do set -e; done", "sh")
    assert '"k">in<' in loop and '"nb">set<' in loop
    assert '"s2">"a # b"<' in highlight_code('echo "a # b"', "sh")


# -- index, fonts, options ---------------------------------------------------------------------

def test_the_index_lists_each_command_once_per_objective():
    assert command_name("sudo LANG=C lxc-start -n c1") == "lxc-start"
    assert command_name("$ /usr/bin/docker ps") == "docker"
    assert command_name("./configure") is None
    cited = CitedObject("/etc/docker/daemon.json", CitedKind.FILE, None, at(5))
    o = _objective(cited_objects=(cited,), command_groups=(group("a", "docker ps"), group("b", "docker run x"),
                                                           group("c", "ip link")))
    entries = {e.name: e for e in topic_index((o,), {o.id: {cited.name: None}})}
    assert entries["docker"].anchors == ("o930-9-g0",)
    assert entries["/etc/docker/daemon.json"].kind == "file"
    assert list(entries) == sorted(entries, key=str.lower)


def test_missing_glyph_advice_names_the_font_package():
    assert "fonts-noto-cjk" in font_advice("\uacb9")  # Hangul
    assert "fonts-noto-cjk" in font_advice("\u6f22")
    assert "fonts-noto-color-emoji" in font_advice("\U0001f433")
    assert "private-use" in font_advice("\ue000")


def test_a_relative_templates_folder_is_made_absolute(tmp_path, monkeypatch):
    (tmp_path / "tpl" / "sheets").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert _templates_folder("tpl") == (tmp_path / "tpl").resolve()
    with pytest.raises(BuildError, match="nothere: the --templates folder does not exist"):
        _templates_folder("nothere")


def test_a_relative_templates_folder_builds(tmp_path, monkeypatch):
    """A replaced stylesheet under a relative --templates folder (a traceback before)."""
    from builder.config import BuildConfig
    from builder.pipeline import build
    from tests.conftest import FIXTURES
    tpl = tmp_path / "tpl" / "sheets"
    tpl.mkdir(parents=True)
    builtin = Path(__file__).resolve().parents[1] / "templates" / "sheets" / "sheet.css"
    tpl.joinpath("sheet.css").write_text(builtin.read_text("utf-8") + "\nh1 { color: #111; }\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    source = FIXTURES / "sheets" / "rich" / "topic-930.md"
    config = BuildConfig(output=Path("out"), formats=("sheets",), options={"jobs": 1, "templates_dir": "tpl"})
    result = build([str(source)], config)
    assert (tmp_path / "out" / "sheets" / "930.1-namespaces-and-cgroups.pdf").is_file()
    assert not [d for d in result.diagnostics if d.rule.startswith("sheet-")]


# -- structured prose ----------------------------------------------------------------------------

def test_bold_questions_in_list_items_are_definitions(fixtures):
    """`* **What is it?** text` defines the section's subject; `* **How does it work?** text` is
    a question its text answers; a link-only item is no key idea."""
    from builder.reader import read_guide

    read = read_guide([str(fixtures / "sheets" / "structured" / "guide.md")])
    (o,) = read.guide.objectives
    found = [(d.term, d.form, d.text.plain.split(",")[0].split(" between")[0]) for d in o.definitions]
    assert found == [("Podman", "bold-term", "A container manager compatible with the Docker CLI"),
                     ("Use", "bold-term", "Create"),
                     ("How does it work?", "question", "Each container is a child of the command that started it"),
                     ("Skopeo", "bold-term", "A tool to inspect"),
                     ("Use", "bold-term", "Move images")]
    _, sheet = sheet_for(o)
    # "More info" is link text only; the rest of the prose prints in the sibling table
    assert not any(i.printed for g in sheet.ideas for i in g.ideas)


def test_sibling_sections_with_the_same_sub_headings_print_as_one_table(fixtures):
    from builder.reader import read_guide
    from builder.sheets.siblings import sibling_tables

    (o,) = read_guide([str(fixtures / "sheets" / "structured" / "guide.md")]).guide.objectives
    (table,), taken = sibling_tables(o)
    assert table.title == "Hardware-assisted and paravirtualized guests"
    assert [h.plain for h in table.header] == ["", "Definition", "Advantages", "Disadvantages"]
    assert [[c.plain for c in row.cells] for row in table.rows] == [
        ["HVM", "HVM runs unmodified guest systems with the help of CPU extensions.",
         "Runs any operating system. \u00b7 Near-native speed.", "Needs VT-x or AMD-V."],
        ["Paravirtualization", "The guest kernel is changed to call the hypervisor directly.",
         "No CPU extensions needed.", "Only modified guests run."]]
    assert len(taken) == 7
    _, sheet = sheet_for(o)
    assert [t.title for t in sheet.tables] == [table.title]
    html = SheetRenderer().objective(sheet, standalone=True)
    assert html.count("Near-native speed") == 2  # in the table, and on screen among the key ideas


# -- words kept whole ----------------------------------------------------------------------------

WORDS = Path(__file__).parent / "fixtures" / "sheets" / "words" / "guide.md"
TOKENS = ("lxc.network.type", "qemu-system-x86_64", "--option", "-enable-kvm", "lxc.utsname", "--security-opt")


def broken_words(pdf: Path) -> tuple[list[str], int]:
    """Tokens printed split over two lines anywhere but after a hyphen or slash that ends a
    piece (`qemu-` | `system`): `lxc.networ` | `k.type`, `--` | `option`; and how many
    line ends were looked at."""
    from tests.test_sheets_layout import document_columns

    found, ends = [], 0
    for lines in document_columns(pdf, 3, skip_first=False):
        for a, b in zip(lines, lines[1:]):
            ends += 1
            joined, cut = a.text + b.text, len(a.text)
            for token in TOKENS:
                for m in re.finditer(re.escape(token), joined):
                    k = cut - m.start()
                    if 0 < k < len(token) and not (token[k - 1] in "-/" and token[:k].strip("-")):
                        found.append(f"{token[:k]}|{token[k:]}")
    return found, ends


def _fixture_pdf(tmp_path: Path, guide: Path, pattern: str, css: str = "") -> Path:
    """Build a fixture guide's sheets, with `css` added to the stylesheet, and return the PDF."""
    from builder.config import BuildConfig
    from builder.pipeline import build

    options: dict = {"jobs": 1}
    if css:
        folder = tmp_path / "tpl" / "sheets"
        folder.mkdir(parents=True)
        base = (Path(__file__).resolve().parents[1] / "templates" / "sheets" / "sheet.css").read_text("utf-8")
        (folder / "sheet.css").write_text(base + css, "utf-8")
        options["templates_dir"] = str(tmp_path / "tpl")
    build([str(guide)], BuildConfig(output=tmp_path / "out", formats=("sheets",), options=options))
    (pdf,) = (tmp_path / "out" / "sheets").glob(pattern)
    return pdf


def _words_pdf(tmp_path: Path, css: str = "") -> Path:
    return _fixture_pdf(tmp_path, WORDS, "933.1-*.pdf", css)


@pytest.mark.slow
def test_no_word_or_option_breaks_inside_in_tables_or_prose(tmp_path):
    found, ends = broken_words(_words_pdf(tmp_path / "kept"))
    assert ends > 60 and found == []
    # the finder sees breaks inside words where the stylesheet allows them
    found, _ = broken_words(_words_pdf(tmp_path / "anywhere", "td, .ideas li, .nb { overflow-wrap: anywhere; "
                                       "white-space: normal; }\n"))
    assert found, "no break inside a word found with overflow-wrap: anywhere"


# -- figures -------------------------------------------------------------------------------------

FIGURES = Path(__file__).parent / "fixtures" / "sheets" / "figures" / "guide.md"


def drawn_images(pdf: Path) -> list[tuple[float, float, float]]:
    """benchmarks/sheet_text.py's measure of the figures drawn in a PDF."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sheet_text", Path(__file__).resolve().parents[1]
                                                  / "benchmarks" / "sheet_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.drawn_images(pdf)


@pytest.mark.slow
def test_figures_print_width_first_after_their_section(tmp_path):
    from builder.config import BuildConfig
    from builder.pipeline import build
    from builder.sheets.measure import widths
    from tests.test_sheets_layout import body_text

    build([str(FIGURES)], BuildConfig(output=tmp_path, formats=("sheets",), options={"jobs": 1}))
    (pdf,) = (tmp_path / "sheets").glob("934.1-*.pdf")
    column, page = widths("a4", "landscape", 3)
    drawn = sorted(drawn_images(pdf), key=lambda d: d[1])
    # the dark terminal screenshot is left to the screen: three figures print
    assert len(drawn) == 3, drawn
    icon, wide, tall = drawn[0], max(drawn, key=lambda d: d[0]), drawn[-1]
    assert 60 < tall[1] <= 70.5  # a tall diagram is no longer capped at 38 mm
    assert wide[0] > column + 10 and wide[0] <= page + 0.5  # a wide diagram spans the page
    text = body_text(pdf)
    assert "diagram_01" not in text  # a caption that is the file name is not printed
    # each figure prints after the key ideas of the section that shows it
    idea, caption = text.find("read-only layers"), text.find("How the layers of an image stack")
    assert 0 <= idea < caption < text.find("A build runs its stages")
    assert icon[1] < 30 and "Listing guests in a terminal" not in text
    html = (tmp_path / "sheets" / pdf.with_suffix(".html").name).read_text("utf-8")
    assert "terminal.png" in html  # shown on screen


# -- title bars ----------------------------------------------------------------------------------

TITLES = Path(__file__).parent / "fixtures" / "sheets" / "titles" / "topic-935.md"


def titles_alone(pdf: Path) -> tuple[list[str], int]:
    """Objective titles that end a column of a topic PDF (nothing of their objective after them
    in that column), and how many titles were found."""
    from tests.test_sheets_layout import document_columns

    alone, seen = [], 0
    for lines in document_columns(pdf, 3, skip_first=True):
        for k, line in enumerate(lines):
            if re.match(r"^935\.\d+ Objective number \d+$", line.text):
                seen += 1
                after = [x for x in lines[k + 1:] if not re.match(r"^weight \d+$", x.text)]
                if len(after) < 2:
                    alone.append(line.text)
    return alone, seen


def _titles_pdf(tmp_path: Path, css: str = "") -> Path:
    return _fixture_pdf(tmp_path, TITLES, "935-*.pdf", css)


@pytest.mark.slow
def test_an_objective_title_bar_never_ends_a_column(tmp_path):
    alone, seen = titles_alone(_titles_pdf(tmp_path / "kept"))
    assert seen == 18 and alone == []
    # the finder sees a title left alone where the stylesheet lets the columns break after it
    # (the guide's first four objectives: every title of them is left alone then)
    text = TITLES.read_text("utf-8")
    (tmp_path / "four").mkdir()
    (tmp_path / "four" / TITLES.name).write_text(text[:text.index("\n## 935.5 ")] + "\n", "utf-8")
    alone, _ = titles_alone(_fixture_pdf(tmp_path / "alone", tmp_path / "four" / TITLES.name, "935-*.pdf",
                                         ".title { break-after: column; }\n"))
    assert alone


# -- what WeasyPrint cannot lay out ------------------------------------------------------------------

def _wide_figures_guide(tmp_path: Path, count: int = 6) -> Path:
    """An objective whose only content is `count` wide diagrams (1600 x 300 px, light): each
    spans the page at about 53 mm, together more than a page."""
    from PIL import Image, ImageDraw

    folder = tmp_path / "guide"
    folder.mkdir()
    for n in range(count):
        image = Image.new("RGB", (1600, 300), "white")
        ImageDraw.Draw(image).rectangle((20 + n * 10, 20, 1580, 280), outline="black", width=6)
        image.save(folder / f"diagram-{n}.png")
    figures = "\n\n".join(f"![Diagram {n}](diagram-{n}.png)" for n in range(count))
    (folder / "guide.md").write_text("# Topic 936: Diagrams\n\n## 936.1 Many diagrams\n\n**Weight:** 1\n\n"
                                     "### Important Commands\n\n```sh\n# list the files\nls -l\n```\n\n"
                                     f"### Diagrams\n\n{figures}\n", "utf-8")
    return folder


@pytest.mark.slow
def test_wide_figures_taller_than_a_page_print_across_pages(tmp_path):
    """Six wide diagrams span the page one section each (one spanning section of all six made
    WeasyPrint fail an assertion: a spanning box cannot break across pages)."""
    from builder.config import BuildConfig
    from builder.pipeline import build
    from builder.sheets.measure import widths

    folder = _wide_figures_guide(tmp_path)
    build([str(folder)], BuildConfig(output=tmp_path / "out", formats=("sheets",), options={"jobs": 1}))
    (pdf,) = (tmp_path / "out" / "sheets").glob("936.1-*.pdf")
    drawn = drawn_images(pdf)
    column, _ = widths("a4", "landscape", 3)
    assert len(drawn) == 6 and all(d[0] > column + 10 for d in drawn), drawn
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) >= 2


def _closing_figures_guide(tmp_path: Path, groups: int) -> Path:
    """An objective of `groups` one-line command groups, then two 4:3 diagrams no key idea leads
    to: they close the sheet in its Figures section."""
    from PIL import Image, ImageDraw

    folder = tmp_path / "guide"
    (folder / "images").mkdir(parents=True)
    for n in (1, 2):
        image = Image.new("RGB", (800, 600), "white")
        draw = ImageDraw.Draw(image)
        for x in range(0, 800, 40):
            draw.line([(x, 0), (800 - x, 600)], fill=(0, 0, 200), width=3)
        image.save(folder / "images" / f"diagram{n}.png")
    lines = "".join(f"# purpose {i}\ncmd{i} --flag\n\n" for i in range(groups))
    (folder / "g.md").write_text(
        "# Topic 999: Big\n\n## 999.1 Big\n\n**Weight:** 1\n\n**Description:** A big one.\n\n"
        f"### 999.1 Important Commands\n\n```sh\n{lines}```\n\n![Network diagram](images/diagram1.png)\n\n"
        "![Storage diagram](images/diagram2.png)\n", "utf-8")
    return folder


@pytest.mark.slow
def test_closing_figures_alone_on_a_last_page_go_across_it(tmp_path, monkeypatch):
    """A sheet whose last page would hold only its closing figures, stacked in one column of
    three (a quarter of the page), lays them out across that page, two to a row and taller:
    the page it prints anyway is used, and the diagrams are larger. It keeps its page count."""
    from pypdf import PdfReader

    from builder.config import BuildConfig
    from builder.pipeline import build
    from builder.sheets.measure import widths
    from builder.sheets.pdf import PdfRenderer
    from builder.sheets.stamp import THIN

    laid: list[tuple[str, int, float, bool]] = []
    real = PdfRenderer.render_body

    def counted(self, html, base, columns=1):  # type: ignore[no-untyped-def]
        done = real(self, html, base, columns)
        laid.append((re.search(r'<body class="([^"]*)"', html).group(1), done.pages, done.fills[-1], done.spills))
        return done

    monkeypatch.setattr(PdfRenderer, "render_body", counted)
    result = build([str(_closing_figures_guide(tmp_path, 70))],
                   BuildConfig(output=tmp_path / "out", formats=("sheets",), options={"jobs": 1}))
    assert not [d for d in result.diagnostics if d.rule == "sheet-overflow"]
    (first, *_, last) = laid
    assert first[0] == "sheet" and first[1] == 2 and first[2] < THIN, laid  # the figures alone on page 2
    assert last[0] == "sheet roomy across" and last[1] == 2 and last[2] >= THIN and not last[3], laid
    (pdf,) = (tmp_path / "out" / "sheets").glob("999.1-*.pdf")
    assert len(PdfReader(pdf).pages) == 2
    drawn = drawn_images(pdf)
    column, _ = widths("a4", "landscape", 3)
    assert len(drawn) == 2 and all(d[0] > column + 10 for d in drawn), drawn  # wider than a column


def test_a_layout_that_draws_below_its_page_is_told(tmp_path):
    """What WeasyPrint leaves hanging below a page (an image taller than the page, here) is
    reported: a closing-figures layout that does so is not kept."""
    from PIL import Image

    from builder.sheets.pdf import PdfRenderer

    Image.new("RGB", (100, 2000), "white").save(tmp_path / "tall.png")
    renderer = PdfRenderer("@page { size: a4 landscape; margin: 10mm }", tmp_path, (tmp_path,))
    page = '<html><body><p>text</p><img src="{}" style="display: block; width: 20mm; height: {}"></body></html>'
    assert renderer.render_body(page.format("tall.png", "400mm"), tmp_path, 1).spills
    assert not renderer.render_body(page.format("tall.png", "100mm"), tmp_path, 1).spills


@pytest.mark.slow
def test_a_sheet_weasyprint_cannot_lay_out_is_laid_out_in_columns_or_named(tmp_path, monkeypatch):
    """When WeasyPrint fails on a sheet, it is laid out again with nothing spanning the page
    (figures in their column); when that fails too, the build stops with one line naming the
    objective's file and line, no traceback."""
    from builder.config import BuildConfig
    from builder.diagnostics import BuildError
    from builder.pipeline import build
    from builder.sheets.measure import widths
    from builder.sheets.pdf import PdfRenderer

    folder = _wide_figures_guide(tmp_path, count=2)
    real = PdfRenderer.render_body

    def fails_on_spanning(self, html, base, columns=1):  # type: ignore[no-untyped-def]
        if 'class="figures wide' in html:
            raise AssertionError("no room")
        return real(self, html, base, columns)

    monkeypatch.setattr(PdfRenderer, "render_body", fails_on_spanning)
    build([str(folder)], BuildConfig(output=tmp_path / "out", formats=("sheets",), options={"jobs": 1}))
    (pdf,) = (tmp_path / "out" / "sheets").glob("936.1-*.pdf")
    column, _ = widths("a4", "landscape", 3)
    drawn = drawn_images(pdf)
    assert len(drawn) == 2 and all(d[0] <= column + 0.5 for d in drawn), drawn

    def always_fails(self, html, base, columns=1):  # type: ignore[no-untyped-def]
        raise AssertionError("no room")

    monkeypatch.setattr(PdfRenderer, "render_body", always_fails)
    with pytest.raises(BuildError) as caught:
        build([str(folder)], BuildConfig(output=tmp_path / "again", formats=("sheets",), options={"jobs": 1}))
    assert str(caught.value).startswith(f"{folder / 'guide.md'}:3:1: WeasyPrint could not lay out "
                                        "the sheet of objective 936.1 (AssertionError)")
    assert "\n" not in str(caught.value)


@pytest.mark.slow
def test_the_figures_heading_goes_with_the_first_wide_figure_that_prints(tmp_path):
    """A dark screenshot is left to the screen in print: the Figures heading goes over the first
    wide figure that prints, not with the hidden one."""
    import re

    from PIL import Image

    from builder.config import BuildConfig
    from builder.pipeline import build

    folder = _wide_figures_guide(tmp_path, count=2)
    Image.new("RGB", (1600, 300), (20, 20, 20)).save(folder / "diagram-0.png")  # a dark one first
    build([str(folder)], BuildConfig(output=tmp_path / "out", formats=("sheets",), options={"jobs": 1}))
    (html,) = (tmp_path / "out" / "sheets").glob("936.1-*.html")
    sections = re.findall(r'<section class="figures wide( dark)?">(.*?)</section>', html.read_text("utf-8"), re.S)
    assert [(bool(dark), "<h2>" in body) for dark, body in sections] == [(True, False), (False, True)]
