"""The words of the LPI objective format in each language the reader knows, as data.

A translated guide mixes languages (Portuguese labels under English section headings), so a
file is read with its own language's vocabulary *and* English. Adding a language is one more
`Vocabulary` in `VOCABULARIES` and one fixture guide (see docs/languages.md).
"""

from __future__ import annotations

import difflib
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
    points: tuple[str, ...] = ()  # a weight written into a heading: "(6 points)"
    objective: tuple[str, ...] = ()  # a word before an objective's number: "Objective 200.1;"
    description_opening: tuple[str, ...] = ()  # how LPI's descriptions open: "Candidates should"
    removed: tuple[str, ...] = ()  # an objective title that says LPI dropped it: "Removed (see 104.3)"
    synopsis: tuple[str, ...] = ()  # a lead-in that says the block is a command's syntax: "Usage:"
    showing: tuple[str, ...] = ()  # a lead-in that only says examples follow: "Example:", "Output:"
    # a bold question that asks what the section's subject is: `* **What is it?** A container manager`
    what_is_it: tuple[str, ...] = ()
    # a web page's links back up, on a line of their own: `(back to top)`, `(back to Topic 202)`
    back_to: tuple[str, ...] = ()


EN = Vocabulary(
    "en", "English", ("en", "en-us", "en_us", "english"),
    topic=("topic",), weight=("weight",), description=("description",),
    key_knowledge_areas=("key knowledge areas", "key knowledge area"),
    cited_objects=("cited objects", "terms and utilities", "files, terms and utilities",
                   "important files", "cited subjects", "cited objects and commands"),
    important_commands=("important commands", "important commands programs", "important programs"),
    notes=("notes",), examples=("examples",),
    cited_intro=("partial list of the used files, terms and utilities",),
    points=("points", "point", "pts"), objective=("objective", "exam objective", "lpi objective"),
    description_opening=("candidates should", "the candidate should", "should be able to"),
    removed=("removed", "deleted", "dropped", "withdrawn"),
    synopsis=("usage", "syntax", "synopsis", "general syntax", "command syntax", "the syntax is", "format"),
    showing=("example", "examples", "for example", "for instance", "some examples", "just some examples", "an example", "output", "sample output", "result", "results", "e.g."),
    what_is_it=("what is it", "what is this", "what are they", "what it is", "definition"),
    back_to=("back to", "go to top", "top of page"),
)
PT_BR = Vocabulary(
    "pt-BR", "português (Brasil)", ("pt", "pt-br", "pt_br", "ptbr", "portugues", "português"),
    topic=("tópico",), weight=("peso",), description=("descrição",),
    key_knowledge_areas=("conhecimento chave itens", "áreas de conhecimento chave",
                         "principais áreas de conhecimento", "áreas chave de conhecimento"),
    cited_objects=("objetos citados", "termos e utilitários", "arquivos, termos e utilitários"),
    important_commands=("comandos importantes",), notes=("notas",), examples=("exemplos",),
    cited_intro=("lista parcial dos arquivos, termos e utilitários",),
    points=("pontos",), objective=("objetivo",),
    description_opening=("os candidatos devem", "o candidato deve", "os candidatos deverão"),
    removed=("removido", "removida", "excluído", "excluída"),
    synopsis=("uso", "sintaxe", "modo de uso", "sintaxe do comando"),
    showing=("exemplo", "exemplos", "por exemplo", "saída", "resultado"),
    what_is_it=("o que é", "o que é isso", "o que são", "definição"),
    back_to=("voltar ao", "voltar para", "volta ao", "voltar", "topo"),
)
# LPI's Spanish objectives: "Importancia", "Descripción", "Áreas de conocimiento clave", "Lista
# parcial de los archivos, términos y utilidades utilizados".
ES = Vocabulary(
    "es", "español", ("es", "es-es", "es_es", "espanol", "español", "spanish"),
    topic=("tema",), weight=("importancia", "peso"), description=("descripción",),
    key_knowledge_areas=("áreas de conocimiento clave", "áreas clave de conocimiento",
                         "áreas de conocimiento"),
    cited_objects=("objetos citados", "términos y utilidades", "archivos, términos y utilidades"),
    important_commands=("comandos importantes",), notes=("notas",), examples=("ejemplos",),
    cited_intro=("lista parcial de los archivos, términos y utilidades",),
    points=("puntos",), objective=("objetivo",),
    description_opening=("los candidatos deberán", "los candidatos deben", "el candidato debe"),
    removed=("eliminado", "eliminada", "suprimido", "retirado"),
    synopsis=("uso", "sintaxis", "modo de uso"),
    showing=("ejemplo", "ejemplos", "por ejemplo", "salida", "resultado"),
    what_is_it=("qué es", "que es", "qué son", "definición"),
    back_to=("volver a", "volver al", "volver arriba", "subir"),
)
# LPI's German objectives: "Gewichtung", "Beschreibung", "Wichtigste Wissensgebiete", "Hier ist
# eine unvollständige Liste der verwendeten Dateien, Begriffe und Hilfsprogramme".
DE = Vocabulary(
    "de", "Deutsch", ("de", "de-de", "de_de", "deutsch", "german"),
    topic=("thema",), weight=("gewichtung", "gewicht"), description=("beschreibung",),
    key_knowledge_areas=("wichtigste wissensgebiete", "wichtige wissensgebiete", "wissensgebiete"),
    cited_objects=("dateien, begriffe und hilfsprogramme", "begriffe und hilfsprogramme",
                   "zitierte objekte"),
    important_commands=("wichtige befehle",), notes=("notizen", "anmerkungen"),
    examples=("beispiele",),
    cited_intro=("unvollständige liste der verwendeten dateien, begriffe und hilfsprogramme",
                 "teilweise liste der verwendeten dateien, begriffe und hilfsprogramme"),
    points=("punkte", "punkt"), objective=("lernziel", "prüfungsziel"),
    description_opening=("kandidaten sollten", "die kandidaten sollten", "der kandidat sollte"),
    removed=("entfernt", "gestrichen"),
    synopsis=("syntax", "verwendung", "aufruf"),
    showing=("beispiel", "beispiele", "zum beispiel", "ausgabe", "ergebnis"),
    what_is_it=("was ist das", "was ist es", "was sind sie", "definition"),
    back_to=("zurück zu", "zurück zum", "zurück zur", "nach oben"),
)
# French and Italian as LPI's translated objectives and their communities' notes word them.
FR = Vocabulary(
    "fr", "français", ("fr", "fr-fr", "fr_fr", "francais", "français", "french"),
    topic=("thème", "sujet"), weight=("poids", "pondération"), description=("description",),
    key_knowledge_areas=("domaines de connaissance les plus importants", "domaines de connaissances clés",
                         "domaines de connaissance clés", "connaissances clés", "domaines de connaissances"),
    cited_objects=("fichiers, termes et utilitaires", "termes et utilitaires", "objets cités"),
    important_commands=("commandes importantes",), notes=("notes",), examples=("exemples",),
    cited_intro=("liste partielle des fichiers, termes et utilitaires utilisés",
                 "voici une liste partielle des fichiers, termes et utilitaires utilisés"),
    points=("points",), objective=("objectif",),
    description_opening=("les candidats doivent", "le candidat doit", "les candidats devraient"),
    removed=("supprimé", "supprimée", "retiré", "retirée"),
    synopsis=("syntaxe", "utilisation", "usage"),
    showing=("exemple", "exemples", "par exemple", "sortie", "résultat"),
    what_is_it=("qu'est-ce que c'est", "qu'est-ce que", "définition"),
    back_to=("retour à", "retour au", "retour en haut"),
)
IT = Vocabulary(
    "it", "italiano", ("it", "it-it", "it_it", "italiano", "italian"),
    topic=("argomento",), weight=("peso",), description=("descrizione",),
    key_knowledge_areas=("aree di conoscenza chiave", "aree chiave di conoscenza",
                         "principali aree di conoscenza", "aree di conoscenza"),
    cited_objects=("file, termini e utilità", "termini e utilità", "oggetti citati"),
    important_commands=("comandi importanti",), notes=("note",), examples=("esempi",),
    cited_intro=("elenco parziale dei file, termini e utilità utilizzati",
                 "lista parziale dei file, termini e utilità utilizzati"),
    points=("punti",), objective=("obiettivo",),
    description_opening=("i candidati dovrebbero", "i candidati devono", "il candidato deve"),
    removed=("rimosso", "rimossa", "eliminato", "eliminata"),
    synopsis=("sintassi", "utilizzo", "uso"),
    showing=("esempio", "esempi", "per esempio", "output", "risultato"),
    what_is_it=("che cos'è", "cos'è", "definizione"),
    back_to=("torna a", "torna al", "torna su"),
)
VOCABULARIES: dict[str, Vocabulary] = {v.lang: v for v in (EN, PT_BR, ES, DE, FR, IT)}
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


