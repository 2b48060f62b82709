"""Whether a card's front gives its answer away, and which blanks teach nothing: one rule for
every card kind, its word lists kept as data."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from builder.i18n import language

# Words that name each other's opposite: `docker unpause web` on the front answers
# `docker pause web`. Each pair is one "word" to the rule.
INVERSE_PAIRS: tuple[tuple[str, ...], ...] = (
    ("pause", "unpause"), ("start", "stop"), ("suspend", "resume"), ("attach", "detach"),
    ("insert", "eject"), ("create", "delete"), ("create", "destroy"), ("mount", "umount", "unmount"),
    ("enable", "disable"), ("lock", "unlock"), ("freeze", "unfreeze", "thaw"), ("plug", "unplug"),
    ("save", "restore"), ("export", "import"), ("promote", "demote"), ("cordon", "uncordon"),
    ("load", "unload"), ("link", "unlink"), ("define", "undefine"), ("up", "down"),
    ("push", "pull"), ("connect", "disconnect"), ("install", "uninstall"))

# Shell utilities every Linux user already knows: their options are not what an objective
# teaches (`ls -l`, `grep -E`, `ping -c`), unless the objective cites the program itself.
EVERYDAY = frozenset("""ls ll grep egrep fgrep ping ssh scp cat mkdir rmdir cd cp mv rm touch echo
    printf less more head tail wc sort uniq cut tr sed awk find xargs chmod chown chgrp ln df du
    free ps top htop kill killall pkill pgrep tar gzip gunzip zcat bzip2 xz unzip zip curl wget su
    tee id whoami uname date sleep watch env export source test stat file which whereis man diff
    basename dirname pwd true false clear history alias unset read nano vi vim sha256sum md5sum
    base64 openssl jq yes hostname nl""".split())

# Steps that prepare a procedure rather than carry it out: make a folder, write a file.
SETUP = frozenset("mkdir cd cat echo printf touch cp mv tee export ls sleep chmod chown wget curl".split())

# Keys every configuration has: blanking `name = "win01"` asks nothing worth knowing.
UBIQUITOUS_KEYS = frozenset("""name id type version description title label value key enabled
    enable default comment comments tags tag""".split())

# Cells that fill a column without saying anything about their row.
FILLER_CELLS = frozenset("""n/a na n.a. - -- — – ? tbd todo varies various depends high medium
    low same""".split())

# Words a prompt needs to be a sentence; they give nothing away (English, Portuguese).
STOPWORDS = frozenset("""a an the of to in on at by for from with without and or not no is are be
    been its it this that these those as into onto via per than then any all each every one its
    your you their his her our my o os as um uma uns umas de do da dos das e ou em no na nos nas
    para por com sem que se ao aos à às pelo pela""".split())

# Verbs a purpose uses to say "run it": they add nothing to the command they describe.
VAGUE = frozenset("""show shows list lists print prints view see run mostra lista exibe ver""".split())

_TOKEN = re.compile(r"[^\W_]+(?:[-_.]+[^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_CANON = {w: "|".join(pair) for pair in INVERSE_PAIRS for w in pair}
_STEMMERS = {"en": "english", "pt": "portuguese"}


@lru_cache(maxsize=4)
def _stemmer(lang: str):  # type: ignore[no-untyped-def]
    import snowballstemmer  # imported when a card is first compared (it loads 30 languages)
    return snowballstemmer.stemmer(_STEMMERS.get(lang.split("-")[0].casefold(), "english"))


@lru_cache(maxsize=65536)
def _stem(word: str, lang: str) -> str:
    if word in _CANON:
        return _CANON[word]
    if len(word) <= 3 or not word.isalpha():
        return word  # `vm`, `cmd12`, `x86`: no suffix to take off (and stemming is the slow part)
    stem = _stemmer(lang).stemWord(word)
    return _CANON.get(stem, stem)


@lru_cache(maxsize=65536)
def _forms(token: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """A token's joined form (dashes, dots and underscores dropped) and its stemmed parts."""
    parts = tuple(_stem(p, lang) for p in _PART.findall(token))
    return "".join(_PART.findall(token)), parts


def tokens(text: str) -> list[str]:
    """The words of a text, case folded, each with its dashes and underscores (`--force`,
    `dom0_vcpus_pin`, `hyper-v`): what the rule compares."""
    return _TOKEN.findall(text.casefold())


def content(text: str) -> list[str]:
    """The tokens that carry meaning (not `the`, `of`)."""
    return [t for t in tokens(text) if t not in STOPWORDS]


