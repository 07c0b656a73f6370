"""A phase's ``muscle_flow_multiplier``: a prescribed factor on the blood-flow conductance of all the model's muscle
while the phase lasts (every segment's muscle part and the lactate pool's lumped working muscle), for sensitivity
analyses of mechanisms the model lacks; on the path users run (``ms.phase``, ``ms.simulate``, the scenario file).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import massagesim as ms


def calf(*middle: dict) -> ms.Scenario:
    """A one-segment calf, supine: 60 s rest, the given phases, 60 s of passive recovery."""
    return ms.Scenario.build(
        [ms.phase("rest", 60.0), *middle, ms.phase("passive_recovery", 60.0)],
        name="flow_multiplier",
        limb={"segment_names": ["calf"], "segment_lengths_cm": [40.0]},
        outputs=["arterial_inflow_mL_per_min", "muscle_flow_multiplier", "blood_lactate_mmol_per_L"],
        save_every_s=1.0,
    )


def column(arm: ms.ArmResult, name: str) -> np.ndarray:
    return np.asarray(arm.values[:, list(arm.output_names).index(name)])


def test_the_field_round_trips_and_is_saved_as_an_input_column() -> None:
    sc = calf(ms.phase("rest", 120.0, muscle_flow_multiplier=0.76))
    assert sc.to_dict()["protocol"][1]["muscle_flow_multiplier"] == 0.76
    assert "muscle_flow_multiplier" not in sc.to_dict()["protocol"][0]  # omitted: none
    arm = next(iter(ms.simulate(sc)))
    t, k = np.asarray(arm.t_s), column(arm, "calf.muscle_flow_multiplier")
    assert np.all(k[(t >= 60.0) & (t < 180.0)] == 0.76)
    assert np.all(k[(t < 60.0) | (t >= 180.0)] == 1.0)


def test_it_lowers_the_muscles_inflow_while_it_lasts_and_only_then() -> None:
    """Resting calf: all its tissue is muscle (default preset), so the conductance of its arteries, arterioles and
    capillaries falls to 0.76, not the veins' outlet in series with them: the inflow falls by a little less
    (measured 0.764 of the plain run after a minute, 2026-12-08) and only while the phase lasts."""
    plain = next(iter(ms.simulate(calf(ms.phase("rest", 120.0)))))
    slow = next(iter(ms.simulate(calf(ms.phase("rest", 120.0, muscle_flow_multiplier=0.76)))))
    t = np.asarray(plain.t_s)
    q0, q1 = column(plain, "calf.arterial_inflow_mL_per_min"), column(slow, "calf.arterial_inflow_mL_per_min")
    before, during = t < 60.0, (t > 150.0) & (t < 180.0)
    np.testing.assert_array_equal(q1[before], q0[before])
    ratio = q1[during].mean() / q0[during].mean()
    assert 0.76 < ratio < 0.99, ratio
    assert abs(q1[-1] / q0[-1] - 1.0) < 0.02  # back within a minute of the end


@pytest.mark.parametrize("kind", ["rest", "exercise", "massage"])
@pytest.mark.parametrize("k", [0.25, 4.0])
def test_the_legal_extremes_run_in_every_kind_of_phase(kind: str, k: float) -> None:
    extra = {"exercise": {"intensity_fraction_VO2max": 0.9}, "massage": {"technique": "petrissage"}}.get(kind, {})
    result = ms.simulate(calf(ms.phase(kind, 60.0, muscle_flow_multiplier=k, **extra)))
    assert result.ok
    arm = next(iter(result))
    assert np.isfinite(arm.values).all()
    assert math.isclose(column(arm, "calf.muscle_flow_multiplier").min(), min(k, 1.0))


@pytest.mark.parametrize("bad", [0.1, 5.0, 0.0, -1.0])
def test_a_multiplier_outside_its_range_is_refused_naming_the_field_and_the_range(bad: float) -> None:
    with pytest.raises(ms.InvalidArgument, match=r"muscle_flow_multiplier: expected a factor .* in \[0\.25, 4\]"):
        ms.simulate(calf(ms.phase("rest", 60.0, muscle_flow_multiplier=bad)))


def test_a_non_number_is_refused() -> None:
    with pytest.raises(ms.InvalidArgument, match="muscle_flow_multiplier"):
        ms.simulate(calf(ms.phase("rest", 60.0, muscle_flow_multiplier="low")))


def test_a_replaced_phase_does_not_keep_it() -> None:
    """An arm that replaces the massage with passive recovery replaces its multiplier too: the passive arm of a
    lowered-flow massage is the plain passive arm."""
    rub = ms.phase("massage", 60.0, technique="effleurage", muscle_flow_multiplier=0.5)
    d = calf(rub).to_dict()
    d["arms"] = [
        {"name": "massage"},
        {"name": "passive", "replace_kinds": ["massage"], "replace_with": "passive_recovery"},
    ]
    passive = ms.simulate(ms.Scenario.from_dict(d))["passive"]
    assert np.all(column(passive, "calf.muscle_flow_multiplier") == 1.0)
