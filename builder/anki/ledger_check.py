"""Ledger text and shape checks against builder/schema/ledger.schema.json: the first fault, located."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

# git's conflict markers (diff3 style included) at the start of a line.
CONFLICT = re.compile(r"^(?:<{7}|\|{7}|={7}|>{7})(?: |$)", re.M)
_TYPES = {"object": (dict, "an object"), "string": (str, "a string"), "integer": (int, "an integer")}
Spec = tuple[frozenset, frozenset, dict]  # required keys, allowed keys, key -> (type, min, max)


class ShapeFault(Exception):
    """What is wrong, and the keys leading to it (section, entry, field)."""

    def __init__(self, where: tuple[str, ...], problem: str) -> None:
        super().__init__(problem)
        self.where, self.problem = where, problem


@lru_cache(maxsize=1)
def schema() -> dict:
    """The committed schema. jsonschema itself would add ~0.2 s of imports to every deck build,
    so this module reads the small subset of the vocabulary that the schema uses."""
    text = resources.files("builder").joinpath("schema/ledger.schema.json").read_text("utf-8")
    return json.loads(text)


def conflict_line(text: str) -> int | None:
    """The line of the first git conflict marker, if any."""
    found = CONFLICT.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def parse(text: str) -> object:
    """JSON where a key repeated inside one object (a line-based merge's leftovers) is a fault."""
    return json.loads(text, object_pairs_hook=_unique_keys)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ShapeFault((key,), "appears twice")
            seen.add(key)
    return out


def check(data: object) -> None:
    """Raise ShapeFault for the first way `data` breaks the schema, or reuses a note id."""
    root = schema()
    sections = _entry_specs()
    # The sections' entries are checked below, in bulk; here only that each section is an object.
    top = {**root, "properties": {k: {"type": "object"} if k in sections else rule
                                  for k, rule in root["properties"].items()}}
    _check(data, top, (), root)
    assert isinstance(data, dict)
    for section, spec in sections.items():
        for key, entry in data.get(section, {}).items():
            if not _fits(entry, *spec):  # the slow walk only to say what is wrong
                _check(entry, root["properties"][section]["additionalProperties"], (section, key), root)
    owners: dict[int, str] = {}
    for section in ("notes", "removed"):
        for guid, entry in data.get(section, {}).items():
            nid = entry.get("id")
            if nid is None:
                continue
            if nid in owners:
                raise ShapeFault((section, guid, "id"), f"{nid} is also the id of {owners[nid]}")
            owners[nid] = f'{section} "{guid}"'


@lru_cache(maxsize=1)
def _entry_specs() -> dict[str, Spec]:
    """Each section's entry rule, flattened: a ledger has thousands of entries to check."""
    root = schema()
    specs = {}
    for section, rule in root["properties"].items():
        if "additionalProperties" in rule:
            entry = _resolve(rule["additionalProperties"], root)
            fields = {}
            for key, sub in entry["properties"].items():
                sub = _resolve(sub, root)
                fields[key] = (_TYPES[sub["type"]][0], sub.get("minimum"), sub.get("maximum"))
            specs[section] = (frozenset(entry.get("required", ())), frozenset(fields), fields)
    return specs


def _fits(entry: object, required: frozenset, allowed: frozenset, fields: dict) -> bool:
    if type(entry) is not dict:
        return False
    keys = entry.keys()
    if not (keys >= required and keys <= allowed):
        return False
    for key, value in entry.items():
        kind, low, high = fields[key]
        # `type is`, not isinstance: JSON true is not an integer here.
        if type(value) is not kind or (low is not None and value < low) \
                or (high is not None and value > high):
            return False
    return True


def _resolve(rule: dict, root: dict) -> dict:
    return root["$defs"][rule["$ref"].rsplit("/", 1)[1]] if "$ref" in rule else rule


def _check(value: object, rule: dict, where: tuple[str, ...], root: dict) -> None:
    rule = _resolve(rule, root)
    if "type" in rule:
        kind, name = _TYPES[rule["type"]]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ShapeFault(where, f"must be {name}, not {_show(value)}")
    if "const" in rule and value != rule["const"]:
        raise ShapeFault(where, f"must be {rule['const']}, not {_show(value)}")
    low, high = rule.get("minimum"), rule.get("maximum")
    if isinstance(value, int) and ((low is not None and value < low) or (high is not None and value > high)):
        raise ShapeFault(where, f"must be from {low} to {high if high is not None else 'any'}, "
                                f"not {value}")
    if not isinstance(value, dict):
        return
    for key in rule.get("required", ()):
        if key not in value:
            raise ShapeFault(where, f'lacks "{key}"')
    props, extra = rule.get("properties", {}), rule.get("additionalProperties", True)
    for key, item in value.items():
        sub = props.get(key, extra)
        if sub is False:
            raise ShapeFault(where + (key,), "is not a ledger field")
        if isinstance(sub, dict):
            _check(item, sub, where + (key,), root)


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def describe(where: tuple[str, ...]) -> str:
    """`notes "abc" field "id"` for the keys (section, entry, field)."""
    if not where:
        return "the ledger"
    if len(where) == 1:
        return f'"{where[0]}"'
    field = f' field "{where[2]}"' if len(where) > 2 else ""
    return f'{where[0]} "{where[1]}"{field}'


def line_of(text: str, where: tuple[str, ...]) -> int:
    """The line of the deepest key of `where` that the text shows (1 when none)."""
    pos = 0
    for key in where[:2]:
        found = text.find(json.dumps(key) + ":", pos)
        if found < 0:
            break
        pos = found
    if len(where) == 1:  # a repeated key: the second time it appears
        first = text.find(json.dumps(where[0]) + ":")
        second = text.find(json.dumps(where[0]) + ":", first + 1)
        pos = second if second >= 0 else max(first, 0)
    return text.count("\n", 0, pos) + 1
