"""The printable exam: dist/sheets/exam-<slug>.pdf, questions first, the answer key on its own last page.

Model → HTML (`render_html`, pure: Jinja2 with the context below) is kept apart from
HTML → PDF, which goes through the sheets' WeasyPrint renderer (builder/sheets/pdf.py).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from builder import __version__
from builder.artifacts import Artifact, WriterResult
from builder.context import BuildContext
from builder.diagnostics import Diagnostic, warning
from builder import i18n
from builder.i18n import _, override
from builder.model import Exam, Guide, Question, QuestionKind
from builder.output import atomic_write
from builder.resources import templates_dir
from builder.sheets.render import page_counter
from builder.workers import die_with, installed_code_first
from builder.html import highlight_code, pygments_css, rich_to_html

NAME = "exam-sheet"
TEMPLATE = "exam.html.j2"
STYLESHEET = "exam.css"
_BLANK = re.compile(r"_{3,}")
# Longest option (characters) that still fits 4, or 2, to a row on a portrait page.
GRID_LIMITS = ((16, 4), (38, 2))
KEY_NARROW = 40  # answer HTML longer than this needs a wider key column


@dataclass(frozen=True, slots=True)
class SheetQuestion:
    """One question as printed."""

    number: int
    html: Markup  # the question text (line breaks kept, blanks drawn as lines) and its code
    options: tuple[tuple[str, Markup], ...]  # (letter, option html)
    columns: int  # options per row: 4, 2 or 1
    fill_in: bool


@dataclass(frozen=True, slots=True)
class SheetHeading:
    """A section heading, printed before the first question under it."""

    title: str
    level: int  # 2 or 3 on the page


@dataclass(frozen=True, slots=True)
class KeyItem:
    """One line of the answer key."""

    number: int
    answer: Markup  # `B` or the fill-in text; "—" when the key has none


@dataclass(frozen=True, slots=True)
class ExamSheet:
    """What exam.html.j2 receives as `sheet`."""

    title: str
    guide_exam: str  # the certification: "LPIC-3 305-300"
    items: tuple[SheetQuestion | SheetHeading, ...]
    key_rows: tuple[tuple[KeyItem | None, ...], ...]  # the key in columns, read top to bottom
    count: int
    page_size: str  # CSS @page size: "A4" or "letter"
    footer: str  # what built it (never when)
    code_css: Markup
    lang: str = "en"  # the guide's language: the page's words and `lang`


def _blank_html(html: str) -> str:
    return _BLANK.sub('<span class="blank"></span>', html)


def sheet_question(q: Question) -> SheetQuestion:
    text = _blank_html(rich_to_html(q.text).replace("\n", "<br>"))
    code = "".join(f'<pre class="code">{_blank_html(highlight_code(c.text, c.language))}</pre>'
                   for c in q.code)
    options = tuple((o.letter, Markup(rich_to_html(o.text))) for o in q.options)
    longest = max((len(o.text.plain) for o in q.options), default=0)
    columns = next((n for limit, n in GRID_LIMITS if longest <= limit), 1)
    return SheetQuestion(q.number, Markup(text + code), options, columns,
                         q.kind is QuestionKind.FILL_IN)


def key_item(q: Question) -> KeyItem:
    if q.kind is QuestionKind.CHOICE:
        answer = Markup.escape(", ".join(q.answers))
    else:
        answer = Markup(rich_to_html(q.fill_answer)) if q.fill_answer else Markup("")
    return KeyItem(q.number, answer if answer else Markup("\u2014"))


def key_rows(items: list[KeyItem]) -> tuple[tuple[KeyItem | None, ...], ...]:
    """The key as table rows, filled column by column: 5 columns, 3 when fill-in answers are long."""
    columns = 3 if any(len(str(i.answer)) > KEY_NARROW for i in items) else 5
    height = max(1, -(-len(items) // columns))
    return tuple(tuple(items[c * height + r] if c * height + r < len(items) else None
                       for c in range(columns)) for r in range(height))


def _items(exam: Exam) -> tuple[SheetQuestion | SheetHeading, ...]:
    """Headings and questions in file order; headings with no question under them are left out."""
    shown: list[tuple[tuple[int, int], SheetQuestion | SheetHeading]] = []
    levels = sorted({s.level for s in exam.sections})
    for s in exam.sections:
        if s.numbers:
            shown.append(((s.pos.line, 0), SheetHeading(s.title, 2 if s.level == levels[0] else 3)))
    shown += [((q.pos.line, 1), sheet_question(q)) for q in exam.questions]
    return tuple(item for _, item in sorted(shown, key=lambda pair: pair[0]))


def exam_sheet(guide: Guide, exam: Exam, paper: str) -> ExamSheet:
    with override(guide.lang):
        version = "  \u00b7  " + _("guide {version}").format(version=guide.version) if guide.version else ""
    return ExamSheet(exam.title, guide.exam, _items(exam), key_rows([key_item(q) for q in exam.questions]),
                     len(exam.questions), "A4" if paper == "a4" else "letter",
                     f"cheatdeck {__version__}{version}", Markup(pygments_css("default", ".code")), guide.lang)


def environment(override: Path | None) -> Environment:
    """One Environment: the --templates folder's exam/ first, then the built-in one."""
    dirs = ([str(override / "exam")] if override else []) + [str(templates_dir() / "exam")]
    env = SandboxedEnvironment(loader=FileSystemLoader(dirs), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.policies["ext.i18n.trimmed"] = True
    env.globals["page_counter"] = page_counter
    return env


def render_html(sheet: ExamSheet, env: Environment) -> str:
    css = env.loader.get_source(env, STYLESHEET)[0]  # type: ignore[union-attr]
    with override(sheet.lang):
        return env.get_template(TEMPLATE).render(sheet=sheet, css=Markup(css))


def render_pdfs(jobs: list[tuple[str, str, str | None]]) -> list[tuple[bytes, int, tuple[str, ...]]]:
    """(html, base folder, PDF variant) to (PDF, pages, characters no font had), in order.

    Runs in a process of its own: the pipeline runs writers in threads, and a second
    WeasyPrint layout in this process could overlap the sheets writer's (Pango is not
    thread-safe, and the renderer captures WeasyPrint's loggers process-wide).
    """
    from builder.sheets.pdf import PdfRenderer  # WeasyPrint is loaded only when a PDF is made

    out = []
    for html, base, variant in jobs:
        root = Path(base)
        rendered = PdfRenderer("", root, (root,), variant).render(html, root)
        out.append((rendered.pdf, rendered.pages, rendered.missing_glyphs))
    return out


@dataclass(frozen=True, slots=True)
class Options:
    """The printed exam's paper and PDF variant (shared with the sheets by name)."""

    paper: str = "a4"
    pdf_variant: str | None = None


def write(guide: Guide, ctx: BuildContext) -> WriterResult:
    if not guide.exams:
        return WriterResult()
    options: Options = ctx.options_for(NAME, Options)
    env = environment(ctx.templates)
    root = str(ctx.source_root)
    jobs = [(render_html(exam_sheet(guide, exam, options.paper), env), root, options.pdf_variant)
            for exam in guide.exams]
    # Making the pool starts multiprocessing's resource tracker (its queue's lock), and submit()
    # the worker: both as `python -c`, so both inside installed_code_first().
    with installed_code_first():
        pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=die_with,
                                   initargs=(os.getpid(),))
    with pool:
        with installed_code_first():
            future = pool.submit(render_pdfs, jobs)
        results = future.result()
    artifacts = []
    found: list[Diagnostic] = []
    for exam, (pdf, pages, missing) in zip(guide.exams, results):
        path = atomic_write(ctx.output / "sheets" / ctx.named(f"exam-{exam.slug}.pdf"), pdf)
        ctx.progress(f"exam-sheet: wrote {path} ({pages} pages)")
        artifacts.append(Artifact.of(path, pdf, pages=pages))
        if missing:
            shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)
            found.append(warning(exam.pos, "exam-sheet-glyph", f"no font can print {shown}: the "
                                 f"printed exam shows a box instead; install a font or reword"))
    return WriterResult(tuple(artifacts), tuple(found))

