"""Decoding and mojibake repair: every change is reported at its line; no marker survives."""

from __future__ import annotations

from builder.reader.decode import MOJIBAKE_MARKERS, decode_source


def rules(decoded):
    return [(d.pos.line, d.rule) for d in decoded.diagnostics]


def test_bom_is_stripped_without_diagnostic():
    decoded = decode_source("\ufeff# Topic 352: X\n".encode("utf-8"), "g.md")
    assert decoded.text == "# Topic 352: X\n"
    assert decoded.diagnostics == ()


def test_invalid_utf8_is_reported_with_line_and_byte_offset():
    data = b"line one\nbad \xff byte\nline three\n"
    decoded = decode_source(data, "g.md")
    (diag,) = decoded.diagnostics
    assert diag.rule == "invalid-utf8"
    assert diag.pos.line == 2 and diag.pos.col == 5
    assert "byte offset 13" in diag.message
    assert "\ufffd" not in decoded.text
    assert decoded.text.split("\n")[2] == "line three"


def test_mojibake_emoji_and_dashes_are_repaired():
    original = "##### 🧱 Types — of containers → here\n"
    broken = original.encode("utf-8").decode("windows-1252", errors="ignore")
    decoded = decode_source(broken.encode("utf-8"), "g.md")
    assert decoded.text == original
    assert rules(decoded) == [(1, "mojibake-repaired")]


def test_lost_bytes_are_removed_not_guessed():
    # 📁 ends in byte 0x81, which Windows-1252 does not map: the emoji cannot be restored.
    text = "##### ðŸ“ Minimum Required Structure\n* ðŸ› ï¸ System recovery\n"
    decoded = decode_source(text.encode("utf-8"), "g.md")
    lines = decoded.text.split("\n")
    assert lines[0] == "##### Minimum Required Structure"
    assert "System recovery" in lines[1]
    assert (1, "mojibake-dropped") in rules(decoded)
    assert (2, "mojibake-dropped") in rules(decoded)
    assert not any(marker in decoded.text for marker in MOJIBAKE_MARKERS)


def test_text_fixes_other_than_encoding_are_off():
    text = "Use &amp; and “quotes” and ﬁ ligature\n"
    decoded = decode_source(text.encode("utf-8"), "g.md")
    assert decoded.text == text
    assert decoded.diagnostics == ()


def test_binary_file_is_refused():
    decoded = decode_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "img.md")
    assert decoded.binary
    assert rules(decoded) == [(1, "binary-file")]


def test_c1_controls_are_removed():
    decoded = decode_source("a\u0085b\n".encode("utf-8"), "g.md")
    assert decoded.text == "ab\n"
    assert rules(decoded) == [(1, "mojibake-dropped")]


def test_line_endings_are_counted_like_commonmark():
    decoded = decode_source(b"a\r\nb\rc\nd", "g.md")
    assert decoded.text == "a\nb\nc\nd"