@lru_cache(maxsize=8192)
def _seen(front: str, lang: str) -> frozenset[str]:
    out: set[str] = set()
    for token in tokens(front):
        joined, parts = _forms(token, lang)
        out.add(joined)
        out.update(parts)
        out.update(_CANON.get(p, p) for p in _PART.findall(token))
    return frozenset(out)


def visible(token: str, front: str, lang: str | None = None) -> bool:
    """Is a token of the answer on the front: the same word joined (`Hyper-V` ~ `hyperv-iso`),
    or every part of it, stemmed, an inverse counting as the word (`unpause` ~ `pause`)?"""
    lang = lang or language()
    seen = _seen(front, lang)
    joined, parts = _forms(token, lang)
    return joined in seen or _stem(joined, lang) in seen or (bool(parts) and all(p in seen for p in parts))


_RAW = re.compile(r"-{0,2}[^\W_]+(?:[-_.]+[^\W_]+)*")


def _code_words(answer: str, front: str) -> tuple[list[str], set[str]]:
    """A command's words as written (`-A`, `--wait`, `a`) and the front's, to compare the short
    ones literally: `-A` is not given away by the article "a"."""
    return _RAW.findall(answer.casefold()), set(_RAW.findall(front.casefold()))


def _literal(word: str) -> bool:
    """`-A`, `if`, `2g`: too short to compare by stem, so only the same word written counts."""
    if word.startswith("-"):
        return len(word.lstrip("-")) == 1
    return len(word) <= 2 or word in STOPWORDS


def leaks(answer: str, front: str, lang: str | None = None, share: float = 1.0,
          code: bool = False) -> bool:
    """Does `front` give `answer` away? Yes when at least `share` of the answer's meaningful
    tokens are visible on it (1.0: all of them; a short cell or term: half is enough). A `code`
    answer counts every word, its short options and words compared as written."""
    lang = lang or language()
    if code:
        words, raw = _code_words(answer, front)
        checks = ((w in raw) if _literal(w) else visible(w.lstrip("-"), front, lang) for w in words)
    else:
        words = content(answer) or tokens(answer)
        checks = (visible(w, front, lang) for w in words)
    # Decided as soon as enough words are seen, or too many missed: a long answer (a paragraph
    # of a megabyte) is not compared word by word to the end.
    need = max(1, math.ceil(share * len(words)))
    spare = len(words) - need  # the words that may be missing
    shown = 0
    for check in checks:
        if check:
            shown += 1
            if shown >= need:
                return True
        else:
            spare -= 1
            if spare < 0:
                return False
    return False


def short_answer_leaks(answer: str, front: str, lang: str | None = None, code: bool = False) -> bool:
    """The rule for a blank, a cell or a term: a one- to four-word answer leaks when half of its
    words are on the front, a longer one when three quarters are."""
    words = _RAW.findall(answer.casefold()) if code else (content(answer) or tokens(answer))
    return leaks(answer, front, lang, share=0.5 if len(words) <= 4 else 0.75, code=code)


# What an answer is decides how much of it the front may show: a command line or a sentence is
# given away only whole; a term, an option, a cell or a number by half of its words.
SHAPES = ("command", "term", "text")


def gives_away(answer: str, front: str, shape: str, lang: str | None = None) -> bool:
    """The one rule every card kind uses: does `front` (the prompt, the visible rest of the line
    or sample, the section title) give `answer` away? `shape` is one of SHAPES."""
    if shape == "command":
        return leaks(answer, front, lang, code=True)
    if shape == "term":
        return short_answer_leaks(answer, front, lang, code=answer.lstrip().startswith("-"))
    return leaks(answer, front, lang)


def purpose_words(purpose: str) -> list[str]:
    """A purpose's meaningful words, less the verbs that only say "run it" (`show`, `list`)."""
    return [t for t in content(purpose) if t not in VAGUE]


def says_more(purpose: str, command: str, lang: str | None = None) -> bool:
    """Does a purpose tell more than its command line shows: at least one meaningful word the
    line does not hold ("show the history" says nothing `docker history` does not)?"""
    rest = " ".join(purpose_words(purpose))
    return bool(rest) and not leaks(rest, command, lang)


def everyday(program: str) -> bool:
    return program.casefold() in EVERYDAY


def setup_step(program: str) -> bool:
    return program.casefold() in SETUP


def ubiquitous_key(key: str) -> bool:
    return key.casefold().strip("\"' ") in UBIQUITOUS_KEYS


def filler_cell(value: str) -> bool:
    """A cell that says nothing of its row ("N/A", "High"), or only a link to follow."""
    value = " ".join(value.casefold().split())
    return value.strip(".") in FILLER_CELLS or URL.fullmatch(value) is not None


URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
