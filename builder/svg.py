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
    refs: dict[int, list[ElementTree.Element]] = {}  # id(element) -> the elements it copies
    for el in root.iter():
        values = [v for v in el.attrib.values() if "#" in v or "data:" in v]
        if el.tag.rpartition("}")[2] == "style" and el.text:
            values.append(el.text)
        if not values:
            continue
        if any(_NESTED.match(v) for v in values):
            return "embeds another SVG as a data: URL (it would be drawn unmeasured)"
        found = [ids[r] for r in _references(el) if r in ids]
        if found:
            refs[id(el)] = found
    cost: dict[int, tuple[int, int]] = {}  # id(element) -> (elements drawn, depth)
    open_: set[int] = set()  # elements whose expansion is under way
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        el, expanded = stack.pop()
        key = id(el)
        if expanded:
            nodes, depth = 1, 1
            for dep in (*el, *refs.get(key, ())):
                n, d = cost[id(dep)]
                nodes += n
                depth = max(depth, d + 1)
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
        for dep in (*el, *refs.get(key, ())):
            dkey = id(dep)
            if dkey in open_:
                return "an element refers to itself through <use> or url(#…) references"
            if dkey in cost:
                continue
            if not len(dep) and dkey not in refs:  # a leaf that copies nothing: most of a drawing
                cost[dkey] = (1, 1)
            else:
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
