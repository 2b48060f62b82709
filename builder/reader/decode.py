"""Bytes to clean text: UTF-8 decoding, mojibake repair with ftfy, removal of what cannot be repaired."""

from __future__ import annotations

import re
from dataclasses import dataclass

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)

from builder.diagnostics import Diagnostic, error, warning
from builder.model import SourcePos

# ftfy for encoding repair only: no HTML unescaping, quote uncurling, width or ligature changes.
# restore_byte_a0 is off because it turns "ðŸ“ " (an emoji whose last byte was lost) into
# a different emoji and eats the space after it.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# UTF-8 lead byte, then continuation bytes, as seen through Windows-1252.
_CONTINUATION = bytes(range(0x80, 0xC0)).decode("sloppy-windows-1252")
MOJIBAKE_RUN = re.compile("[\u00c2-\u00f4][" + re.escape(_CONTINUATION) + "]{1,3}")
# Markers that must never survive into the model.
MOJIBAKE_MARKERS = ("ðŸ", "â€", "Ã", "ï¸", "\ufffd")
_NEWLINES = re.compile(r"\r\n?|\n")
_C1 = re.compile("[\u0080-\u009f]")
_LEADS = "ðâÃïÂ"
# A guide line is a sentence, a command or a table row; markdown-it's link and emphasis scans
# slow down sharply on lines of megabytes, so longer lines are cut (with a diagnostic).
MAX_LINE_CHARS = 32 * 1024


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The repaired text of one file and what was done to it."""

    text: str
    diagnostics: tuple[Diagnostic, ...]
    binary: bool = False


def decode_source(data: bytes, path: str) -> DecodedText:
    """Decode a guide file's bytes, repair mojibake line by line, and report every change."""
    if b"\x00" in data[:8192]:
        return DecodedText("", (error(SourcePos(path, 1), "binary-file",
                                      "file is binary (it holds NUL bytes), not a markdown guide; skipped"),), True)
    diags: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = _decode_utf8(data, path, diags)
    # Line endings as CommonMark (and markdown-it) count them: CRLF, CR or LF.
    lines = _NEWLINES.split(text)
    if text.isascii() and "\x00" not in text and max(map(len, lines)) <= MAX_LINE_CHARS:
        return DecodedText("\n".join(lines), tuple(diags))  # nothing to repair, cut or drop
    nul_lines: list[int] = []
    for i, line in enumerate(lines):
        if line.isascii() and len(line) <= MAX_LINE_CHARS and "\x00" not in line:
            continue  # nothing to repair (most lines)
        pos = SourcePos(path, i + 1)
        if "\x00" in line:  # markdown-it would turn each into U+FFFD on a card
            nul_lines.append(i + 1)
            line = line.replace("\x00", "")
        if len(line) > MAX_LINE_CHARS:
            diags.append(warning(pos, "line-too-long", f"line is {len(line):,} characters long; only "
                                 f"the first {MAX_LINE_CHARS:,} are read: break it up"))
            line = line[:MAX_LINE_CHARS]
        lines[i] = _repair_line(line, pos, diags)
    if nul_lines:
        more = f" (and on {len(nul_lines) - 1} more line(s))" if len(nul_lines) > 1 else ""
        diags.append(warning(SourcePos(path, nul_lines[0]), "nul-dropped",
                             f"NUL bytes were dropped here{more}: the file is partly binary or "
                             "damaged; check it"))
    return DecodedText("\n".join(lines), tuple(diags))


def _decode_utf8(data: bytes, path: str, diags: list[Diagnostic]) -> str:
    """Decode UTF-8; each invalid sequence is dropped and reported with its line and byte offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    pieces: list[str] = []
    start = 0
    reported = 0
    while True:
        try:
            pieces.append(data[start:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            bad = start + exc.start
            pieces.append(data[start:bad].decode("utf-8"))
            line = data.count(b"\n", 0, bad) + 1
            col = bad - (data.rfind(b"\n", 0, bad) + 1) + 1
            if reported < 20:
                diags.append(error(SourcePos(path, line, col), "invalid-utf8",
                                   f"invalid UTF-8 byte 0x{data[bad]:02x} at byte offset {bad}; "
                                   "it was dropped: save the file as UTF-8"))
            reported += 1
            start = start + exc.end
    return "".join(pieces)


def _repair_line(line: str, pos: SourcePos, diags: list[Diagnostic]) -> str:
    """Repair one line; keep ftfy's fix only if it is an exact inverse of the mojibake."""
    if line.isascii():
        return line
    fixed = ftfy.fix_text(line, _FTFY)
    if fixed != line and not _round_trips(fixed, line):
        fixed = line
    fixed = MOJIBAKE_RUN.sub(_repair_run, fixed)
    leftovers = [m.group(0) for m in MOJIBAKE_RUN.finditer(fixed) if m.group(0)[0] in _LEADS]
    if _count_runs(fixed) < _count_runs(line) or (fixed != line and not leftovers):
        diags.append(warning(pos, "mojibake-repaired",
                             "repaired mojibake (UTF-8 read as Windows-1252); save the file as UTF-8 "
                             "to silence this"))
    cleaned = fixed
    for run in leftovers:
        cleaned = cleaned.replace(run, "")
    cleaned = _C1.sub("", cleaned).replace("\ufffd", "")
    if cleaned != fixed:
        cleaned = re.sub(r"(?<=\S)  +(?=\S)", " ", cleaned)
        shown = ", ".join(repr(r) for r in leftovers) or "control characters"
        diags.append(warning(pos, "mojibake-dropped",
                             f"removed text that could not be repaired ({shown}); re-type the character "
                             "(it was probably an emoji saved in the wrong encoding)"))
    return cleaned


def _round_trips(fixed: str, original: str) -> bool:
    try:
        return fixed.encode("utf-8").decode("sloppy-windows-1252") == original
    except UnicodeError:
        return False


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if run[0] not in _LEADS:
        return run
    try:
        return run.encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return run


def _count_runs(text: str) -> int:
    return sum(1 for m in MOJIBAKE_RUN.finditer(text) if m.group(0)[0] in _LEADS)
