"""Scenarios from the embedded default, JSON and YAML files, dicts and code; techniques; errors."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import massagesim as ms
from massagesim import _core

ROOT = Path(__file__).resolve().parents[2]


def test_default_scenario_matches_the_file() -> None:
    sc = ms.Scenario.default()
    from_file = ms.Scenario.from_file(ROOT / "scenarios" / "default.json")
    assert sc == from_file
    assert sc.arm_names == ["massage", "passive"]
    assert sc.duration_s == pytest.approx(sum(p["duration_s"] for p in sc.to_dict()["protocol"]))
    assert len(sc.segment_names) >= 1


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.json")), ids=lambda p: p.name)
def test_every_example_loads_and_round_trips_through_dict_and_yaml(path: Path, tmp_path: Path) -> None:
    sc = ms.Scenario.from_file(path)
    assert ms.Scenario.from_dict(sc.to_dict()) == sc
    y = sc.save(tmp_path / "s.yaml")
    assert ms.Scenario.from_file(y) == sc
    assert ms.Scenario.from_file(sc.save(tmp_path / "s.json")) == sc


def test_yaml_written_by_hand(tmp_path: Path) -> None:
    text = """
name: yaml_case
format_version: 1
subject: {preset: default_forearm, initial_posture: supine}
limb: {segment_names: [forearm], segment_lengths_cm: [25.0]}
parameters: [{name: tissue_mass_g, value: 900.0}]
protocol:
  - {kind: rest, duration_s: 60}
  - {kind: massage, duration_s: 60, technique: tapotement}
