"""schemas/scenario.schema.json: a valid draft 2020-12 schema that accepts every example scenario
and agrees with the C++ loader on the bad-input corpus (tests/data/scenarios/bad)."""

import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "scenario.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
EXAMPLES = sorted((ROOT / "scenarios").glob("*.json"))
BAD = sorted((ROOT / "tests" / "data" / "scenarios" / "bad").glob("*.json"))


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_there_are_examples_including_the_default() -> None:
    assert (ROOT / "scenarios" / "default.json") in EXAMPLES
    assert len(EXAMPLES) >= 2
    assert len(BAD) >= 30


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_scenario_validates(path: Path) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(path.read_text()))]
    assert errors == []


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_schema_agrees_with_the_loader_on_bad_files(path: Path) -> None:
    # ".expect" says "schema: reject" when the schema alone must reject the file; the others are
    # errors only the C++ loader can find (overlapping start_s, technique rules on the limb,
    # parameter and output names known to the model), which the schema must then accept.
    expect = path.with_suffix(".expect").read_text()
    schema_rejects = "schema: reject" in expect.splitlines()
    try:
        document = json.loads(path.read_text())
    except json.JSONDecodeError:
        assert schema_rejects, "malformed JSON must be marked 'schema: reject'"
        return
    assert VALIDATOR.is_valid(document) is (not schema_rejects)


def test_units_are_in_property_names() -> None:
    unitless = {
        "kind",
        "technique",
        "name",
        "description",
        "preset",
        "initial_posture",
        "posture",
        "direction",
        "shape",
        "inflation_shape",
        "deflate_together",
        "first_segment",
        "segment",
        "modulation",
        "rtol",
        "atol",
        "stepper",
        "names",
        "value",
        "allow_out_of_range",
        "segment_names",
        "segment_tissue",
        "n_segments",
        "replace_kinds",
        "replace_with",
        "muscle_group",
        "working_segments",
        "sides",
        "contractions",
        "duty_cycle",
        "muscle_flow_multiplier",  # a dimensionless factor, as duty_cycle
        "format_version",
        "$schema",
        "subject",
        "limb",
        "parameters",
        "protocol",
        "arms",
        "outputs",
        "solver",
    }
    suffixes = (
        "_s",
        "_mmHg",
        "_Hz",
        "_cm",
        "_cm_per_s",
        "_per_min",
        "_fraction_VO2max",
        "_fraction_lactate_threshold",
        "_W",
        "_kg",
        "_g",
        "_cycles",
    )

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                is_number = isinstance(sub, dict) and sub.get("type") in ("number", "array") and key not in unitless
                if is_number:
                    assert key.endswith(suffixes), f"'{key}' has no unit suffix"
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(SCHEMA)


def _posture_enums(node: object) -> list[list[str]]:
    """Every enum of a property named initial_posture or posture, and of initial_posture_by_side's values."""
    found: list[list[str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("initial_posture", "posture") and isinstance(value, dict) and "enum" in value:
                found.append(list(value["enum"]))
            if key == "initial_posture_by_side" and isinstance(value, dict):
                found.append(list(value["additionalProperties"]["enum"]))
            found.extend(_posture_enums(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_posture_enums(value))
    return found


def test_schema_postures_are_the_core_catalogue() -> None:
    from massagesim import _core

    names = [name for name, _ in _core.posture_catalogue()]
    enums = _posture_enums(SCHEMA)
    # subject.initial_posture, subject.initial_posture_by_side and a posture_change phase's posture
    assert len(enums) == 3
    for enum in enums:
        assert enum == names


def test_schema_steppers_are_the_core_table() -> None:
    from massagesim import _core

    enum = SCHEMA["properties"]["solver"]["properties"]["stepper"]["enum"]
    assert sorted(enum) == sorted(_core.stepper_names())


def test_schema_segment_tissues_are_the_core_presets() -> None:
    """limb.segment_tissue's enum is models/segment_tissue.hpp's list, in its order."""
    from massagesim import _core

    enum = SCHEMA["properties"]["limb"]["properties"]["segment_tissue"]["items"]["enum"]
    assert enum == [p["name"] for p in _core.segment_tissue_presets()]
