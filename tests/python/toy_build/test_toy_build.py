"""Adding a module is one header: the toy segment module (tissue temperature) and the toy limb module
(an arterial-pressure offset that follows blood lactate) of tests/cpp/models/toy_module.hpp, built into
the package with ``-Ccmake.define.MASSAGESIM_EXTRA_MODULES=tests/cpp/models/toy_module.hpp``
(models/extra_modules.hpp), get parameters, sweep names, states and outputs with units, scenario-file
overrides and SBML symbols with no other file edited.

scripts/run_tests.sh builds that package into build/toy-package and runs this file against it with
``MASSAGESIM_TOY_BUILD=1``; in the normal suite (the default build) it is skipped.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("MASSAGESIM_TOY_BUILD") != "1",
    reason="needs the package built with the toy modules (scripts/run_tests.sh builds it; see the docstring)",
)

SEGMENT_PARAMS = {
    "toy_rest_temperature_C": "degC",
    "toy_pressure_gain_C_per_mmHg": "degC/mmHg",
    "toy_time_constant_s": "s",
}
LIMB_PARAMS = {
    "toy_drift.toy_drift_gain_mmHg_per_mmol_per_L": "mmHg/(mmol/L)",
    "toy_drift.toy_drift_time_constant_s": "s",
}


@pytest.fixture(scope="module")
def ms():  # noqa: ANN201 - the toy build of the package
    import massagesim

    assert "toy" in Path(massagesim.__file__).parts[-3], f"expected the toy build, imported {massagesim.__file__}"
    return massagesim


def toy_scenario(ms, tmp_path: Path) -> Path:  # noqa: ANN001
    """A two-segment scenario file: rest, then 60 mmHg static compression of both segments."""
    sc = ms.Scenario.build(
        [ms.phase("rest", 20.0), ms.phase("massage", 120.0, technique="static_compression", pressure_mmHg=60.0)],
        name="toy_modules",
        limb={"segment_names": ["calf", "thigh"], "segment_lengths_cm": [20.0, 20.0]},
    )
    d = sc.to_dict()
    d["parameters"] = [
        {"name": "toy_rest_temperature_C", "value": 35.5},  # every segment
        {"name": "calf.toy_time_constant_s", "value": 30.0},  # one segment
        {"name": "toy_drift.toy_drift_gain_mmHg_per_mmol_per_L", "value": 4.0},  # the limb module
    ]
    d["outputs"] = {
        "names": [
            "toy_temperature_C",
            "calf.toy_warming_C",
            "toy_arterial_offset_mmHg",
            "mean_arterial_pressure_mmHg",
            "blood_lactate_mmol_per_L",
            "applied_pressure_mmHg",
        ],
        "save_every_s": 1.0,
    }
    path = tmp_path / "toy.json"
    import json

    path.write_text(json.dumps(d))
    return path


def test_parameters_and_sweep_names(ms) -> None:  # noqa: ANN001
    p = ms.parameters()
    for name, unit in {**SEGMENT_PARAMS, **LIMB_PARAMS}.items():
        assert p.info(name).unit == unit, name
    assert p["toy_rest_temperature_C"] == 34.0
    assert p.info("toy_drift_gain_mmHg_per_mmol_per_L").name == "toy_drift.toy_drift_gain_mmHg_per_mmol_per_L"
    sc = ms.Scenario.build(
        [ms.phase("rest", 10.0)], name="toy_sweep", limb={"segment_names": ["calf"], "segment_lengths_cm": [20.0]}
    )
    t = ms.sweep(sc, {"toy_drift.toy_drift_gain_mmHg_per_mmol_per_L": [1.0, 3.0], "calf.toy_time_constant_s": [30.0]})
    assert set(t["toy_drift.toy_drift_gain_mmHg_per_mmol_per_L"]) == {1.0, 3.0}
    assert set(t["status"]) == {"success"}
    with pytest.raises(ms.UnknownName, match="toy_drift.toy_drift_gain_mmHg_per_mmol_per_L"):
        ms.sweep(sc, {"toy_drift.toy_drift_gian_mmHg_per_mmol_per_L": [1.0]})
    with pytest.raises(ms.InvalidArgument, match=r"\[1, 600\]"):
        ms.sweep(sc, {"toy_time_constant_s": [0.5]})


def test_states_and_outputs_carry_units(ms) -> None:  # noqa: ANN001
    outs = ms.available_outputs()
    for name in (
        "distal_calf.toy_temperature_C",
        "distal_calf.toy_warming_C",
        "toy_arterial_offset_mmHg",
        "mean_arterial_pressure_mmHg",
    ):
        assert name in outs, name
    assert ms.unit_of("distal_calf.toy_temperature_C") == "degC"
    assert ms.unit_of("toy_warming_C") == "degC"
    assert ms.unit_of("toy_arterial_offset_mmHg") == "mmHg"


def test_scenario_file_overrides_reach_both_modules(ms, tmp_path: Path) -> None:  # noqa: ANN001
    res = ms.simulate(ms.Scenario.from_file(toy_scenario(ms, tmp_path)))
    arm = res[res.arm_names[0]]
    df = arm.to_pandas() if hasattr(arm, "to_pandas") else res.to_pandas()
    t = np.asarray(arm.t_s)
    col = {n: np.asarray(arm.values[:, j]) for j, n in enumerate(arm.output_names)}
    # The rest state holds the overridden rest temperature in every segment.
    for seg in ("calf", "thigh"):
        assert col[f"{seg}.toy_temperature_C"][0] == pytest.approx(35.5, abs=1e-9)
    # Under 60 mmHg (from the compression's rise on), each segment relaxes toward 35.5 + 0.02 * P_applied
    # with its own time constant: the calf (30 s, overridden) is ahead of the thigh (60 s, default).
    k = int(np.searchsorted(t, 20.0 + 2.0 + 30.0))
    p_app = col["calf.applied_pressure_mmHg"][k]
    assert p_app == pytest.approx(60.0, rel=1e-6)
    frac = {s: (col[f"{s}.toy_temperature_C"][k] - 35.5) / (0.02 * p_app) for s in ("calf", "thigh")}
    assert frac["calf"] == pytest.approx(1.0 - math.exp(-1.0), abs=0.03)
    assert frac["thigh"] == pytest.approx(1.0 - math.exp(-0.5), abs=0.03)
    np.testing.assert_allclose(col["calf.toy_warming_C"], col["calf.toy_temperature_C"] - 35.5, atol=1e-12)
    # The limb module: at rest its offset is gain x (lactate - 1) with the overridden gain 4, and the
    # systemic pressure every segment sees (and the output reports) carries it.
    la0 = col["blood_lactate_mmol_per_L"][0]
    assert col["toy_arterial_offset_mmHg"][0] == pytest.approx(4.0 * (la0 - 1.0), abs=1e-6)
    np.testing.assert_allclose(col["mean_arterial_pressure_mmHg"], 93.0 + col["toy_arterial_offset_mmHg"], atol=1e-12)
    assert df is not None


def test_sbml_export_has_the_toy_symbols(ms) -> None:  # noqa: ANN001
    sc = ms.Scenario.build(
        [ms.phase("rest", 10.0)], name="toy_sbml", limb={"segment_names": ["calf"], "segment_lengths_cm": [20.0]}
    )
    graph = ms.model_graph(sc)
    text = ms.graph_to_sbml(graph, validate=False)
    for symbol in (
        "toy_rest_temperature_C",
        "toy_time_constant_s",
        "toy_drift_gain_mmHg_per_mmol_per_L",
        "toy_temperature_C",
        "toy_arterial_offset_mmHg",
    ):
        assert symbol in text, symbol