_MARKUP = str.maketrans("", "", "*`")
_PART_TAIL = re.compile(r"\s+(?:of|in|for|do|da|de|del|des)\s+(?:the\s+)?(?:topic|objective|topico|tema|thema|objetivo)"
                        r"\s+[\d.]+$")


def _part_words(title: str) -> str:
    """A heading as the part matcher compares it: folded, without markup, `\\` `/` as spaces,
    no trailing colon, no `of topic 101.1` tail."""
    text = fold(title.translate(_MARKUP).replace("\\", " ").replace("/", " ")).rstrip(" :")
    return _PART_TAIL.sub("", text)


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Matcher:
    """The recognisers of one file: its language's vocabulary and English."""

    lang: str
    part: re.Pattern[str]
    label: re.Pattern[str]
    cited_intro: re.Pattern[str]
    description_opening: re.Pattern[str]
    removed: re.Pattern[str]
    what_is_it: re.Pattern[str]
    navigation: re.Pattern[str]
    parts: dict[str, str]  # folded part word -> part name ("cited_objects", ...)
    labels: dict[str, str]  # folded label word -> "weight", "description", "kka"
    leads: dict[str, str] = field(default_factory=dict)  # folded lead-in -> "synopsis" or "showing"

    def match_part(self, title: str) -> str | None:
        """The part a heading names ("cited_objects", ...), else None. `Important Files of topic
        101.1`, `Important Commands\\Programs`, `Terms and Utilities:` name parts too."""
        return _match_part(self.lang, title)

    def match_label(self, text: str) -> str | None:
        """`Peso: 6` -> "weight"; `Key Knowledge Areas:` -> "kka"; `**Weight:**2`, `**Weight: **2`
        and `**Weight:* 3` too (markup a reader does not see); a label alone (`Descripción`) whose
        value is the next paragraph."""
        m = self.label.match(fold(text.translate(_MARKUP)))
        return self.labels[" ".join(m.group(1).split())] if m else None

    def near_label(self, text: str) -> tuple[str, str] | None:
        """`**Weigth:** 3`: a line that opens like a label, one letter or two off; (what it says,
        the label it is near)."""
        head = text.translate(_MARKUP).split(":", 1)[0].strip() if ":" in text[:40] else ""
        words = fold(head)
        if not words or len(words) > 30 or self.label.match(words) or not words[:1].isalpha():
            return None
        close = difflib.get_close_matches(words, self.labels, n=1, cutoff=0.8)
        return (head, close[0].capitalize()) if close else None

    def match_heading_label(self, title: str) -> str | None:
        """A heading that is a label (`### Description`): "weight" or "description", else None."""
        name = self.match_label(title)
        return name if name in ("weight", "description") and ":" not in title.rstrip(": ")[:-1] else None

    def says_removed(self, title: str) -> bool:
        """`Removed(see 104.3)`, `Eliminado`: an objective title that only says it is gone."""
        return bool(self.removed.match(fold(title)))

    def opens_description(self, text: str) -> bool:
        """Does a paragraph open as LPI's objective descriptions do ("Candidates should ...")?"""
        return bool(self.description_opening.match(fold(text.lstrip("-*> "))))

    def is_navigation(self, text: str) -> bool:
        """`(back to top)`, `(back to Sub Topic 202.2) (back to Topic 202) (back to top)`: a web
        page's links back up, alone in a paragraph (their HTML and anchors already gone)."""
        return bool(self.navigation.match(fold(text.translate(_MARKUP)).strip()))

    def asks_what_it_is(self, term: str) -> bool:
        """`What is it?`, `O que é?`: a bold question whose answer defines the section's subject."""
        return bool(self.what_is_it.match(fold(term.translate(_MARKUP))))

    def lead_kind(self, text: str) -> str | None:
        """What a block's lead-in says of it when it says nothing more: "synopsis" (`Usage:`, `Syntax:`)
        or "showing" (`Example:`, `Output:`); None for a lead-in with words of its own."""
        words = " ".join(re.sub(r"[^\w.\s]+", " ", fold(text.translate(_MARKUP))).split()).strip(" .")
        return self.leads.get(words)

    def is_cited_intro(self, text: str) -> bool:
        """LPI's sentence that opens the cited list, however worded: `Partial list of the used
        files, terms and utilities`, `Partial list of files, terms, utilities:`."""
        return bool(self.cited_intro.search(_content_words(text)))


