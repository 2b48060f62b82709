"""notes.json: the whole model with positions, valid under the schema that ships with the package."""

from __future__ import annotations

import json

import jsonschema

from builder.context import BuildContext
from builder.reader import read_guide
from builder.resources import schema_path
from builder.serialize import schema_text
from builder.writers import json_writer


def test_committed_schema_matches_the_model():
    assert schema_path().read_text(encoding="utf-8") == schema_text(), (
        "the model changed: regenerate the schema on purpose with `make schema`")


def test_notes_json_validates_and_keeps_positions(fixtures, tmp_path):
    guide = read_guide([str(fixtures / "reader" / "objective-format.md")]).guide
    (artifact,) = json_writer.write(guide, BuildContext(output=tmp_path)).artifacts
    data = json.loads(artifact.path.read_text(encoding="utf-8"))
    assert artifact.size == artifact.path.stat().st_size
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    objective = data["topics"][0]["objectives"][0]
    assert objective["id"] == "900.1"
    assert objective["command_groups"][0]["pos"]["line"] == 62
    assert objective["command_groups"][0]["key"] == "alpha list"
    assert data["schema_version"] == 1


def test_schema_rejects_a_broken_document(fixtures):
    guide = read_guide([str(fixtures / "reader" / "objective-format.md")]).guide
    data = json.loads(json_writer.render(guide))
    del data["topics"][0]["objectives"][0]["weight"]
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    try:
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as exc:
        assert "weight" in exc.message
    else:
        raise AssertionError("a document without weight must not validate")


def test_output_is_deterministic(fixtures):
    guide = read_guide([str(fixtures / "reader" / "objective-format.md")]).guide
    assert json_writer.render(guide) == json_writer.render(guide)
