"""The practice-exam reader: shapes it accepts, diagnostics at their lines, identity, JSON schema."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from builder.cli import cli
from builder.model import QuestionKind, SpanStyle
from builder.reader import read_guide
from builder.serialize import json_schema

FIXTURES = Path(__file__).parent / "fixtures" / "exam"
BAD = sorted((FIXTURES / "bad").glob("*.md"))
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "topic-352.md"
SOURCE = Path(__file__).resolve().parents[1] / "source"
_EXPECT = re.compile(r"^<!-- expect: (.*) -->$")


def read_exam_file(path: Path):  # type: ignore[no-untyped-def]
    result = read_guide([str(path)])
    assert len(result.guide.exams) == 1, f"{path} was not read as an exam"
    return result.guide.exams[0], result.diagnostics


def test_shapes_read_without_diagnostics() -> None:
    exam, diags = read_exam_file(FIXTURES / "shapes.md")
    assert [str(d) for d in diags] == []
    assert exam.title == "Practice Exam: every shape a question can take"
    assert exam.slug == "shapes"
    assert [q.number for q in exam.questions] == list(range(1, 11))
    assert exam.key_pos is not None and exam.key_pos.line == 77


def test_hard_break_options_in_one_paragraph() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    q = exam.question(1)
    assert q is not None and q.kind is QuestionKind.CHOICE
    assert q.text.plain == "Which namespace gives a container its own hostname?"
    assert [(o.letter, o.text.plain, o.pos.line) for o in q.options] == [
        ("A", "PID", 10), ("B", "UTS", 11), ("C", "NET", 12), ("D", "USER", 13)]
    assert q.answers == ("B",) and q.key_pos is not None and q.key_pos.line == 79
    assert q.objectives == ("352.1",) and q.topic == "352" and q.pos.line == 9


def test_options_as_paragraphs_and_wrapped_question_with_code() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    q = exam.question(2)
    assert q is not None
    assert q.text.plain == "Which file shows the cgroup membership of the current shell ($$ is its PID)?"
    assert any(s.style is SpanStyle.CODE and s.text == "$$" for s in q.text.spans)
    assert [o.pos.line for o in q.options] == [18, 20, 22, 24]
    assert q.options[1].text.spans[0].style is SpanStyle.CODE


def test_bullet_options_dot_letters_and_two_answers() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    q = exam.question(3)
    assert q is not None
    assert [o.text.plain for o in q.options] == ["USER", "UTS", "MNT", "IPC"]
    assert q.answers == ("A", "C")


def test_lower_case_letters_and_pinned_card_key() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    q = exam.question(4)
    assert q is not None
    assert [o.letter for o in q.options] == ["A", "B", "C", "D"]
    assert q.options[0].text.plain == "cgroup.freeze (write 1)"
    assert q.card_key == "cgroup-v2-freeze" and q.key == "cgroup-v2-freeze"


def test_code_block_in_question_and_two_objectives_in_heading() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    q = exam.question(5)
    assert q is not None
    assert [(c.language, c.text) for c in q.code] == [
        ("dockerfile", "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1")]
    assert q.objectives == ("352.2", "352.3") and len(q.options) == 4
    assert [q.number for q in exam.questions_for("352.3")] == [5, 6, 7]
    section = next(s for s in exam.sections if s.objectives == ("352.2", "352.3"))
    assert (section.first, section.last, section.numbers) == (5, 7, (5, 6, 7))


def test_options_on_one_line_and_five_options() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    six, seven = exam.question(6), exam.question(7)
    assert six is not None and seven is not None
    assert [o.text.plain for o in six.options] == ["lxc-info --all", "lxc-ls --fancy", "lxc-top",
                                                   "lxc-monitor"]
    assert [o.letter for o in seven.options] == ["A", "B", "C", "D", "E"]
    assert "\n" not in seven.text.plain and seven.text.plain.endswith("that started it?")


def test_fill_ins() -> None:
    exam, _ = read_exam_file(FIXTURES / "shapes.md")
    answers = {q.number: (q.kind, q.fill_answer.plain if q.fill_answer else None, q.text.plain)
               for q in exam.questions if q.number >= 8}
    assert answers[8] == (QuestionKind.FILL_IN, "-f", "Show the logs of a running container named web "
                                                      "and keep following them:\ndocker logs ______ web")
    assert answers[9][1] == "subuid"
    assert answers[10][1] == "-d"
    ten = exam.question(10)
    assert ten is not None and ten.code[0].text == "docker run ___ nginx"
    assert all(not q.options and not q.answers for q in exam.questions if q.number >= 8)


def test_answer_key_forms_and_parenthesised_options() -> None:
    exam, diags = read_exam_file(FIXTURES / "key-forms.md")
    assert [str(d) for d in diags] == []
    got = [(q.number, q.answers, q.fill_answer.plain if q.fill_answer else None,
            q.key_pos.line if q.key_pos else None) for q in exam.questions]
    assert got == [(1, ("A",), None, 31), (2, ("A", "C"), None, 33), (3, ("A",), None, 37),
                   (4, ("A",), None, 39), (5, ("A",), None, 39), (6, (), "web=3", 40)]
    first = exam.question(1)
    assert first is not None and [o.text.plain for o in first.options] == ["docker compose", "kubectl"]
    assert [(s.first, s.last, s.objectives) for s in exam.sections] == [(1, 6, ("352.4",))]
    six = exam.question(6)
    assert six is not None and six.explanation is not None
    assert six.explanation.plain == "the service name, =, the count"
    assert all(q.explanation is None for q in exam.questions if q.number != 6)


@pytest.mark.parametrize("line, expected", [
    ("61-B - UTS isolates the hostname", [(61, ("B",), None, "UTS isolates the hostname")]),
    ("61. B (UTS gives `hostname`)", [(61, ("B",), None, "UTS gives hostname")]),
    ("65 `-f` follows the log", [(65, (), "-f", "follows the log")]),
    ("61: AC \u2014 both", [(61, ("A", "C"), None, "both")]),
    ("61-B, 62-C", [(61, ("B",), None, None), (62, ("C",), None, None)]),
])
def test_key_entries_with_explanations(tmp_path: Path, line: str, expected: list) -> None:  # type: ignore[type-arg]
    path = tmp_path / "e.md"
    path.write_text("# E\n\n61. Q?  \nA) a  \nB) b  \nC) c\n\n62. Q2?  \nA) a  \nB) b  \nC) c\n\n"
                    "65. Fill `x ___`\n\n## Answer Key\n\n" + line + "\n", encoding="utf-8")
    exam, _ = read_exam_file(path)
    got = [(q.number, q.answers, q.fill_answer.plain if q.fill_answer else None,
            q.explanation.plain if q.explanation else None) for q in exam.questions if q.key_pos]
    assert got == expected


def test_question_headings_and_answers_under_each_question() -> None:
    exam, diags = read_exam_file(FIXTURES / "inline-answers.md")
    assert [str(d) for d in diags] == []
    got = [(q.number, q.pos.line, q.text.plain.split("\n")[0], q.answers,
            q.fill_answer.plain if q.fill_answer else None, q.key_pos.line if q.key_pos else None)
           for q in exam.questions]
    assert got == [
        (1, 6, "Which namespace isolates hostnames?", ("B",), None, 13),
        (2, 15, "Which file shows the cgroup membership of a process:", ("A",), None, 19),
        (3, 21, "Show the logs of container web and keep following them:", (), "-f", 24)]
    assert [q.card_key for q in exam.questions] == ["ns-uts", None, None]
    assert all(q.topic == "352" for q in exam.questions)
    assert exam.sections and exam.sections[0].numbers == (1, 2, 3)


def test_answer_key_as_a_bold_paragraph_and_no_headings() -> None:
    exam, diags = read_exam_file(FIXTURES / "bold-key.md")
    assert [str(d) for d in diags] == []
    assert exam.title == "bold-key" and exam.key_pos is not None and exam.key_pos.line == 11
    assert [(q.number, q.answers) for q in exam.questions] == [(1, ("B",)), (2, ("A",))]


def test_issue_example_reports_each_defect_at_its_line() -> None:
    exam, diags = read_exam_file(FIXTURES / "issue-example.md")
    assert sorted((d.rule, d.pos.line) for d in diags) == [
        ("exam-key-unknown-question", 36), ("exam-number-skipped", 23),
        ("exam-range-mismatch", 7), ("exam-range-mismatch", 21)]
    assert [(q.number, q.answers, q.fill_answer.plain if q.fill_answer else None)
            for q in exam.questions] == [(61, ("B",), None), (62, ("B",), None), (64, ("B",), None),
                                         (65, (), "-f")]
    assert not any(d.rule == "no-objectives" for d in diags)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_exam_reports_its_diagnostic(path: Path) -> None:
    """Each bad exam names on its first line every diagnostic it must produce, with its line."""
    m = _EXPECT.match(path.read_text(encoding="utf-8").split("\n", 1)[0])
    assert m, f"{path} does not say what it expects"
    expected = sorted((item.split("@")[0], int(item.split("@")[1])) for item in m.group(1).split())
    _, diags = read_exam_file(path)
    assert sorted((d.rule, d.pos.line) for d in diags) == expected


def test_every_exam_rule_has_a_bad_fixture() -> None:
    rules = {"exam-no-key", "exam-two-keys", "exam-key-unknown-question", "exam-key-not-an-option",
             "exam-number-duplicate", "exam-number-skipped", "exam-range-mismatch",
             "exam-fill-in-no-blank"}
    named = {item.split("@")[0] for p in BAD
             for item in _EXPECT.match(p.read_text().split("\n", 1)[0]).group(1).split()}  # type: ignore[union-attr]
    assert rules <= named


def _keys(tmp_path: Path, text: str) -> dict[int, str]:
    path = tmp_path / "exam.md"
    path.write_text(text, encoding="utf-8")
    exam, _ = read_exam_file(path)
    return {q.number: q.key for q in exam.questions}


def _edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_identity_survives_typo_fix_renumbering_and_option_order(tmp_path: Path) -> None:
    text = (FIXTURES / "shapes.md").read_text(encoding="utf-8")
    before = _keys(tmp_path, text)
    assert len(set(before.values())) == len(before)
    typo = _edited(text, "its own hostname?", "its own host name?")
    assert _keys(tmp_path, typo) == before
    inserted = _edited(text, "1. Which namespace gives",
                       "1. Which namespace isolates mounts?  \nA) MNT  \nB) IPC\n\n"
                       "2. Which namespace gives")
    inserted = re.sub(r"(?m)^(\d+)\. ", lambda m: f"{int(m.group(1)) + 1}. " if m.start() >
                      inserted.index("2. Which namespace gives") else m.group(0), inserted)
    inserted = _edited(inserted, "1-B, 2-B, 3-A/C, 4-A\n5-B, 6-B,\n7-B\n\n8 `-f`  \n9 `subuid`  \n10: `-d`",
                       "1-A, 2-B, 3-B, 4-A/C, 5-A\n6-B, 7-B,\n8-B\n\n9 `-f`  \n10 `subuid`  \n11: `-d`")
    after = _keys(tmp_path, inserted)
    assert {after[n + 1] for n in before} == set(before.values())
    reordered = _edited(text, "A) PID  \nB) UTS  \nC) NET  \nD) USER",
                        "A) UTS  \nB) PID  \nC) NET  \nD) USER")
    reordered = _edited(reordered, "1-B, 2-B", "1-A, 2-B")
    assert _keys(tmp_path, reordered)[1] == before[1]


def test_identity_changes_when_the_answer_changes(tmp_path: Path) -> None:
    text = (FIXTURES / "shapes.md").read_text(encoding="utf-8")
    before = _keys(tmp_path, text)
    after = _keys(tmp_path, _edited(text, "1-B, 2-B", "1-C, 2-B"))
    assert after[1] != before[1] and after[2] == before[2]


def test_same_options_and_answer_are_told_apart_by_the_question(tmp_path: Path) -> None:
    keys = _keys(tmp_path, "# E\n\n1. Which namespace isolates hostnames?  \nA) PID  \nB) UTS\n\n"
                           "2. Which namespace gives a container its own name?  \nA) PID  \nB) UTS\n\n"
                           "## Answer Key\n\n1-B, 2-B\n")
    assert keys[1] != keys[2] and keys[1].startswith("exam/q-")


@pytest.mark.skipif(not SEED.exists(), reason="seed guide not present")
def test_seed_guide_is_not_an_exam() -> None:
    result = read_guide([str(SEED)])
    assert result.guide.exams == () and result.guide.objectives
    assert not any(d.rule.startswith("exam-") for d in result.diagnostics)


@pytest.mark.skipif(not SOURCE.is_dir(), reason="source/ not present")
def test_source_guide_is_not_an_exam() -> None:
    result = read_guide([str(SOURCE)])
    assert result.guide.exams == () and result.guide.objectives


def test_a_guide_with_practice_questions_stays_a_guide(tmp_path: Path) -> None:
    guide = tmp_path / "352.1.md"
    guide.write_text("# Topic 352: Containers\n\n## 352.1 Concepts\n\n**Weight:** 7\n\n"
                     "### Important Commands\n\n```sh\n# list namespaces\nlsns\n```\n\n"
                     "### Practice\n\n1. Which namespace?  \nA) PID  \nB) UTS\n\n"
                     "2. Which cgroup?  \nA) v1  \nB) v2\n\n3. Which one?  \nA) a  \nB) b\n\n"
                     "## Answer Key\n\n1-B, 2-B, 3-A\n", encoding="utf-8")
    result = read_guide([str(guide)])
    assert result.guide.exams == () and [o.id for o in result.guide.objectives] == ["352.1"]


def test_exam_beside_a_guide_keeps_both(tmp_path: Path) -> None:
    guide = tmp_path / "352.1.md"
    guide.write_text("# Topic 352: Containers\n\n## 352.1 Concepts\n\n**Weight:** 7\n\n"
                     "1. First step\n2. Second step\n", encoding="utf-8")
    exam = tmp_path / "zz-exam.md"
    exam.write_text((FIXTURES / "shapes.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = read_guide([str(tmp_path)])
    assert [o.id for o in result.guide.objectives] == ["352.1"]
    assert [e.slug for e in result.guide.exams] == ["zz-exam"]


def test_notes_json_with_exams_matches_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["build", str(FIXTURES / "shapes.md"), str(FIXTURES / "issue-example.md"),
                                      "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "notes.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json_schema())
    assert [len(e["questions"]) for e in data["exams"]] == [10, 4]  # in the order given
    fill = data["exams"][0]["questions"][7]
    assert fill["kind"] == "fill-in" and fill["fill_answer"]["plain"] == "-f"


_PIECES = ["# Practice Exam", "## Section B - Topic 352", "### 352.1 Concepts (Questions 1-3)",
           "## Answer Key", "1. Which namespace?", "2) Which file?  ", "61. Pick one:", "A) PID  ",
           "B) `UTS`", "c. NET", "- D) USER", "   E) more", "`docker logs ______ web`", "```sh",
           "docker run ___ nginx", "```", "1-B, 2-C, 3-A/C", "4 `-f`", "61: `x`", "<!-- card: k -->",
           "| Q | A |", "|---|---|", "| 1 | B |", "", "", "text **bold** _em_", "    indented",
           "> quote 1. B", "1-Z", "999999-A", "\r", "\t- A) tab"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.booleans())
def test_exam_reader_survives_exam_shaped_markdown(pieces: list[str], crlf: bool) -> None:
    """Whatever the pieces, reading never raises and every diagnostic points into the file."""
    text = ("\r\n" if crlf else "\n").join(pieces)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exam.md"
        path.write_text(text, encoding="utf-8", newline="")
        result = read_guide([str(path)])
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for d in result.diagnostics:
        assert 1 <= d.pos.line <= lines, str(d)
    for exam in result.guide.exams:
        assert all(q.key for q in exam.questions)
        assert len({q.key for q in exam.questions}) == len(exam.questions)
        assert all(set(q.answers) <= {o.letter for o in q.options} for q in exam.questions)