# Words a cited-list sentence may have or leave out ("the used files, terms and utilities").
_FILLERS = frozenset(("the", "used", "and", "of", "los", "las", "utilizados", "y", "de", "dos", "das",
                      "usados", "e", "der", "verwendeten", "und", "des", "et", "utilises", "voici", "dei",
                      "utilizzati"))


def _content_words(text: str) -> str:
    """Folded words without punctuation and fillers, one space apart, with a space each side."""
    words = re.sub(r"[^\w]+", " ", fold(text.translate(_MARKUP))).split()
    return " " + " ".join(w for w in words if w not in _FILLERS) + " "


@lru_cache(maxsize=8192)
def _match_part(lang: str, title: str) -> str | None:
    words = _part_words(title)
    words_matcher = matcher(lang)
    m = words_matcher.part.match(words)
    if m:
        return words_matcher.parts[" ".join(m.group(1).split())]
    if len(words) > 40 or not words[:1].isalpha():
        return None
    near = [p for p in words_matcher.parts if p[:3] == words[:3] and abs(len(p) - len(words)) <= 3]
    close = difflib.get_close_matches(words, near, n=1, cutoff=0.85)  # `Cited Objetcs`
    return words_matcher.parts[close[0]] if close else None


@lru_cache(maxsize=8)
def matcher(lang: str) -> Matcher:
    """The recognisers for a file in `lang` (its words and English)."""
    vocabularies = [VOCABULARIES[lang]] + ([EN] if lang != EN.lang else [])
    parts: dict[str, str] = {}
    labels: dict[str, str] = {}
    intros: list[str] = []
    leads: dict[str, str] = {}
    asks = tuple(w for v in vocabularies for w in v.what_is_it)
    backs = tuple(w for v in vocabularies for w in v.back_to)
    # Whatever a file's language, these two are read in every language: they open a sentence or
    # a title, where no other word could be mistaken for them.
    openings = tuple(w for v in VOCABULARIES.values() for w in v.description_opening)
    removed = tuple(w for v in VOCABULARIES.values() for w in v.removed)
    for v in vocabularies:
        for name in PART_MODES:
            for word in getattr(v, name):
                parts.setdefault(fold(word), name)
        for name, key in (("weight", "weight"), ("description", "description"),
                          ("key_knowledge_areas", "kka")):
            for word in getattr(v, name):
                labels.setdefault(fold(word), key)
        intros += v.cited_intro
        for kind in ("synopsis", "showing"):
            for word in getattr(v, kind):
                leads.setdefault(fold(word), kind)
    return Matcher(
        lang,
        re.compile(rf"^({_alternatives(tuple(parts))})$"),
        re.compile(rf"^({_alternatives(tuple(labels))})\s*(?::\s*(.*)|$)", re.S),
        re.compile("|".join(re.escape(_content_words(w)) for w in sorted(set(intros), key=len, reverse=True))),
        re.compile(rf"^(?:{_alternatives(openings)})\b"),
        re.compile(rf"^\W*(?:{_alternatives(removed)})\b(?:\W*$|\s*[(\[:,;-])"),
        re.compile(rf"^(?:{_alternatives(asks)})\s*[?:]?$"),
        re.compile(rf"^(?:\(\s*(?:{_alternatives(backs)})\b[^()]*\)\s*)+$"),
        parts, labels, leads)


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
