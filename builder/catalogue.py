"""Every diagnostic code in one table: severity, why it matters, where it is documented, a fixture."""

from __future__ import annotations

from dataclasses import dataclass

from builder.diagnostics import Severity


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code, as `check` prints it (`[id]`) and the README documents it."""

    id: str
    severity: Severity  # the default; sheet-render's note about HarfBuzz is milder (info)
    why: str  # one line for the README table: why a guide author should care
    docs: str  # where it is explained: a file and heading anchor, from the repository root
    fixture: str  # under tests/fixtures/: the guide (file or folder) that triggers it
    writer: str | None = None  # the format whose writer finds it; None: `check` finds it


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
README = "README.md#cheatdeck-check-the-rules"
EXAMS = "docs/exams.md#what-cheatdeck-check-reports"
SHEETS = "docs/sheets.md#diagnostics"
DATED = "README.md#dated-facts"

# Adding a code: one row here, one fixture that triggers it, then `make rules-table` (README).
CATALOGUE: tuple[Code, ...] = (
    # -- reading files ----------------------------------------------------------------------------
    Code("invalid-utf8", ERROR, "invalid bytes were dropped; save the file as UTF-8",
         README, "bad/invalid-utf8.md"),
    Code("binary-file", ERROR, "a binary file named `.md` is skipped", README, "bad/binary.md"),
    Code("file-too-large", ERROR, "files over 8 MiB are not read; split the guide per objective",
         README, "catalogue/too-large.md"),
    Code("unreadable", ERROR, "the file could not be read (permissions)", README,
         "catalogue/unreadable.md"),
    Code("mojibake-repaired", WARNING, "the file was saved with the wrong encoding; the text was "
         "repaired", README, "rules/mojibake.md"),
    Code("mojibake-dropped", WARNING, "bytes were lost (often an emoji); the remains were removed",
         README, "rules/mojibake.md"),
    Code("nesting-too-deep", WARNING, "lists or quotes deeper than 40 levels are read as plain text",
         README, "bad/deep-lists.md"),
    Code("no-objectives", INFO, "a file without any objective heading contributes nothing (a README, "
         "an index)", README, "../guides/joined-file-names"),
    Code("no-objectives-found", ERROR, "no source holds an objective: nothing is built; the message "
         "shows the first headings seen", "docs/guide-shapes.md#nothing-found", "bad/empty.md"),
    Code("label-unrecognised", WARNING, "a line that opens like an objective label, a letter or two "
         "off (`**Weigth:** 3`), is not read as one", "docs/guide-shapes.md#labels", "rules/label-typo.md"),
    Code("objective-unrecognised", WARNING, "a paragraph that opens like an objective the guide does "
         "not have (`101.2 Boot the system`) is read as text, and said so", "docs/guide-shapes.md#objectives",
         "rules/objective-unrecognised.md"),
    Code("objective-removed", INFO, "an objective whose title says LPI removed it (`104.4 Removed`) "
         "is reported, not built", "docs/guide-shapes.md#objectives", "../guides/removed-objective"),
    Code("objective-listing", INFO, "a file that only lists objectives other files hold gives them "
         "its weights and descriptions, nothing else", "docs/guide-shapes.md#one-objective-in-several-files",
         "../guides/topic-pages"),
    Code("not-regular-file", ERROR, "a FIFO, device or socket named as a source is never read "
         "(it could block or never end)", "SECURITY.md#what-the-builder-reads", "catalogue/fifo"),
    Code("symlink-outside", ERROR, "a guide file that is a symlink out of the source folder is not "
         "read", "SECURITY.md#what-the-builder-reads", "catalogue/symlink-outside"),
    Code("line-too-long", WARNING, "a line over 32,768 characters is cut there (such lines make "
         "the reader and the sheets slow)", README, "catalogue/line-too-long.md"),
    Code("nul-dropped", WARNING, "NUL bytes were dropped; the file is partly binary or damaged",
         README, "catalogue/nul-dropped.md"),
    Code("other-language", WARNING, "a file in another language than the configured one is left out "
         "of this build (build it on its own)", "docs/languages.md#the-language-of-a-file",
         "catalogue/other-language"),
    # -- the guide's structure --------------------------------------------------------------------
    Code("fence-swallows-heading", ERROR, "a fence that runs over an objective heading or label "
         "would hide the objective; it is closed there", README, "rules/fence-swallows-heading.md"),
    Code("repeated-command", INFO, "the same command lines written twice in one objective make one "
         "card with every purpose", "docs/anki.md#guides-that-repeat-themselves",
         "rules/repeated-command.md"),
    Code("identity-collision", WARNING, "two cards of one kind with one identity are numbered in "
         "source order; pin one to name it", "docs/anki.md#guides-that-repeat-themselves",
         "rules/repeated-command.md"),
    Code("exam-unknown", WARNING, "no exam named by the project file, a title line or LPI's topic "
         "table: decks get a neutral name", "README.md#building-someone-elses-guide",
         "rules/fence-swallows-heading.md"),
    Code("duplicate-objective", ERROR, "two objectives with one id would share card identities; "
         "the second is skipped", README, "bad/duplicate-ids.md"),
    Code("objective-mismatch", WARNING, "a heading numbered for another objective or topic "
         "(`252.1 ip` under 352) is a typo", README, "rules/objective-mismatch.md"),
    Code("heading-skip", WARNING, "a skipped heading level (`#` then `###`) breaks the outline of "
         "sheets and PDFs", README, "rules/heading-skip.md"),
    Code("weight-invalid", WARNING, "`**Weight:**` must be a number", README, "rules/weight-invalid.md"),
    Code("fence-unclosed", ERROR, "everything after an unclosed fence is read as code",
         README, "bad/unterminated-fence.md"),
    Code("table-ragged", WARNING, "a row with more or fewer cells than the header is silently cut "
         "or padded", README, "rules/table-ragged.md"),
    Code("table-pipe-in-code", WARNING, "a `|` inside a code span splits the cell; write `\\|`",
         README, "rules/table-ragged.md"),
    Code("raw-html", WARNING, "raw HTML is not rendered (it shows as text): write markdown",
         README, "bad/script.md"),
    Code("unsafe-url", WARNING, "`file:`, `javascript:`, `vbscript:`, `data:` targets are never "
         "followed", README, "bad/script.md"),
    Code("purpose-without-command", WARNING, "a purpose comment with nothing under it is a "
         "half-written card", README, "rules/purpose-without-command.md"),
    # -- model rules (builder/rules.py) -------------------------------------------------------------
    Code("stub-placeholder", WARNING, "a `foo`/`TODO` section is not content; it never becomes a "
         "card", README, "rules/stubs.md"),
    Code("stub-empty", WARNING, "an empty section promises content the reader never gets",
         README, "rules/stubs.md"),
    Code("comment-only-block", WARNING, "a command block with only a comment teaches no command",
         README, "rules/stubs.md"),
    Code("objective-incomplete", WARNING, "an objective without weight, description, key knowledge "
         "areas or cited objects makes incomplete overview cards and sheets",
         README, "rules/objective-incomplete.md"),
    Code("no-commands", WARNING, "an objective without command lines has no command cards",
         README, "rules/objective-incomplete.md"),
    Code("no-purpose", WARNING, "command lines without a `# purpose` comment cannot be asked for "
         "from their purpose", README, "rules/no-purpose.md"),
    Code("card-asks-nothing", WARNING, "a purpose that gives its command away or says no more than "
         "it, a definition that repeats its term or a cell that is only a link would make cards "
         "that ask nothing: it makes none", "docs/anki.md#cards-that-ask-nothing", "rules/card-asks-nothing.md"),
    Code("cited-unused", WARNING, "a cited object never shown in a command or file example is "
         "learned without context", README, "rules/cited-unused.md"),
    Code("media-rejected", WARNING, "an image that is not PNG, JPEG, GIF, WebP or SVG by its "
         "bytes, over 20 MiB, or past 200 MiB of images per build is left out (never read whole)",
         "SECURITY.md#what-the-builder-reads", "catalogue/media-rejected"),
    Code("broken-image", WARNING, "a missing image, or one outside the source folder, is left out "
         "of decks and sheets", README, "bad/image-escape.md"),
    Code("remote-image", WARNING, "remote images are never fetched, so they are left out",
         README, "bad/image-escape.md"),
    Code("broken-link", WARNING, "a relative link to a file that does not exist",
         README, "rules/broken-link.md"),
    Code("unknown-code", WARNING, "an ignore comment names a code that does not exist, so it "
         "ignores nothing", README, "rules/unknown-code.md"),
    Code("dated-fact-expired", WARNING, "a statement marked `<!-- until: DAY -->` or `<!-- review: "
         "DAY -->` whose day has passed may be stale: revisit it before learners memorise it",
         DATED, "rules/dated-facts.md"),
    Code("dated-fact-invalid", WARNING, "a dated-fact marker without a YYYY-MM-DD day, with nothing "
         "after it to date, or inside text (where cards would show it) dates nothing",
         DATED, "rules/dated-facts.md"),
    # -- practice exams -----------------------------------------------------------------------------
    Code("exam-no-key", WARNING, "a question the key does not answer gets no card (or there is no "
         "key at all)", EXAMS, "exam/bad/no-key.md"),
    Code("exam-two-keys", ERROR, "the key answers a question twice", EXAMS, "exam/bad/two-keys.md"),
    Code("exam-key-unknown-question", WARNING, "the key answers a question that does not exist",
         EXAMS, "exam/bad/key-unknown-question.md"),
    Code("exam-key-not-an-option", ERROR, "the key gives a letter the question has no option for, "
         "a letter for a fill-in, or text for a choice", EXAMS, "exam/bad/key-not-an-option.md"),
    Code("exam-key-unreadable", WARNING, "text in the answer key that is no entry",
         EXAMS, "exam/bad/key-unreadable.md"),
    Code("exam-number-duplicate", ERROR, "two questions with one number",
         EXAMS, "exam/bad/number-duplicate.md"),
    Code("exam-number-skipped", WARNING, "question numbers jump (`62` then `64`)",
         EXAMS, "exam/bad/number-skipped.md"),
    Code("exam-number-order", WARNING, "a question number smaller than the one before",
         EXAMS, "exam/bad/number-skipped.md"),
    Code("exam-range-mismatch", WARNING, "`(Questions 61-63)` but other questions under the "
         "heading", EXAMS, "exam/bad/range-mismatch.md"),
    Code("exam-fill-in-no-blank", WARNING, "a question with no options and no `___` cannot be "
         "asked", EXAMS, "exam/bad/fill-in-no-blank.md"),
    Code("exam-option-letter", WARNING, "options that do not run A, B, C…",
         EXAMS, "exam/bad/option-letter.md"),
    Code("exam-duplicate-question", WARNING, "the same question, options and answer twice",
         EXAMS, "exam/bad/duplicate-question.md"),
    Code("exam-card-key-duplicate", ERROR, "two questions pinned to one card key would be one card",
         EXAMS, "exam/bad/card-key-duplicate.md"),
    Code("exam-stray-text", INFO, "text after a question's options that belongs to no question",
         EXAMS, "exam/bad/stray-text.md"),
    Code("exam-card-shared", INFO, "a question in several exams becomes one card, packaged with "
         "the first exam only", "docs/exams.md#identity", "catalogue/exam-card-shared",
         "exam-anki"),
    Code("exam-sheet-glyph", WARNING, "no installed font prints a character of the exam: the "
         "printed exam shows a box", "docs/exams.md#on-the-cheat-sheets",
         "catalogue/exam-sheet-glyph.md", "exam-sheet"),
    # -- cheat sheets ---------------------------------------------------------------------------------
    Code("sheet-too-long", WARNING, "an objective that would fill more than about 40 sheet pages "
         "(`[writers.sheets] max_pages`) is cut on its sheet (decks keep all of it)", SHEETS, "sheets/rich", "sheets"),
    Code("sheet-missing-glyph", WARNING, "no installed font draws a character: the sheet prints a "
         "box", SHEETS, "catalogue/sheet-missing-glyph.md", "sheets"),
    Code("sheet-url-refused", WARNING, "a URL outside the source and templates folders is never "
         "fetched for a sheet", SHEETS, "catalogue/sheet-templates", "sheets"),
    Code("sheet-overflow", WARNING, "text would print past its column, over the next one or off "
         "the page (a word or table too wide for it)", SHEETS, "catalogue/sheet-overflow", "sheets"),
    Code("sheet-render", WARNING, "WeasyPrint warned about a sheet (often a template's CSS)",
         SHEETS, "catalogue/sheet-templates", "sheets"),
)

CODES: dict[str, Code] = {code.id: code for code in CATALOGUE}
