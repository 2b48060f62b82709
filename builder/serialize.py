"""The model as plain JSON data, and the JSON Schema of that data (derived from the dataclasses)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from builder import model
from builder.model import SCHEMA_VERSION, Guide

# Derived values that are part of a node's identity; written so consumers need not recompute them.
EXTRA_FIELDS: dict[type, tuple[str, ...]] = {
    model.RichText: ("plain",),
    model.CommandGroup: ("key",),
    model.TableRow: ("key",),
    model.CitedObject: ("key",),
}
SCHEMA_ID = f"https://cheatdeck.invalid/schema/notes-v{SCHEMA_VERSION}.json"


def to_data(value: Any) -> Any:
    """Dataclasses to dicts, enums to their values, tuples to lists."""
    names = _names(type(value))
    if names is not None:
        return {name: to_data(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names and derived values (None for anything else), found once per type."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(f.name for f in dataclasses.fields(kind)) + EXTRA_FIELDS.get(kind, ())


def write_notes_json(guide: Guide, out: typing.TextIO) -> None:
    """notes.json, written as it is made: each node becomes a dict only while it is written, so
    the whole tree of dicts (several times the model's memory) never exists at once. The text is
    `json.dumps(to_data(relative_to_root(guide)), ensure_ascii=False, indent=1, sort_keys=True)`."""
    root = guide.root
    relative = lru_cache(maxsize=None)(lambda path: _relative(path, root))

    def node(value: Any) -> Any:
        names = _names(type(value))
        if names is None:
            if isinstance(value, Enum):
                return value.value
            raise TypeError(f"{type(value).__name__} is not part of the model")
        out = {name: getattr(value, name) for name in names}
        if isinstance(out.get("path"), str):
            out["path"] = relative(out["path"])
        return out

    top = node(guide)
    top["root"] = "."
    json.dump(top, out, ensure_ascii=False, indent=1, sort_keys=True, default=node)
    out.write("\n")


def guide_to_data(guide: Guide) -> dict[str, Any]:
    return to_data(guide)


def from_data(tp: Any, data: Any) -> Any:
    """The inverse of `to_data`: rebuild model objects from JSON data, guided by type hints."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        return from_data(next(a for a in args if a is not type(None)), data)
    if origin is tuple:
        return tuple(from_data(typing.get_args(tp)[0], item) for item in data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp, vars(model))
        return tp(**{f.name: from_data(hints[f.name], data[f.name]) for f in dataclasses.fields(tp)})
    return data


def relative_to_root(guide: Guide) -> Guide:
    """The guide with every file path relative to its source root, and the root `.`, so that
    notes.json reads the same whatever folder the build ran from."""
    root = guide.root
    return dataclasses.replace(_relocate(guide, root), root=".")


def _relocate(value: Any, root: str) -> Any:
    if isinstance(value, tuple):
        return tuple(_relocate(v, root) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {}
    for f in dataclasses.fields(value):
        current = getattr(value, f.name)
        if f.name == "path" and isinstance(current, str):
            changes[f.name] = _relative(current, root)
        elif isinstance(current, tuple) or dataclasses.is_dataclass(current):
            moved = _relocate(current, root)
            if moved is not current:
                changes[f.name] = moved
    return dataclasses.replace(value, **changes) if changes else value


def _relative(path: str, root: str) -> str:
    import os

    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return path if relative.startswith("..") else Path(relative).as_posix()


def guide_from_data(data: dict[str, Any]) -> Guide:
    return from_data(Guide, data)


def json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) for `guide_to_data`, built from the model's type hints."""
    defs: dict[str, Any] = {}
    root = _schema_for(Guide, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cheatdeck notes",
        "$ref": root["$ref"],
        "$defs": dict(sorted(defs.items())),
    }


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp is str:
        return {"type": "string"}
    if tp is int:
        return {"type": "integer"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is type(None):
        return {"type": "null"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema_for(a, defs) for a in typing.get_args(tp)]}
    if origin is tuple:
        return {"type": "array", "items": _schema_for(typing.get_args(tp)[0], defs)}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            hints = typing.get_type_hints(tp, vars(model))
            props = {f.name: _schema_for(hints[f.name], defs) for f in dataclasses.fields(tp)}
            for extra in EXTRA_FIELDS.get(tp, ()):
                props[extra] = {"type": "string"}
            defs[name] = {"type": "object", "properties": props, "required": sorted(props),
                          "additionalProperties": False}
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def schema_text() -> str:
    """The schema as it is committed in builder/schema/notes.schema.json."""
    import json

    return json.dumps(json_schema(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":  # regenerate on purpose: python -m builder.serialize
    from builder.resources import schema_path

    schema_path().write_text(schema_text(), encoding="utf-8")
    print(f"wrote {schema_path()}")