arms: []
outputs: {names: [applied_pressure_mmHg], save_every_s: 1.0}
solver: {stepper: dopri5, rtol: 1.0e-5, atol: 1.0e-8}
"""
    p = tmp_path / "case.yml"
    p.write_text(text)
    sc = ms.Scenario.from_file(p)
    assert sc.name == "yaml_case" and sc.duration_s == 120.0
    assert sc.solver["stepper"] == "dopri5"
    assert sc.parameter_overrides == {"tissue_mass_g": 900.0}


def test_bad_yaml_and_bad_files_are_invalid_argument(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("name: [unclosed\n")
    with pytest.raises(ms.InvalidArgument, match="malformed YAML"):
        ms.Scenario.from_file(p)
    with pytest.raises(ms.InvalidArgument, match="cannot open"):
        ms.Scenario.from_file(tmp_path / "missing.json")
    with pytest.raises(ms.InvalidArgument, match="cannot open"):
        ms.Scenario.from_file(tmp_path / "missing.yaml")


def test_errors_name_the_field() -> None:
    d = ms.Scenario.default().to_dict()
    d["protocol"][2]["pressure_mmHg"] = -5.0
    with pytest.raises(ms.InvalidArgument, match=r"protocol\[2\]"):
        ms.Scenario.from_dict(d)
    d = ms.Scenario.default().to_dict()
    d["protocol"][0]["kind"] = "nap"
    with pytest.raises(ms.UnknownName, match="nap"):
        ms.Scenario.from_dict(d)
    d = ms.Scenario.default().to_dict()
    d["outputs"]["save_every_s"] = float("inf")
    with pytest.raises(ms.InvalidArgument, match="NaN or infinite"):
        ms.Scenario.from_dict(d)
    with pytest.raises(TypeError):
        ms.Scenario.from_dict([1, 2])  # type: ignore[arg-type]


def test_build_in_code_and_modified_copies() -> None:
    sc = ms.Scenario.build(
        [ms.phase("rest", 60), ms.phase("massage", 120, technique="effleurage", pressure_mmHg=40.0)],
        name="coded",
        parameters={"tissue_mass_g": 1800.0},
        save_every_s=2.0,
        solver={"stepper": "dopri5"},
    )
    assert sc.name == "coded" and sc.duration_s == 180.0 and sc.save_every_s == 2.0
    assert sc.to_dict()["protocol"][1]["pressure_mmHg"] == 40.0
    assert sc.solver["stepper"] == "dopri5"
    longer = sc.with_protocol([ms.phase("rest", 600)])
    assert longer.duration_s == 600.0 and sc.duration_s == 180.0  # immutable
    assert sc.with_outputs(["venous_outflow_mL_per_min"], save_every_s=5.0).output_names == [
        "venous_outflow_mL_per_min"
    ]
    assert sc.with_solver(rtol=1e-4).solver["rtol"] == 1e-4
    with pytest.raises(ms.InvalidArgument, match="unknown section"):
        sc.replace(protocoll=[])


def test_massage_phase_rejects_a_device() -> None:
    with pytest.raises(ms.InvalidArgument, match="device"):
        ms.Scenario.build([ms.phase("massage", 60, technique="sequential_compression")])


def test_pickle_and_core_scenario_pickle() -> None:
    sc = ms.Scenario.default().with_parameters(tissue_mass_g=1700.0)
    assert pickle.loads(pickle.dumps(sc)) == sc
    cpp = pickle.loads(pickle.dumps(sc._cpp))
    assert isinstance(cpp, _core.Scenario) and cpp.to_json() == sc.to_json()


def test_techniques_and_their_defaults() -> None:
    names = ms.technique_names()
    assert {"effleurage", "petrissage", "tapotement", "sequential_compression"} <= set(names)
    for n in names:
        d = ms.technique_defaults(n)
        assert d and "kind" not in d and "technique" not in d
        kind = "compression" if _core.is_device_technique(n) else "massage"
        # the defaults are valid phase fields: a one-phase scenario with them loads
        ms.Scenario.build([ms.phase(kind, 30.0, technique=n, **d)], arms=[])
    assert ms.technique_defaults("effleurage")["pressure_mmHg"] > 0
    with pytest.raises(ms.UnknownName, match="unknown technique 'stroking'"):
        ms.technique_defaults("stroking")
    assert "massage" in ms.phase_kinds()


def test_as_scenario_coercions(tmp_path: Path) -> None:
    from massagesim._scenario import as_scenario

    sc = ms.Scenario.default()
    p = tmp_path / "d.json"
    p.write_text(json.dumps(sc.to_dict()))
    assert as_scenario(None) == sc == as_scenario(sc) == as_scenario(sc._cpp) == as_scenario(str(p)) == as_scenario(p)
    assert as_scenario(sc.to_dict()) == sc
    with pytest.raises(TypeError):
        as_scenario(42)  # type: ignore[arg-type]


def test_prone_and_lowered_limb_postures_run() -> None:
    """Issue 12 item 3: prone (calf massage lies face down) and a dependent limb are postures a scenario
    takes; their heights come from the posture table (posture.hpp) and the run starts from rest."""
    from massagesim import _core

    assert [n for n, _ in _core.posture_catalogue()] == [
        "supine",
        "prone",
        "seated",
        "standing",
        "limb_raised",
        "limb_lowered",
    ]
    sc = ms.Scenario.build(
        [ms.phase("rest", 20.0), ms.phase("posture_change", 0.0, posture="limb_lowered"), ms.phase("rest", 40.0)],
        name="prone_then_lowered",
        subject={"preset": "default_calf", "initial_posture": "prone"},
        limb={"segment_names": ["calf", "thigh"], "segment_lengths_cm": [40.0, 40.0]},
    )
    arm = ms.simulate(sc, outputs=["height_above_heart_cm", "venous_volume_mL"])["protocol"]
    t = np.asarray(arm.t_s)
    h_calf = np.asarray(arm.values[:, arm.output_names.index("calf.height_above_heart_cm")])
    v_calf = np.asarray(arm.values[:, arm.output_names.index("calf.venous_volume_mL")])
    assert np.all(h_calf[t < 20.0] == 0.0)  # prone: level with the heart
    # lowered 30 deg from the hip: the calf's centre (60 cm from the hip) sits 30 cm below the heart
    assert h_calf[-1] == pytest.approx(-30.0, abs=1e-9)
    assert v_calf[-1] > 1.2 * v_calf[0]  # a dependent limb pools venous blood


def test_segment_tissue_presets_set_masses_and_muscle_fraction_scales_the_muscle() -> None:
    """Issue 12 item 5: per-segment tissue. Presets give each segment the anthropometric mass per cm
    (models/segment_tissue.hpp: Plagenhoef 1983 over Drillis & Contini 1966, 75 kg and 175 cm), explicit
    masses replace them, and a segment's muscle_fraction sets the muscle that works: the thigh's O2 uptake
    in exercise scales with its muscle (VO2 per kg of muscle x muscle mass)."""
    presets = {p["name"]: p["mass_per_cm_g"] for p in _core.segment_tissue_presets()}
    assert list(presets) == ["foot", "calf", "thigh", "forearm", "upper_arm"]
    limb = {"segment_names": ["calf", "thigh"], "segment_lengths_cm": [30.0, 30.0]}
    protocol = [
        ms.phase("rest", 60.0),
        ms.phase("exercise", 120.0, intensity_fraction_VO2max=0.5, muscle_group="limb", working_segments=["thigh"]),
    ]
    sc = ms.Scenario.build(protocol, name="tissue", limb=dict(limb, segment_tissue=["calf", "thigh"]))
    assert sc.segment_masses_g == pytest.approx([30.0 * presets["calf"], 30.0 * presets["thigh"]], rel=1e-12)
    assert sc.to_dict()["limb"]["segment_tissue"] == ["calf", "thigh"]
    plain = ms.Scenario.build(protocol, name="plain", limb=limb)
    assert plain.segment_masses_g == [3000.0, 3000.0]  # default_calf: 100 g/cm
    given = ms.Scenario.build(protocol, name="given", limb=dict(limb, segment_mass_g=[2500.0, 5000.0]))
    assert given.segment_masses_g == [2500.0, 5000.0]
    with pytest.raises(ms.InvalidArgument, match=r"limb.segment_mass_g.*not both"):
        ms.Scenario.build(protocol, name="x", limb=dict(limb, segment_tissue=["calf", "thigh"], segment_mass_g=[1, 2]))
    with pytest.raises(ms.UnknownName, match=r"limb.segment_tissue\[1\]: unknown segment tissue 'thight'"):
        ms.Scenario.build(protocol, name="x", limb=dict(limb, segment_tissue=["calf", "thight"]))

    def thigh(scenario: ms.Scenario, **parameters: float) -> tuple[float, float]:
        """The thigh's O2 uptake [mL/min] and inflow [mL/min/100 g of tissue] 5 s before the exercise ends."""
        outputs = ["o2_uptake_mL_per_min", "arterial_inflow_mL_per_min_per_100g"]
        arm = ms.simulate(scenario, outputs=outputs, parameters=parameters or None)["protocol"]
        k = int(np.argmin(np.abs(np.asarray(arm.t_s) - 175.0)))
        return tuple(float(arm.values[k, arm.output_names.index("thigh." + n)]) for n in outputs)

    (vo2_full, q_full), (vo2_half, q_half) = thigh(sc), thigh(sc, **{"thigh.muscle_fraction": 0.5})
    # 2 min at 0.5 VO2max: uptake has reached its demand (tau ~30 s), which is per kg of muscle
    # (measured 478.5 / 957.0 mL/min); only the muscle half dilates, so the inflow per 100 g of the whole
    # tissue falls (measured 70.6 against 121.2).
    assert vo2_half / vo2_full == pytest.approx(0.5, rel=0.01)
    assert q_half < 0.65 * q_full
    # The heavier preset thigh (5.5 kg against 3 kg) takes up more O2 at the same intensity: 957.0 / 521.1.
    assert vo2_full / thigh(plain)[0] == pytest.approx(30.0 * presets["thigh"] / 3000.0, rel=0.01)


