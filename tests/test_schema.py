"""`tvb schema` describes format 1: it passes the meta-schema and the sample conforms."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import yaml
from click.testing import CliRunner

from registry.schema import SPECS, json_schema
from tests.conftest import SAMPLE
from tvb.cli import main


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_passes_the_meta_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_cli_prints_the_schema():
    out = CliRunner().invoke(main, ["schema"])
    assert out.exit_code == 0
    assert json.loads(out.output) == json_schema()


def test_sample_conforms_to_the_schema():
    data = _jsonable(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    validator = jsonschema.Draft202012Validator(
        json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_schema_rejects_what_the_validator_rejects():
    validator = jsonschema.Draft202012Validator(json_schema())
    bad = {"schema": 1, "people": [{"id": "x", "name": "X", "unit": "dsk", "emial": "x"}]}
    assert any("emial" in e.message for e in validator.iter_errors(bad))
    assert list(validator.iter_errors({"schema": 1, "directorates": [
        {"id": "dsk", "name": "DSK", "axis": "sideways"}]}))


def test_every_field_has_dutch_and_english_description():
    schema = json_schema()
    for name, fields in SPECS.items():
        defn = schema if name == "register" else schema["$defs"][name]
        for f in fields:
            desc = defn["properties"][f.name]["description"]
            assert " — " in desc and f.nl in desc and f.en in desc


def test_committed_schema_file_is_current():
    """`tvb.schema.json` (referenced by the sample's yaml-language-server line) is what
    `tvb schema` prints; regenerate it with `tvb schema -o tvb.schema.json`."""
    committed = json.loads((SAMPLE.parent.parent / "tvb.schema.json").read_text("utf-8"))
    assert committed == json_schema()
