"""The README's table of diagnostic codes, written from the catalogue (`make rules-table`)."""

from __future__ import annotations

import sys
from pathlib import Path

from builder.catalogue import CATALOGUE, Code

START, END = "<!-- rules-table: start (make rules-table writes it) -->", "<!-- rules-table: end -->"


def _row(code: Code) -> str:
    page = code.docs.split("#", 1)[0]
    name = f"`{code.id}`" if page == "README.md" else f"[`{code.id}`]({code.docs})"
    # A `|` splits a table cell even inside a code span: GitHub reads `\|` as the character.
    return f"| {name} | {code.severity.value} | {code.why.replace('|', chr(92) + '|')} |"


def rules_table() -> str:
    """The markdown table: code (linked to its docs outside the README), severity, why."""
    return "\n".join(["| code | severity | why it matters |", "| --- | --- | --- |",
                      *(_row(code) for code in CATALOGUE)])


def with_table(readme: str) -> str:
    """The README text with the table between its markers replaced."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{rules_table()}\n{END}{tail}"


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    text = path.read_text(encoding="utf-8")
    if with_table(text) != text:
        path.write_text(with_table(text), encoding="utf-8")
        print(f"{path}: rules table rewritten from builder/catalogue.py")


if __name__ == "__main__":
    main()