@pytest.mark.parametrize("posture", [name for name, _ in _core.posture_catalogue()])
def test_tissue_preset_limbs_rest_in_every_posture(posture: str) -> None:
    """Issue 12 items 3 and 5: a foot-to-hip leg and an arm built from the tissue presets (shortest foot: 5 cm,
    202 g) find their resting state in every posture and run an exercise bout to finite values."""
    protocol = [ms.phase("rest", 30.0), ms.phase("exercise", 60.0, intensity_fraction_VO2max=1.0)]
    limbs = [
        {"segment_names": ["foot", "calf", "thigh"], "segment_lengths_cm": [5.0, 40.0, 40.0],
         "segment_tissue": ["foot", "calf", "thigh"]},
        {"segment_names": ["forearm", "upper_arm"], "segment_lengths_cm": [26.0, 33.0],
         "segment_tissue": ["forearm", "upper_arm"]},
    ]  # fmt: skip
    for limb in limbs:
        sc = ms.Scenario.build(
            protocol, name="tissue_posture", limb=limb, subject={"preset": "default_calf", "initial_posture": posture}
        )
        arm = ms.simulate(sc, outputs=["arterial_inflow_mL_per_min_per_100g", "o2_uptake_mL_per_min"])["protocol"]
        values = np.asarray(arm.values)
        assert (
            np.isfinite(values).all()
            and (values[:, arm.output_names.index(limb["segment_names"][-1] + ".o2_uptake_mL_per_min")] > 0).all()
        )
