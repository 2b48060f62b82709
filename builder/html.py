"""Model text to HTML fragments, shared by the Anki and sheet writers (escaped, never raw)."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from io import StringIO

from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.token import Comment, Keyword, Name, Operator, Punctuation, Text, _TokenType
from pygments.util import ClassNotFound

from builder.model import RichText, SpanStyle

SAFE_SCHEMES = ("http://", "https://", "mailto:")
# Fence languages that guides use, mapped to Pygments lexer names.
LEXER_ALIASES = {"": "bash", "sh": "bash", "shell": "bash", "console": "bash", "zsh": "bash",
                 "dockerfile": "docker", "containerfile": "docker", "yml": "yaml", "conf": "ini",
                 "text": "text", "txt": "text"}


def rich_to_html(text: RichText | None) -> str:
    """Styled spans as escaped HTML; links keep only http(s)/mailto targets."""
    if text is None:
        return ""
    out: list[str] = []
    for span in text.spans:
        body = escape(span.text, quote=False)
        if span.style is SpanStyle.CODE:
            out.append(f"<code>{body}</code>")
        elif span.style is SpanStyle.STRONG:
            out.append(f"<strong>{body}</strong>")
        elif span.style is SpanStyle.EMPHASIS:
            out.append(f"<em>{body}</em>")
        elif span.style is SpanStyle.LINK and span.href and span.href.lower().startswith(SAFE_SCHEMES):
            out.append(f'<a href="{escape(span.href, quote=True)}">{body}</a>')
        else:
            out.append(body)
    return "".join(out)


@lru_cache(maxsize=64)
def _lexer(language: str):  # type: ignore[no-untyped-def]
    name = LEXER_ALIASES.get(language.lower(), language.lower())
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False, ensurenl=False)


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    # Building a formatter computes a whole style sheet (most of a short highlight's cost);
    # with nowrap it keeps no state between calls, so one serves every call.
    return HtmlFormatter(nowrap=True)


# Lines come back: a cited object's card shows command lines that their own cards (and the
# sheets) highlight too. Bounded, and the result is an immutable string.
@lru_cache(maxsize=4096)
def highlight_code(code: str, language: str = "sh") -> str:
    """Code as Pygments HTML spans (classes only, styled by the caller's CSS), without a wrapper."""
    lexer = _lexer(language)
    tokens = list(lexer.get_tokens(code))
    if lexer.name == "Bash":
        tokens = shell_tokens(code, tokens)
    out = StringIO()
    _formatter().format(tokens, out)
    return out.getvalue().rstrip("\n")


# Words after which the next word starts a command again (`sudo type ls`, `; then set -e`).
_COMMAND_AGAIN = frozenset("$ ; ;; & && | || ( ) { } ! then do else elif if while until time sudo exec "
                           "xargs env nohup".split())


def shell_tokens(code: str, tokens: list[tuple[_TokenType, str]]) -> list[tuple[_TokenType, str]]:
    """Pygments' shell tokens made truer: a `# comment` after a command is a comment, and a
    keyword or builtin name is one only where a command starts (`docker volume create type` has
    no keyword in it; `for i in` keeps its `in`)."""
    comments = set(_comment_starts(code))
    out: list[tuple[_TokenType, str]] = []
    at = 0
    in_comment = False
    command_next, command = True, ""
    for kind, value in tokens:
        if in_comment or (at in comments and value.startswith("#")):
            in_comment = True
            body, nl, rest = value.partition("\n")
            out.append((Comment.Single, body))
            if nl:
                out.append((Text.Whitespace, nl + rest))
                in_comment, command_next = False, True
            at += len(value)
            continue
        word = value.strip()
        if not word:
            if "\n" in value:
                command_next = True
        elif kind in Keyword or kind in Name.Builtin:
            keeps = command_next or (word == "in" and command in ("for", "case", "select"))
            if not keeps:
                kind = Text
            elif command_next:
                command = word
            command_next = word in _COMMAND_AGAIN
        elif kind in Operator or kind in Punctuation:
            command_next = word in _COMMAND_AGAIN or word.endswith((";", "|", "&", "("))
        else:
            if command_next and not word.startswith("$"):
                command = word
            command_next = word in _COMMAND_AGAIN
        out.append((kind, value))
        at += len(value)
    return out


def _comment_starts(code: str) -> list[int]:
    """Offsets of `#` that start a comment: unquoted, at a line start or after white space."""
    starts, quote, escaped = [], "", False
    for i, ch in enumerate(code):
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or code[i - 1] in " \t\n"):
            starts.append(i)
            end = code.find("\n", i)
            if end < 0:
                break
    return starts


def pygments_css(style: str = "default", selector: str = ".code") -> str:
    """The CSS rules for highlight_code's classes under `selector`."""
    return HtmlFormatter(style=style).get_style_defs(selector)
