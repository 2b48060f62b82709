"""The recognizers of the LPI objective format, one fixture per construct and variant."""

from __future__ import annotations

import pytest

from builder.model import CitedKind, GroupKind
from builder.reader import read_guide


@pytest.fixture(scope="module")
def fmt(request):
    from tests.conftest import FIXTURES

    result = read_guide([str(FIXTURES / "reader" / "objective-format.md")])
    return result


@pytest.fixture(scope="module")
def objective(fmt):
    return fmt.guide.objective("900.1")


def test_topic_and_objective_headings_with_emoji_and_extra_spaces(fmt, objective):
    (topic,) = fmt.guide.topics
    assert (topic.number, topic.title, topic.icon) == ("900", "Fixture Virtualization", "🐳")
    assert (objective.title, objective.icon, objective.pos.line) == ("Fixture Objective", "📦", 5)


def test_weight_description_and_key_knowledge_areas(objective):
    assert objective.weight == 4
    assert objective.description.plain == "Candidates should know the fixture tools."
    assert [k.plain for k in objective.key_knowledge_areas] == [
        "Understand alpha tools", "Use beta with care", "Awareness of gamma"]
    assert objective.key_knowledge_areas[0].spans[1].style.value == "code"


def test_cited_objects_kinds_and_annotations(objective):
    cited = [(c.name, c.kind, c.note, c.pos.line) for c in objective.cited_objects]
    assert cited == [
        ("alpha", CitedKind.COMMAND, None, 20),
        ("beta", CitedKind.COMMAND, "including relevant subcommands", 21),
        ("/etc/fixture/fixture.conf", CitedKind.FILE, None, 22),
        ("/var/lib/fixture/", CitedKind.DIRECTORY, None, 23),
        ("/proc/[0-9]+/fixture", CitedKind.PATTERN, None, 24),
        ("Fixturefile", CitedKind.FILE, None, 25),
    ]


@pytest.mark.parametrize("mention, found", [
    ("ls -l /proc/3669/fixture", True),
    ("ls -l /proc/<pid>/fixture", True),
    ("cat /proc/PID/fixture", True),
    ("cat /proc/self/fixture", True),
    ("cat /proc/fixture", False),
    ("cat /proc/12/fixtures", False),
])
def test_pattern_objects_match_concrete_mentions(objective, mention, found):
    pattern = next(c for c in objective.cited_objects if c.kind is CitedKind.PATTERN)
    assert bool(pattern.mention_regex().search(mention)) is found


def test_command_groups_purposes_and_lines(objective):
    groups = [(g.purpose, [line.text for line in g.lines], g.pos.line) for g in objective.command_groups]
    assert groups[0] == ("list every alpha object", ["alpha list"], 62)
    assert groups[1] == ("show one object by pid",
                         ["alpha show <pid>", "alpha show 42", "alpha debug --all",
                          "ls -l /proc/<pid>/fixture"], 65)
    assert groups[2][0] == "start alpha with many options"
    assert objective.command_groups[2].lines[0].normalized == "alpha start --one --two"


def test_commented_out_commands_are_not_purposes(objective):
    group = objective.command_groups[1]
    assert [line.disabled for line in group.lines] == [False, False, True, False]
    assert [line.text for line in group.commands] == ["alpha show <pid>", "alpha show 42",
                                                      "ls -l /proc/<pid>/fixture"]


def test_group_without_comment_has_no_purpose(objective):
    group = objective.command_groups[3]
    assert (group.purpose, group.purpose_source, group.section) == (None, "none", "beta")
    assert group.important


def test_lead_in_sentence_becomes_the_purpose(objective):
    group = objective.command_groups[4]
    assert (group.purpose, group.purpose_source, group.language) == (
        "Use this to inspect beta", "lead-in", "bash")


def test_console_prompts_are_stripped_and_output_skipped(objective):
    group = objective.command_groups[5]
    assert [line.text for line in group.lines] == ["beta version"]


def test_paths_under_a_comment_are_a_files_group(objective):
    group = objective.command_groups[6]
    assert group.kind is GroupKind.FILES
    assert group.purpose == "configuration files of beta"


def test_card_key_pin(objective):
    group = objective.command_groups[7]
    assert (group.card_key, group.key) == ("beta-purge", "beta-purge")
    assert objective.command_groups[0].key == "alpha list"


def test_non_shell_fences_are_samples(objective):
    (sample,) = objective.samples
    assert (sample.language, sample.text) == ("ini", "[fixture]\nenabled = true")


def test_tables_take_caption_or_heading_as_title(objective):
    first, second = objective.tables
    assert (first.title, first.icon, first.pos.line) == ("Alpha vs Beta", "📌", 39)
    assert [h.plain for h in first.header] == ["Feature", "Alpha", "Beta"]
    assert [[c.plain for c in row.cells] for row in first.rows] == [
        ["Speed", "Fast", "Slow"], ["Size", "1 MB", "2 MB"]]
    assert [row.pos.line for row in first.rows] == [41, 42]
    assert second.title == "Runtimes"
    assert second.rows[0].key == "one"


def test_definitions_from_question_headings_and_bold_terms(objective):
    defs = [(d.term, d.text.plain, d.form, d.pos.line) for d in objective.definitions]
    assert defs == [
        ("What is alpha?", "Alpha is the first fixture tool.", "question", 30),
        ("Lightweight", "Alpha starts fast.", "bold-term", 34),
        ("Portable", "Alpha runs anywhere.", "bold-term", 35),
    ]


