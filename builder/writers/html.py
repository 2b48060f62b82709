"""Model text to HTML fragments, shared by the Anki and sheet writers (escaped, never raw)."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from pygments import highlight as _pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
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
    return _pygments_highlight(code, _lexer(language), _formatter()).rstrip("\n")


def pygments_css(style: str = "default", selector: str = ".code") -> str:
    """The CSS rules for highlight_code's classes under `selector`."""
    return HtmlFormatter(style=style).get_style_defs(selector)
