"""cheatdeck's own words in the guide's language: gettext catalogues (builder/locale/*.po) read through Babel."""

from __future__ import annotations

import gettext as _gettext
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported where it is used: an English deck-only build never needs it.

DOMAIN = "cheatdeck"
SOURCE_LANG = "en"  # the msgids are English: English needs no catalogue

_current: ContextVar[str] = ContextVar("cheatdeck_language", default=SOURCE_LANG)


def locale_dir() -> Path:
    """`builder/locale/`, in a checkout or inside the installed wheel."""
    return Path(str(resources.files("builder") / "locale"))


def locale_name(lang: str) -> str:
    """A BCP 47 tag as gettext names its folder: `pt-BR` -> `pt_BR`."""
    return lang.replace("-", "_")


def po_path(lang: str) -> Path:
    return locale_dir() / locale_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def available() -> tuple[str, ...]:
    """The languages cheatdeck speaks: English and every language with a catalogue."""
    found = sorted(p.parent.parent.name.replace("_", "-") for p in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANG, *found)


@lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of a language (read from its .po, compiled in memory once per process).

    A language without a catalogue, and its region-less fallback (`pt-PT` -> `pt`), speak English.
    """
    for name in (lang, lang.split("-")[0]):
        path = po_path(name)
        if name != SOURCE_LANG and path.is_file():
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with path.open("rb") as fp:
                catalog = read_po(fp, locale=locale_name(name), domain=DOMAIN)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            return _gettext.GNUTranslations(buffer)
    return _gettext.NullTranslations()


def catalogue_digest(lang: str) -> str:
    """What a cached render must change with: the bytes of the language's catalogue."""
    path = po_path(lang)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def language() -> str:
    """The language output is being made in now."""
    return _current.get()


@contextmanager
def override(lang: str) -> Iterator[None]:
    """Make everything inside speak `lang` (like Django's `translation.override`)."""
    token = _current.set(lang or SOURCE_LANG)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """`message` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def babel_locale(lang: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANG)


def number(value: object, lang: str | None = None) -> str:
    """A number as the language writes it (`7.5` is `7,5` in Portuguese); text passes unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(lang or _current.get()))


# Anki's own `{{Field}}` and `{{#Field}}` must pass through untouched: only `{% trans %}` is Jinja's.
CARD_TEMPLATE_SYNTAX = {"variable_start_string": "<%=", "variable_end_string": "%>",
                        "comment_start_string": "<%#", "comment_end_string": "#%>"}


@lru_cache(maxsize=None)
def _card_environment(lang: str):  # type: ignore[no-untyped-def]
    # Imported here: a sheets build with nothing to render never loads Jinja (tests/test_sheets_cache.py).
    from jinja2.sandbox import SandboxedEnvironment

    # Sandboxed: a --templates card template is data, never Python run on the build machine.
    env = SandboxedEnvironment(extensions=["jinja2.ext.i18n"], keep_trailing_newline=True,
                               autoescape=False, **CARD_TEMPLATE_SYNTAX)
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang))  # type: ignore[attr-defined]
    return env


def translate_card_template(text: str, lang: str) -> str:
    """An Anki card template with its `{% trans %}` blocks in `lang`, ready for genanki."""
    if "{%" not in text:
        return text
    if _ONLY_TRANS.fullmatch(text):
        return simple_card_template(text, lang)
    return _card_environment(lang).from_string(text).render()


# A template whose only Jinja is plain `{% trans %}…{% endtrans %}` blocks (every built-in one)
# is translated without Jinja, as Jinja's i18n extension would (tests/test_i18n.py compares the
# two on every template and language): importing Jinja is a sixth of a deck-only build's start-up.
_TRANS_BLOCK = re.compile(r"\{% trans %\}((?:(?!\{%|<%).)*?)\{% endtrans %\}", re.DOTALL)
_TRIM = re.compile(r"\s*\n\s*")
_ONLY_TRANS = re.compile(r"(?:(?!\{%|<%).|\{% trans %\}(?:(?!\{%|<%).)*?\{% endtrans %\})*",
                         re.DOTALL)


def simple_card_template(text: str, lang: str) -> str:
    """`{% trans %}` blocks replaced by their messages in `lang`: the block's text, trimmed as
    Jinja's "trimmed" policy does, is the message id (a block without variables keeps `%`)."""
    catalogue = translations(lang)

    def message(m: re.Match[str]) -> str:
        return catalogue.gettext(_TRIM.sub(" ", m.group(1).strip()))

    return _TRANS_BLOCK.sub(message, text)