def test_mermaid_timeline(objective):
    events = [(e.period, e.events, e.timeline, e.pos.line) for e in objective.timeline]
    assert events == [("1999", ("alpha",), "Fixture history", 53),
                      ("2004", ("beta", "gamma"), "Fixture history", 54)]


def test_anchors_and_back_to_top_lines_are_ignored(fmt, objective):
    assert not [d for d in fmt.diagnostics if d.rule == "raw-html"]
    assert objective.links == ()


def test_several_back_to_lines_in_one_html_block_are_ignored(tmp_path):
    """A web page's navigation, one `<p>` a line with no blank line between: one HTML block."""
    guide = tmp_path / "g.md"
    guide.write_text("# Topic 901: Nav\n\n## 901.1 Nav\n\n**Weight:** 1\n\n##### update-grub\n\n"
                     "```sh\n# write the boot menu again\nupdate-grub\n```\n\n"
                     '<p align="right">(<a href="#topic-901.1">back to Sub Topic 901.1</a>)</p>\n'
                     '<p align="right">(<a href="#topic-901">back to Topic 901</a>)</p>\n'
                     '<p align="right">(<a href="#readme-top">back to top</a>)</p>\n', "utf-8")
    result = read_guide([str(guide)])
    assert "back to" not in repr(result.guide)
    assert not [d for d in result.diagnostics if d.rule == "raw-html"]


def test_stubs_are_recorded_with_position_not_content(fixtures):
    guide = read_guide([str(fixtures / "reader" / "stubs.md")]).guide
    stubs = [(s.title, s.reason, s.pos.line) for s in guide.objective("900.2").stubs]
    assert stubs == [("foo", "placeholder", 9), ("docker", "comment-only block", 18),
                     ("empty", "empty section", 21), ("TODO", "placeholder", 23)]
    assert guide.objective("900.2").command_groups == ()
    assert guide.objective("900.3").weight == 1


def test_several_topics_in_one_file(fixtures):
    result = read_guide([str(fixtures / "reader" / "two-topics.md")])
    assert [(t.number, t.title, [o.id for o in t.objectives]) for t in result.guide.topics] == [
        ("901", "First", ["901.1"]), ("902", "Second", ["902.1"])]
    mismatch = [d for d in result.diagnostics if d.rule == "objective-mismatch"]
    assert [d.pos.line for d in mismatch] == [13]


def test_one_topic_split_over_several_files(fixtures):
    guide = read_guide([str(fixtures / "reader" / "split")]).guide
    (topic,) = guide.topics
    assert topic.title == "Split Topic"
    assert [(o.id, o.weight, o.pos.path.rsplit("/", 1)[-1]) for o in topic.objectives] == [
        ("903.1", 5, "b-objective.md"), ("903.2", 3, "a-topic.md")]
    assert len(guide.sources) == 2


def test_images_and_links_know_whether_their_target_exists(fixtures):
    objective = read_guide([str(fixtures / "reader" / "images" / "guide.md")]).guide.objective("904.1")
    images = [(i.target, i.exists, i.resolved, i.pos.line) for i in objective.images]
    assert images == [("img/present.png", True, "img/present.png", 5),
                      ("img/missing.png", False, "img/missing.png", 6),
                      ("../../../../etc/passwd", False, None, 7),
                      ("https://example.com/x.png", None, None, 8)]
    assert [(link.target, link.exists) for link in objective.links] == [
        ("img/present.png", True), ("nowhere.sh", False), ("https://example.com", None)]


def test_duplicate_objective_ids_are_an_error_with_both_positions(tmp_path):
    guide = tmp_path / "dup.md"
    guide.write_text("# Topic 905: Dup\n\n## 905.1 One\n\n**Weight:** 1\n\n## 905.2 Two\n\n"
                     "## 905.1 Again\n")
    result = read_guide([str(guide)])
    (diag,) = [d for d in result.diagnostics if d.rule == "duplicate-objective"]
    assert diag.pos.line == 9 and f"{guide}:3:1" in diag.message
    assert [o.title for o in result.guide.objectives] == ["One", "Two"]


def test_a_heading_that_repeats_the_current_objective_number_is_a_section_of_it(tmp_path):
    guide = tmp_path / "repeat.md"
    guide.write_text("# Topic 905: Dup\n\n### 905.1 One\n\n**Weight:** 1\n\n### 905.1 Cited Objetcs\n\n"
                     "- lsblk\n\n### 905.1 Commands I use\n\n```sh\n# list it\nlsblk -f\n```\n")
    result = read_guide([str(guide)])
    (objective,) = result.guide.objectives
    assert not [d for d in result.diagnostics if d.rule == "duplicate-objective"]
    assert [c.name for c in objective.cited_objects] == ["lsblk"]  # a typo'd part heading still is one
    assert [g.purpose for g in objective.command_groups] == ["list it"]
    assert [s.title for s in objective.sections][-1] == "Commands I use"


def test_model_is_frozen(objective):
    with pytest.raises(AttributeError):
        objective.weight = 1  # type: ignore[misc]


def test_exam_prefilter_passes_every_exam_and_skips_guides(fixtures):
    from builder.reader.exam_lines import may_be_exam
    from tests.conftest import ROOT

    exams = sorted((fixtures / "exam").rglob("*.md"))
    assert exams and all(may_be_exam(p.read_text(encoding="utf-8")) for p in exams)
    guides = sorted((ROOT / "source").glob("*.md")) + [fixtures / "reader" / "objective-format.md"]
    assert not any(may_be_exam(p.read_text(encoding="utf-8")) for p in guides)
