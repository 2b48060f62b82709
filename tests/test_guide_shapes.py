"""Guides in every shape (tests/guides/, one small guide per shape, docs/guide-shapes.md): the
objectives, weights and exam each must give, and every shape registry entry held to its example
and its fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import cli
from builder.config import BuildConfig
from builder.pipeline import build, check
from builder.reader.codekinds import DETECTORS, code_kind
from builder.reader.containers import CONTAINERS, unwrap_containers
from builder.reader.shapes import NESTED_PATH, PATH_SHAPES, match_objective, match_topic, objective_from_path, \
    objective_shapes, split_weight, topic_shapes
from builder.reader.shellwords import PROMPT, comment_is_prose, is_banner, is_label_comment

GUIDES = Path(__file__).parent / "guides"

# guide -> (exam, {objective: weight}, language)
EXPECTED = {
    "topic-pages": ("LPIC-2 201", {"200.1": 6, "200.2": 2}, "en"),
    "numbered-folders": ("Linux Essentials 010", {"1.1": None, "1.2": None}, "en"),
    "joined-file-names": ("LPIC-1 101", {"101.1": 2, "101.2": 3}, "en"),
    "objective-folders": ("LPIC-1 101", {"101.1": 2}, "en"),
    "spanish": ("LPIC-1 101", {"101.1": 2, "101.2": 3}, "es"),
    "german": ("LPIC-1 101", {"101.1": 2}, "de"),
    "label-variants": ("LPIC-2 201-450", {"200.1": 6, "200.2": 2, "200.3": 3}, "en"),
    "command-blocks": ("LPIC-2 202", {"208.2": 3}, "en"),
    "removed-objective": ("LPIC-1 101", {"104.3": 3, "104.5": 3}, "en"),
    "boilerplate": ("LPIC-3 305-300", {"353.4": 3}, "en"),
    "link-tables": ("DevOps Tools Engineer 701", {"701.1": None, "701.2": None}, "en"),
    "prose-purposes": ("LPIC-1 102", {"108.1": 3}, "en"),
    "label-layouts": ("LPIC-1 101", {"103.1": 4, "103.2": 2, "103.3": 4, "103.4": 4}, "en"),
    "plain-objective-lines": ("Linux Essentials 010", {"1.1": 2, "1.2": 2}, "en"),
    "french": ("LPIC-1 101", {"103.3": 4}, "fr"),
    "italian": ("LPIC-1 101", {"103.3": 4}, "it"),
    "containers": ("LPIC-1 101", {"104.1": 2}, "en"),
    "objective-lines": ("LPIC-1 101", {"101.1": 2, "101.2": 3, "101.3": 3, "101.4": None}, "en"),
    "nested-folders": ("LPIC-1 101", {"101.1": None, "101.2": None}, "en"),
    "site-pages": ("LPIC-3 305", {"351.1": 6, "351.2": None}, "en"),
}


def test_every_fixture_guide_is_expected() -> None:
    assert sorted(p.name for p in GUIDES.iterdir() if p.is_dir()) == sorted([*EXPECTED, "no-numbering"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_guide_gives_its_objectives_weights_and_exam(name: str) -> None:
    exam, weights, lang = EXPECTED[name]
    result = check([str(GUIDES / name)])
    assert {o.id: o.weight for o in result.guide.objectives} == weights
    assert (result.guide.exam, result.guide.lang) == (exam, lang)
    assert not result.translations  # one language, one guide
    assert not [d for d in result.diagnostics if d.severity.value == "error"], result.diagnostics
    for o in result.guide.objectives:
        assert o.title and not o.title[0].isdigit() and "(" not in o.title, o.title


def test_every_shape_reads_its_example_and_has_a_fixture() -> None:
    for shape in objective_shapes():
        found = match_objective(shape.example)
        assert found and found.shape == shape.name, shape
    for shape in topic_shapes():
        found = match_topic(shape.example)
        assert found and found.shape == shape.name, shape
    for shape in PATH_SHAPES:
        found = objective_from_path(f"{shape.example}/notes.md", ".")
        assert found and found.shape == shape.name, shape
    found = objective_from_path(f"g/{NESTED_PATH.example}/notes.md", "g")
    assert found and found.shape == NESTED_PATH.name
    for shape in (*objective_shapes(), *topic_shapes(), *PATH_SHAPES, NESTED_PATH):
        assert shape.fixture in EXPECTED, f"{shape.name}: no guide tests/guides/{shape.fixture}"


@pytest.mark.parametrize("title, number, rest, weight", [
    ("352.1 Container Virtualization Concepts", "352.1", "Container Virtualization Concepts", None),
    ("Objective 200.1; Measure Resource Usage (6 points)", "200.1", "Measure Resource Usage", 6),
    ("Objective 201.1: Kernel Components (weight: 2)", "201.1", "Kernel Components", 2),
    ("Kernel Components (201.1)", "201.1", "Kernel Components", None),
    ("101.1 (2) Determine and configure hardware settings", "101.1", "Determine and configure hardware settings", 2),
    ("101.2.Boot the system", "101.2", "Boot the system", None),
    ("[101.1] Determine hardware", "101.1", "Determine hardware", None),
    ("101.1) Determine hardware", "101.1", "Determine hardware", None),
    ("101.1 (weight 2) Determine hardware", "101.1", "Determine hardware", 2),
    ("Objective: 101.1 Determine hardware", "101.1", "Determine hardware", None),
    ("Lesson 101.1: Determine hardware", "101.1", "Determine hardware", None),
    ("LPIC-1 101.1 Determine hardware", "101.1", "Determine hardware", None),
    ("Topic 101.1 Determine hardware", "101.1", "Determine hardware", None),
])
def test_objective_headings_in_every_shape(title: str, number: str, rest: str, weight: int | None) -> None:
    found = match_objective(title)
    assert found is not None and (found.number, found.title, found.weight) == (number, rest, weight)


@pytest.mark.parametrize("title", ["192.168.0.134:3260,1 iqn.2026-01.example", "Install v2 - 3",
                                   "RAID (level 5)", "10.0.2.15 is the guest's address",
                                   "Use version 101.1 of the tool", "See also 201.1 for kernels"])
def test_what_is_not_an_objective_heading(title: str) -> None:
    assert match_objective(title) is None


def test_a_weight_written_into_a_title_is_taken_out() -> None:
    assert split_weight("Measure (6 points)") == ("Measure", 6)
    assert split_weight("Kernel - Weight 4") == ("Kernel", 4)
    assert split_weight("Pesos e medidas (peso 3)") == ("Pesos e medidas", 3)
    assert split_weight("RAID (level 5)") == ("RAID (level 5)", None)


def test_a_topic_page_gives_weights_and_descriptions_to_the_objective_pages() -> None:
    result = check([str(GUIDES / "topic-pages")])
    first = result.guide.objective("200.1")
    assert first.description and first.description.plain.startswith("Candidates should")
    assert [k.plain for k in first.key_knowledge_areas] == ["Measure CPU usage", "Measure disk I/O"]
    assert [g.purpose for g in first.command_groups] == ["report CPU and device statistics every two seconds"]
    (listing,) = [d for d in result.diagnostics if d.rule == "objective-listing"]
    assert listing.pos.path.endswith("lpic2.200.0.md") and listing.severity.value == "info"
    assert "My Capacity Notes" not in result.guide.exam and "<span" not in result.guide.exam


def test_notes_in_folders_named_for_objectives_are_those_objectives() -> None:
    guide = check([str(GUIDES / "numbered-folders")]).guide
    one = guide.objective("1.1")
    assert one.title == "Linux Evolution and Popular Operating Systems"  # the README's bold line names it
    assert guide.topics[0].title == "The Linux Community and a Career in Open Source"
    assert {s.title for s in one.sections} >= {"Linux Distributions", "Embedded Systems"}


def test_an_objective_readme_and_its_exercises_are_one_objective() -> None:
    result = check([str(GUIDES / "objective-folders")])
    (objective,) = result.guide.objectives
    assert objective.title == "Determine and configure hardware settings"
    assert objective.weight == 2 and objective.description is not None
    assert [c.name for c in objective.cited_objects] == ["/sys/", "lsusb"]
    assert any(s.title == "Exercises" for s in objective.sections)
    assert not [d for d in result.diagnostics if d.rule in ("duplicate-objective", "exam-unanswered")]


def test_lpi_objectives_pasted_as_plain_spanish_lines_give_their_weights() -> None:
    result = check([str(GUIDES / "spanish")])
    one = result.guide.objective("101.1")
    assert one.weight == 2 and one.description.plain.startswith("Los candidatos deberán")
    assert [k.plain for k in one.key_knowledge_areas] == ["Activar y desactivar los periféricos integrados."]
    assert [c.name for c in one.cited_objects] == ["/sys/", "lsusb"]
    two = result.guide.objective("101.2")  # LPI's sentence shortened, as the last line of the areas
    assert [k.plain for k in two.key_knowledge_areas] == [
        "Dar órdenes al cargador de arranque.", "Revisar los sucesos del arranque en los ficheros de registro."]
    assert [c.name for c in two.cited_objects] == ["dmesg", "journalctl"]
    listings = sorted(Path(d.pos.path).name for d in result.diagnostics if d.rule == "objective-listing")
    assert listings == ["cambios.md", "objetivos.md"]  # the changelog gives nothing, the list its weights


@pytest.mark.parametrize("name", ["german", "french", "italian"])
def test_each_language_reads_its_own_labels(name: str) -> None:
    (o,) = check([str(GUIDES / name)]).guide.objectives
    assert o.description and len(o.key_knowledge_areas) == 2 and o.weight
    assert [c.name for c in o.cited_objects] in (["/sys/", "lsusb"], ["cp", "find"])
    assert len(o.command_groups) == 1 and o.command_groups[0].purpose


def test_labels_in_every_markup_a_reader_still_sees() -> None:
    guide = check([str(GUIDES / "label-variants")]).guide
    one, two, three = guide.objectives
    assert [k.plain for k in one.key_knowledge_areas] == [
        "Measure CPU usage", "Measure memory usage", "Estimate throughput and identify bottlenecks"]
    assert [c.name for c in one.cited_objects] == ["/proc/meminfo", "iostat"]
    assert [g.purpose for g in one.command_groups] == ["show cpu statistics every two seconds",
                                                       "show memory and swap activity"]
    assert two.description.plain.startswith("Candidates should be able to monitor")
    assert [c.name for c in two.cited_objects] == ["collectd", "Nagios"]
    assert [c.name for c in three.cited_objects] == ["sysctl", "/etc/sysctl.conf"]


def test_labels_laid_out_as_tables_field_lines_and_one_line_lists() -> None:
    result = check([str(GUIDES / "label-layouts")])
    one, two, three, four = result.guide.objectives
    # `|**Weight**|**4**|` over `|**Description**|...|`: labels, not a table to learn
    assert one.description.plain.startswith("Candidates should be able to interact with shells")
    assert [k.plain for k in one.key_knowledge_areas] == ["Use single shell commands",
                                                          "Use and modify the shell environment"]
    assert not one.tables and not two.tables
    # `Partial list of files, terms, utilities:` with its entries on the next line; the fence under
    # it is a command, not a cited object
    assert [c.name for c in one.cited_objects] == ["bash", "echo", "env", "export", "pwd"]
    assert [g.purpose for g in one.command_groups] == ["print the working directory"]
    # the labels as the header and their values as the one row
    assert two.description.plain == "Candidates should be able to apply filters to text streams."
    assert [c.name for c in two.cited_objects] == ["cat", "cut", "head", "sort"]  # `Terms and Utilities: ...`
    # `Exam 101 · Objective 103.3 · Weight 4`, and the areas on the label's line, `;` between them
    assert [k.plain for k in three.key_knowledge_areas] == [
        "copy, move and remove files one by one and by find", "create and remove directories",
        "use simple globbing"]
    assert any(s.text == "find" and s.style.value == "code" for s in three.key_knowledge_areas[0].spans)
    assert [c.name for c in three.cited_objects] == ["cp", "find", "mkdir", "mv", "rm"]
    assert [g.purpose for g in three.command_groups] == ["copy a tree, keeping modes and times"]
    # `#####Weight: 4` (no space: a paragraph to markdown), `### Description: ...` as a heading, and
    # LPI's cited-list sentence as the last area, its entries in the list after it
    assert four.description.plain == "Candidates should be able to redirect streams and connect them."
    assert [k.plain for k in four.key_knowledge_areas] == [
        "Redirect standard input, output and error.", "Pipe the output of one command to the input of another."]
    assert [c.name for c in four.cited_objects] == ["tee", "xargs"]
    assert not [s for s in four.sections if s.title.startswith("Description")]


def test_objective_lines_followed_by_their_labels_are_objectives_whatever_the_topic() -> None:
    result = check([str(GUIDES / "plain-objective-lines")])
    one, two = result.guide.objectives
    assert one.description.plain == "Knowledge of how Linux came to be and of its major distributions."
    assert [k.plain for k in one.key_knowledge_areas] == ["Distributions", "Embedded systems"]
    assert [k.plain for k in two.key_knowledge_areas] == ["Desktop applications", "Server applications"]
    # `### 1.3 Distributions in the notes` is a numbered section of the notes (no label follows it)
    assert [g.purpose for g in two.command_groups] == ["show which distribution this system runs"]
    assert [s.title for s in two.sections] == ["Distributions in the notes"]


def test_callouts_of_every_dialect_are_read_as_their_content() -> None:
    result = check([str(GUIDES / "containers")])
    (o,) = result.guide.objectives
    # MkDocs' indented content is a paragraph and a fenced command, not a code block of markup
    assert [(g.purpose, [line.text for line in g.lines]) for g in o.command_groups] == [
        ("make an ext4 filesystem on the first partition", ["mkfs.ext4 /dev/sdb1"]),
        ("create a swap area on the second partition", ["mkswap /dev/sdb2"])]
    assert [g.lines[0].pos.line for g in o.command_groups] == [21, 44]  # the lines the author wrote
    prose = [p.text.plain for p in o.prose]
    assert prose == ["mkfs is a front end for the filesystem-specific builders such as mkfs.ext4.",
                     "Use lsblk -f to see the filesystem type of each partition.",
                     "The parted tool can also resize partitions.",
                     "mkswap prepares a partition for use as swap space.",
                     "Which command shows the UUID of a partition?", "blkid /dev/sdb1"]
    assert not [d for d in result.diagnostics if d.rule == "raw-html"]
    (sample,) = o.samples  # a markdown sample keeps its markup
    assert "!!! note" in sample.text and "> [!TIP]" in sample.text


def test_every_container_shape_unwraps_its_example_and_keeps_the_line_count() -> None:
    for container in CONTAINERS:
        assert unwrap_containers([container.example]) != [container.example], container.name
    lines = (GUIDES / "containers" / "README.md").read_text().split("\n")
    unwrapped = unwrap_containers(lines)
    assert len(unwrapped) == len(lines)
    assert unwrapped[lines.index("```markdown") + 1] == '!!! note "a sample of MkDocs markup stays as written"'
    plain = ["# Title", "", "Text with ::: inside and {% raw %} inline.", "    indented code"]
    assert unwrap_containers(plain) is plain


def test_command_blocks_as_a_reader_sees_them() -> None:
    result = check([str(GUIDES / "command-blocks")])
    (o,) = result.guide.objectives
    groups = [(g.purpose, [line.text for line in g.lines]) for g in o.command_groups]
    assert ("check the syntax of the configuration files", ["apachectl configtest"]) in groups
    assert ("reload the configuration without dropping connections", ["apachectl graceful"]) in groups
    session = next(lines for _, lines in groups if lines[0].startswith("apachectl -M"))
    assert session == ["apachectl -M | grep ssl", "openssl x509 -in server.crt -noout -dates"]  # no output
    assert not any("APACHE COMMANDS" in (p or "") for p, _ in groups)
    # `Usage:` over a syntax line makes it a sample; `Example:` is never a purpose
    assert [s.language for s in o.samples] == ["conf", "xml", "sql", "yaml", "text", "help", "help"]
    assert o.samples[-1].text == "apachectl [options] command"
    assert (None, ["apachectl -k graceful-stop"]) in groups
    assert not [d for d in result.diagnostics if d.severity.value == "error"]


def test_purposes_written_in_prose_around_commands_without_comments() -> None:
    (o,) = check([str(GUIDES / "prose-purposes")]).guide.objectives
    assert [(g.purpose, [line.text for line in g.lines]) for g in o.command_groups] == [
        ("The date command prints the system clock in the current time zone", ["date"]),  # names it
        ("Can you set the clock by hand?", ['date -s "2026-12-06 10:00"']),  # asks, right before
        ("read the hardware clock and print its time", ["hwclock -r"]),  # the option's table row
        ("set the hardware clock from the system time", ["hwclock -w"]),  # after a blank line
        ("Setting the time zone", ["timedatectl set-timezone Europe/Lisbon"]),  # an action heading
    ]


def test_readme_closing_sections_are_not_the_last_objective() -> None:
    guide = check([str(GUIDES / "boilerplate")]).guide
    (o,) = guide.objectives
    said = " ".join(p.text.plain for p in o.prose)
    assert "License" not in said and "author@example.com" not in said and "back to" not in said
    assert not any(s.title in ("Contributing", "License", "Contact") for s in o.sections)


def test_an_objective_written_as_a_line_of_its_own_and_a_label_with_a_typo(tmp_path: Path) -> None:
    folder = tmp_path / "101.3-Runlevels"
    folder.mkdir()
    (folder / "README.md").write_text("# LPIC-1\n\n101.3 (3) Change runlevels\n\n**Weigth:** 4\n\n"
                                      "```sh\n# switch to runlevel 1\ntelinit 1\n```\n")
    result = check([str(folder)])
    (o,) = result.guide.objectives
    assert (o.id, o.title, o.weight) == ("101.3", "Change runlevels", 3)
    (typo,) = [d for d in result.diagnostics if d.rule == "label-unrecognised"]
    assert typo.pos.line == 5 and "'Weigth' looks like the label 'Weight'" in typo.message


def test_objectives_written_as_a_bold_line_an_html_heading_or_a_setext_heading() -> None:
    result = check([str(GUIDES / "objective-lines")])
    assert [(o.id, o.pos.line, len(o.command_groups)) for o in result.guide.objectives] == [
        ("101.1", 3, 1), ("101.2", 12, 1), ("101.3", 21, 1), ("101.4", 31, 1)]  # `#101.4 Title` too
    assert not [d for d in result.diagnostics if d.rule in ("raw-html", "objective-unrecognised")]


def test_a_line_that_opens_like_an_objective_the_guide_lacks_is_reported() -> None:
    result = check([str(GUIDES.parent / "fixtures" / "rules" / "objective-unrecognised.md")])
    assert [o.id for o in result.guide.objectives] == ["101.1"]
    (said,) = [d for d in result.diagnostics if d.rule == "objective-unrecognised"]
    assert said.pos.line == 13 and "opens like objective 101.2" in said.message
    # an objective the guide has elsewhere, or a numbered line inside an objective's own text, is not
    again = check([str(GUIDES / "objective-lines"), str(GUIDES.parent / "fixtures" / "rules"
                                                         / "objective-unrecognised.md")])
    assert not [d for d in again.diagnostics if d.rule == "objective-unrecognised"]


def test_objectives_numbered_by_a_topic_folder_and_a_number_folder_under_it(tmp_path: Path) -> None:
    one, two = check([str(GUIDES / "nested-folders")]).guide.objectives
    assert (one.id, one.title, two.id, two.title) == (
        "101.1", "Determine and configure hardware settings", "101.2", "Boot the system")
    assert one.description.plain == "Should be able to determine and configure fundamental system hardware."
    assert [c.name for c in one.cited_objects] == ["/sys", "lspci"]  # under a heading in LPI's words
    assert [k.plain for k in one.key_knowledge_areas][0] == "Enable and disable integrated peripherals."
    assert [c.name for c in two.cited_objects] == ["dmesg"]
    assert [g.purpose for g in one.command_groups] == ["show PCI devices with the kernel driver in use"]
    linked = tmp_path / "linked"
    linked.symlink_to((GUIDES / "nested-folders").resolve())  # named through a link: the same objectives
    assert [o.id for o in check([str(linked)]).guide.objectives] == ["101.1", "101.2"]
    assert objective_from_path("g/101-architecture/2-boot.md", "g").number == "101.2"
    assert objective_from_path("g/101/0/README.md", "g") is None and objective_from_path("g/7/1.md", "g") is None


def test_static_site_pages_front_matter_prefixed_titles_and_hyphenated_file_names() -> None:
    result = check([str(GUIDES / "site-pages")])
    one, two = result.guide.objectives
    # the front matter's `weight: 1` orders the site's pages: the objective's weight is its title's
    assert (one.title, one.weight, two.title) == ("Virtualization Concepts and Theory", 6, "Xen")
    assert [k.plain for k in one.key_knowledge_areas] == ["Types of hypervisors",
                                                          "Paravirtualization and full virtualization"]
    assert [g.purpose for g in two.command_groups] == ["list the running domains"]
    assert not [d for d in result.diagnostics if d.rule in ("heading-skip", "objective-unrecognised")]


def test_a_removed_objective_is_reported_not_built() -> None:
    result = check([str(GUIDES / "removed-objective")])
    assert "104.4" not in {o.id for o in result.guide.objectives}
    (removed,) = [d for d in result.diagnostics if d.rule == "objective-removed"]
    assert removed.pos.line == 16 and removed.severity.value == "info"


def test_a_table_of_links_is_links_not_cards() -> None:
    guide = check([str(GUIDES / "link-tables")]).guide
    one = guide.objective("701.1")
    assert not one.tables
    assert [(link.text, link.target) for link in one.links][:2] == [
        ("The Twelve-Factor App", "https://12factor.net/"), ("Agile Manifesto", "http://agilemanifesto.org/")]
    assert any(s.title == "The Twelve-Factor App" for s in one.sections)  # the notes in its folder


def test_a_one_language_repository_builds_one_deck(tmp_path: Path) -> None:
    result = build([str(GUIDES / "link-tables")], BuildConfig(output=tmp_path, formats=("anki",)),
                   settings=None)
    names = sorted(a.path.name for a in result.artifacts if a.path.suffix == ".apkg")
    assert names and not [n for n in names if ".pt-BR" in n], names


def test_a_guide_with_no_lpi_numbering_fails_with_what_was_looked_for(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["build", str(GUIDES / "no-numbering"), "-o", str(tmp_path / "out"),
                                    "-f", "anki", "-f", "json"])
    assert done.exit_code == 1
    assert "error: no objective found in 1 file(s)" in done.output
    assert "'My Linux notes'" in done.output and "'Networking'" in done.output  # the headings it saw
    assert not list((tmp_path / "out").rglob("*.apkg")) and not (tmp_path / "out" / "notes.json").exists()


def test_check_and_build_agree_on_every_fixture_guide(tmp_path: Path) -> None:
    for name in [*EXPECTED, "no-numbering"]:
        checked = CliRunner().invoke(cli, ["-q", "check", str(GUIDES / name)])
        built = CliRunner().invoke(cli, ["-q", "build", str(GUIDES / name), "-o", str(tmp_path / name),
                                         "-f", "json", "--ledger", str(tmp_path / f"{name}.lock")])
        assert checked.exit_code == built.exit_code, name
        if built.exit_code == 0:
            data = json.loads((tmp_path / name / "notes.json").read_text("utf-8"))
            assert len([o for t in data["topics"] for o in t["objectives"]]) == len(EXPECTED[name][1])


@pytest.mark.parametrize("comment, prose", [
    ("show all devices", True), ("create a 2GB partition in the selected disk", True),
    ("terminate windows", True), ("ls -l /dev", False), ("cat /etc/fstab", False),
    ("echo $PATH", False), ("192.168.0.134:3260,1 iqn.2026-01.example:disk1", False),
])
def test_comment_words_or_code(comment: str, prose: bool) -> None:
    assert comment_is_prose(comment) is prose


def test_banners_labels_and_prompts() -> None:
    assert is_banner("------------ KUBERNETES COMMANDS ------------") and not is_banner("list pods")
    assert is_label_comment("syntax") and is_label_comment("Example 2:") and not is_label_comment("list")
    for who in ("root", "user", "as root", "on the server", "as a normal user", "client side"):
        assert is_label_comment(who), who  # who runs the lines, not what they do
    for purpose in ("show all users", "list the root directory", "restart the server"):
        assert not is_label_comment(purpose), purpose
    for line in ("$ ls", "[root@centos7 ~]# ls", "user@host:~$ ls", "root@host:/etc# ls", "PS C:\\> dir"):
        assert PROMPT.match(line), line
    assert not PROMPT.match("ls -l")


@pytest.mark.parametrize("kind, block", [
    ("json", '{"a": 1,\n "b": [2, 3]}'),
    ("xml", "<VirtualHost *:80>\n  ServerName a\n</VirtualHost>"),
    ("sql", "SELECT * FROM t;\nDELETE FROM t WHERE id = 1;"),
    ("conf", "server {\n  listen 80;\n}"),
    ("ini", "[global]\nworkgroup = HOME\nsecurity = user"),
    ("yaml", "services:\n  web:\n    image: nginx"),
    ("help", "  -a, --all   show all\n  -l          long listing"),
    ("text", "0600:    -rw-------\n0644:    -rw-r--r--"),
    ("text", "RSS\nNon-swapped physical memory used by the process."),
    (None, "ls -l\nmount -a"),
    (None, "qemu-system-x86_64 \\\n  -m 2048 \\\n  -smp 2"),
    (None, "$ cat a\noutput line 1"),
])
def test_what_a_shell_block_holds(kind: str | None, block: str) -> None:
    assert code_kind(block) == kind
    assert kind is None or kind in {name for name, _ in DETECTORS}
