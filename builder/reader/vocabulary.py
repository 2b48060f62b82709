"""The words of the LPI objective format in each language the reader knows, as data.

A translated guide mixes languages (Portuguese labels under English section headings), so a
file is read with its own language's vocabulary *and* English. Adding a language is one more
`Vocabulary` in `VOCABULARIES` and one fixture guide (see docs/languages.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One language's words for the parts of an objective (compared without case or accents)."""

    lang: str  # BCP 47 tag: "en", "pt-BR"
    name: str  # the language's own name, for messages
    file_tags: tuple[str, ...]  # how file and folder names say it: README_pt.md, guide.pt-BR.md, pt/
    topic: tuple[str, ...]  # "Topic 352: ..."
    weight: tuple[str, ...]
    description: tuple[str, ...]
    key_knowledge_areas: tuple[str, ...]
    cited_objects: tuple[str, ...]  # the list of files, terms and utilities
    important_commands: tuple[str, ...]
    notes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    cited_intro: tuple[str, ...] = field(default=())  # LPI's sentence that opens the cited list


EN = Vocabulary(
    "en", "English", ("en", "en-us", "en_us", "english"),
    topic=("topic",), weight=("weight",), description=("description",),
    key_knowledge_areas=("key knowledge areas",),
    cited_objects=("cited objects", "terms and utilities"),
    important_commands=("important commands",), notes=("notes",), examples=("examples",),
    cited_intro=("partial list of the used files, terms and utilities",),
)
PT_BR = Vocabulary(
    "pt-BR", "português (Brasil)", ("pt", "pt-br", "pt_br", "ptbr", "portugues", "português"),
    topic=("tópico",), weight=("peso",), description=("descrição",),
    key_knowledge_areas=("conhecimento chave itens", "áreas de conhecimento chave",
                         "principais áreas de conhecimento", "áreas chave de conhecimento"),
    cited_objects=("objetos citados", "termos e utilitários", "arquivos, termos e utilitários"),
    important_commands=("comandos importantes",), notes=("notas",), examples=("exemplos",),
    cited_intro=("lista parcial dos arquivos, termos e utilitários",),
)
VOCABULARIES: dict[str, Vocabulary] = {v.lang: v for v in (EN, PT_BR)}
DEFAULT_LANG = "en"
# What a heading that names a part of an objective is for (the reader's modes).
PART_MODES = {"cited_objects": "cited", "important_commands": "commands",
              "key_knowledge_areas": "kka", "notes": None, "examples": None}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how labels are compared."""
    if text.isascii():  # most text: nothing to decompose
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Matcher:
    """The recognisers of one file: its language's vocabulary and English."""

    lang: str
    topic: re.Pattern[str]
    part: re.Pattern[str]
    label: re.Pattern[str]
    cited_intro: re.Pattern[str]
    parts: dict[str, str]  # folded part word -> part name ("cited_objects", ...)
    labels: dict[str, str]  # folded label word -> "weight", "description", "kka"

    def match_topic(self, title: str) -> tuple[str, str] | None:
        """`Tópico 351: Virtualização completa` -> ('351', 'Virtualização completa')."""
        m = self.topic.match(fold(title))
        if not m:
            return None
        rest = title.split(m.group(1), 1)[1]
        return m.group(1), re.sub(r"^\s*[:.\-\u2013\u2014]?\s*", "", rest)

    def match_part(self, title: str) -> str | None:
        """The part a heading names ("cited_objects", ...), else None."""
        m = self.part.match(fold(title))
        return self.parts[" ".join(m.group(1).split())] if m else None

    def match_label(self, text: str) -> str | None:
        """`Peso: 6` -> "weight"; `Key Knowledge Areas:` -> "kka"."""
        m = self.label.match(fold(text))
        return self.labels[" ".join(m.group(1).split())] if m else None

    def is_cited_intro(self, text: str) -> bool:
        return bool(self.cited_intro.search(fold(text)))


@lru_cache(maxsize=8)
def matcher(lang: str) -> Matcher:
    """The recognisers for a file in `lang` (its words and English)."""
    vocabularies = [VOCABULARIES[lang]] + ([EN] if lang != EN.lang else [])
    topic = tuple(w for v in vocabularies for w in v.topic)
    parts: dict[str, str] = {}
    labels: dict[str, str] = {}
    intros: list[str] = []
    for v in vocabularies:
        for name in PART_MODES:
            for word in getattr(v, name):
                parts.setdefault(fold(word), name)
        for name, key in (("weight", "weight"), ("description", "description"),
                          ("key_knowledge_areas", "kka")):
            for word in getattr(v, name):
                labels.setdefault(fold(word), key)
        intros += v.cited_intro
    return Matcher(
        lang,
        re.compile(rf"^(?:{_alternatives(topic)})\s+(\d{{3}})\b"),
        re.compile(rf"^({_alternatives(tuple(parts))})$"),
        re.compile(rf"^({_alternatives(tuple(labels))})\s*:\s*(.*)$", re.S),
        re.compile(_alternatives(tuple(intros))),
        parts, labels)


_TAG_AT_END = re.compile(r"[._-]([A-Za-z]{2,3}(?:[-_][A-Za-z]{2})?)$")


def _known_tag(tag: str) -> str | None:
    tag = fold(tag).replace("_", "-")
    return next((v.lang for v in VOCABULARIES.values() if tag in v.file_tags), None)


def language_from_path(path: str) -> str | None:
    """`README_pt.md`, `guide.pt-BR.md`, `pt/guide.md` -> "pt-BR"; None when the name says nothing."""
    p = PurePath(path)
    m = _TAG_AT_END.search(p.stem)
    if m and (lang := _known_tag(m.group(1))):
        return lang
    for folder in reversed(p.parts[:-1]):
        if lang := _known_tag(folder):
            return lang
    return None


def language_from_labels(lines: list[str]) -> str | None:
    """The language whose objective labels the file uses most (English wins a tie)."""
    counts: dict[str, int] = {}
    labels = _label_words()
    for line in lines:
        if ":" not in line or len(line) > 200:
            continue
        head = fold(line.replace("*", "").replace("_", " ")).split(":", 1)[0].strip(" #-")
        for lang in labels.get(head, ()):
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    return DEFAULT_LANG if counts.get(DEFAULT_LANG) == best else max(counts, key=counts.__getitem__)


@lru_cache(maxsize=1)
def _label_words() -> dict[str, tuple[str, ...]]:
    """Each folded objective label and the languages that use it."""
    words: dict[str, tuple[str, ...]] = {}
    for v in VOCABULARIES.values():
        for word in v.weight + v.description + v.key_knowledge_areas:
            words[fold(word)] = words.get(fold(word), ()) + (v.lang,)
    return words


def supported() -> tuple[str, ...]:
    return tuple(VOCABULARIES)
