"""SVG images measured before anything draws them: `<use>` copies, paint references and depth.

A 2.6 KB SVG whose `<use>` elements each copy the level below twice asks a renderer to draw 2^39
shapes; WeasyPrint (sheets) and Anki's web view (decks) both would try. Counting the elements a
drawing expands to takes one pass over the parsed tree, memoised per element, so it is linear in
the file whatever it asks for.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

MAX_SVG_NODES = 200_000  # elements drawn, every copy a reference makes counted
MAX_SVG_DEPTH = 100  # nesting, through references too: renderers recurse per level
_URL = re.compile(r"url\(\s*['\"]?#([^)'\"\s]+)")
_NESTED = re.compile(r"\s*data:image/svg", re.IGNORECASE)
_HREFS = ("href", "{http://www.w3.org/1999/xlink}href")


def svg_problem(data: bytes) -> str | None:
    """Why an SVG must not be drawn (too many elements once references are expanded, nested
    too deep, a reference cycle, not well-formed), or None when it is safe to draw."""
    try:
        # expat (>= 2.4) refuses entity amplification ("billion laughs") itself.
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, RecursionError) as exc:
        return f"not a well-formed SVG ({exc})"
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    if any(_NESTED.match(value) for el in root.iter() for value in el.attrib.values()):
        return "embeds another SVG as a data: URL (it would be drawn unmeasured)"
    cost: dict[int, tuple[int, int]] = {}  # id(element) -> (elements drawn, depth)
    open_: set[int] = set()  # elements whose expansion is under way
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        el, expanded = stack.pop()
        key = id(el)
        deps = [*el, *(ids[r] for r in _references(el) if r in ids)]
        if expanded:
            nodes = 1 + sum(cost[id(d)][0] for d in deps)
            depth = 1 + max((cost[id(d)][1] for d in deps), default=0)
            if nodes > MAX_SVG_NODES:
                return f"draws over {MAX_SVG_NODES:,} elements once its <use> references are expanded"
            if depth > MAX_SVG_DEPTH:
                return f"nests over {MAX_SVG_DEPTH} levels deep (references included)"
            cost[key] = (nodes, depth)
            open_.discard(key)
            continue
        if key in cost:
            continue
        if key in open_:
            return "an element refers to itself through <use> or url(#…) references"
        open_.add(key)
        stack.append((el, True))
        for dep in deps:
            if id(dep) in open_:
                return "an element refers to itself through <use> or url(#…) references"
            if id(dep) not in cost:
                stack.append((dep, False))
    return None


def _references(el: ElementTree.Element) -> list[str]:
    """The ids an element draws a copy of: `href="#id"` and `url(#id)` in any attribute or in
    the text of a `<style>`."""
    found = []
    for name, value in el.attrib.items():
        if name in _HREFS and value.startswith("#"):
            found.append(value[1:])
        found.extend(_URL.findall(value))
    if el.tag.rpartition("}")[2] == "style" and el.text:
        found.extend(_URL.findall(el.text))
    return found
