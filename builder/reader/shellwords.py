"""What the lines of a shell block say, as a reader sees them: a purpose, a banner, a prompt, code.

Authors write purposes as `# show all devices` and as `#show all devices`; they comment out
commands (`#ls -l`), draw banners (`# ------ KUBERNETES ------`) and paste prompts of every shape
(`$ `, `[root@host ~]# `, `user@host:~$ `, `PS C:\\> `). A comment without shell syntax
(options, paths, pipes, variables) is a purpose, one with it a commented-out command; the word
lists are data.
"""

from __future__ import annotations

import re

# Words that make a comment read as a sentence (articles, prepositions, pronouns) in the
# languages guides are written in.
SENTENCE_WORDS = frozenset("""
a an the all any some this that these those of to in on for with without from by into and or
is are be it its your my our their using use via per when if then only every each new
de da do das dos la el los las un una uno para por con sin en y o que se como em no na nos nas
um uma com sem und oder der die das ein eine mit von zu für im auf
""".split())
# Imperative words a section title opens with when it names what its commands do ("List all
# installed packages"); a title opening with an -ing word does too ("Removing directories").
ACTION_WORDS = frozenset("""
list show display create remove delete add set change check find view install uninstall
configure enable disable start stop restart mount unmount update upgrade manage use run edit
generate make build copy move rename search query monitor test verify backup restore
""".split())
# How sentences open that comment on a command rather than say what it does ("However, ...",
# "Do not forget ...", "It only updates ..."): never a purpose.
ASIDE_OPENERS = ("however", "but ", "so ", "also", "note", "remember", "do not", "don't", "then ",
                 "there ", "it ", "its ", "this ", "that ", "these ", "those ", "as ", "because ",
                 "although", "for example", "lets ", "let's ", "now ", "here ", "again")
# Comments that only label what follows ("#syntax", "# Example 1:"): no purpose of their own.
LABEL_WORDS = frozenset("""
syntax syntaxe sintaxe sintaxis usage examples example exemplos exemplo ejemplos ejemplo
output saida salida note notes nota notas or ou o tip dica options opções opciones
""".split())

_SHELL_SYNTAX = re.compile(r"(?:^|\s)-{1,2}\w|[/|<>=$`'\"*;&~\\]|\w\.\w|^\w+\(")
_WORD = re.compile(r"^[^\W\d_][\w'’-]*[.,:;!?]?$")
_BANNER = re.compile(r"^[\W_]{3,}.*[\W_]{3,}$|^[\W_]{4,}$|^[=*~+-]{2,}\s|\s[=*~+-]{2,}$")
_NUMBERED = re.compile(r"^(?:\d+[.)]|step\s+\d+\s*[:.)-])\s*", re.IGNORECASE)


def comment_is_prose(text: str) -> bool:
    """`show all devices`, `create a 2GB partition` are purposes; `ls -l /dev`, `cat /etc/fstab`,
    `echo $PATH` are commented-out commands (they hold shell syntax)."""
    text = _NUMBERED.sub("", text.strip())
    words = text.split()
    return bool(words) and _WORD.match(words[0]) is not None and not _SHELL_SYNTAX.search(text)


def reads_as_sentence(line: str) -> bool:
    """A line of explanation inside a code block: capitalised words ending as a sentence."""
    words = line.split()
    return len(words) >= 4 and line[:1].isupper() and not _SHELL_SYNTAX.search(line.rstrip(".:")) \
        and sum(w.strip(".,:;()").lower() in SENTENCE_WORDS for w in words) >= 1


def is_banner(text: str) -> bool:
    """`------ KUBERNETES COMMANDS ------`, `=== Setup ===`, `#####`: a heading drawn in a comment."""
    return bool(_BANNER.search(text.strip()))


# Who or where the lines under a comment run: `# root`, `# as user`, `# on the server`.
ROLE_WORDS = frozenset("root user users superuser admin administrator server client host guest node "
                       "controller worker master sudo".split())
_ROLE = re.compile(r"^(?:(?:as|on|in|from)\s+)?(?:(?:the|a|an|normal|regular|ordinary|unprivileged)\s+)*"
                   r"(?P<role>[a-z]+)(?:\s+(?:side|shell|terminal|machine|only))?$")


def is_label_comment(text: str) -> bool:
    """`syntax`, `Example 1:`, `Output`, `root`, `on the server`: a comment that names what follows
    or who runs it without saying what it does."""
    words = re.sub(r"\d+", "", text.strip().lower()).strip(" :.-").split()
    if len(words) == 1 and words[0] in LABEL_WORDS:
        return True
    m = _ROLE.match(" ".join(words))
    return bool(m) and m.group("role") in ROLE_WORDS


# Prompts: `$ `, `user@host:~$ `, `[root@host ~]# `, `root@host:/etc# `, `PS C:\> `, `% `.
PROMPT = re.compile(r"^\s*(?:\$|%|\[[^\]\n]{1,60}\][$#%]|[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#%]|"
                    r"(?:PS\s+)?[A-Za-z]:\\[^>\n]*>)\s+")
ROOT_PROMPT = re.compile(r"^\s*#\s+(?=\S)")  # `# cmd` in a block whose other lines carry prompts


def is_root_session(lines: list[str]) -> bool:
    """A terminal session at a root prompt (`# rmmod snd_ac97_codec` then its output): some
    `# ` lines hold shell syntax, and output lines (no command shape) follow them."""
    marked = [line.strip()[1:].strip() for line in lines if ROOT_PROMPT.match(line)]
    output = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return len(marked) >= 2 and any(_SHELL_SYNTAX.search(m) for m in marked) and bool(output) and \
        any(re.match(r"^\s*(?:\d|[A-Z]{2,}|[A-Z][a-z]+:)", line) for line in output)
