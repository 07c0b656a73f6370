"""Exercise through the user path (issue 12): muscle groups in scenario dicts and `ms.simulate`, and the
exercise physiology of the default subject (VO2 kinetics, exercise hyperaemia, recovery)."""

from __future__ import annotations

import numpy as np
import pytest

import massagesim as ms


def knee_extension(**exercise: object) -> ms.Scenario:
    """Two-segment leg (calf, thigh), supine: rest, 3 min of exercise, 10 min of recovery."""
    return ms.Scenario.build(
        [
            ms.phase("rest", 60.0),
            ms.phase("exercise", 180.0, intensity_fraction_VO2max=0.6, **exercise),
            ms.phase("passive_recovery", 600.0),
        ],
        name="knee_extension",
        limb={"segment_names": ["calf", "thigh"], "segment_lengths_cm": [40.0, 50.0]},
        outputs=["o2_uptake_mL_per_min", "o2_demand_mL_per_min", "arterial_inflow_mL_per_min_per_100g"],
        save_every_s=1.0,
    )


def column(arm: ms.ArmResult, name: str) -> np.ndarray:
    return np.asarray(arm.values[:, list(arm.output_names).index(name)])


def test_a_limb_muscle_group_works_only_the_named_segments_and_not_the_body() -> None:
    arm = next(iter(ms.simulate(knee_extension(muscle_group="limb", working_segments=["thigh"]))))
    t = np.asarray(arm.t_s)
    during = (t > 200.0) & (t < 240.0)
    calf_demand, thigh_demand = column(arm, "calf.o2_demand_mL_per_min"), column(arm, "thigh.o2_demand_mL_per_min")
    # The calf rests: its demand stays at rest; the thigh works at 60 % of its own (small-mass) peak, 350 mL/min/kg
    # (Radegran 1999): demand per kg ~ 2.5 + 0.6 x 350.
    assert np.allclose(calf_demand[during], calf_demand[0], rtol=1e-3)
    thigh_kg = thigh_demand[0] / 2.5  # resting demand 2.5 mL/min/kg (vo2_rest_mL_per_min_per_kg)
    assert thigh_demand[during].mean() / thigh_kg == pytest.approx(2.5 + 0.6 * 350.0, rel=0.01)
    # The rest of the body (the pool's lumped working muscle) rests: no O2 debt; in whole-body exercise it works.
    debt = "working_muscle.o2_debt_mL"
    whole = next(iter(ms.simulate(knee_extension(), outputs=[debt])))
    alone = next(iter(ms.simulate(knee_extension(muscle_group="limb"), outputs=[debt])))
    assert np.ptp(column(alone, debt)) < 1e-9  # stays at its resting value
    assert column(whole, debt).max() > 1.0


def test_whole_body_exercise_has_the_whole_body_demand_per_kg() -> None:
    arm = next(iter(ms.simulate(knee_extension())))
    t = np.asarray(arm.t_s)
    d = column(arm, "thigh.o2_demand_mL_per_min")
    # 150 mL/min/kg per unit intensity in whole-body exercise (cardiac output caps muscle flow, Rowell).
    assert d[(t > 200.0) & (t < 240.0)].mean() / (d[0] / 2.5) == pytest.approx(2.5 + 0.6 * 150.0, rel=0.01)


def test_uptake_follows_demand_with_first_order_kinetics_and_flow_follows_uptake() -> None:
    """Phase II VO2 kinetics with the repayment time constant (30 s, Meyer 1988's first-order model), and
    exercise hyperaemia: perfusion rises with the demand and is back near rest minutes after."""
    arm = next(iter(ms.simulate(knee_extension(muscle_group="limb", working_segments=["thigh"]))))
    t = np.asarray(arm.t_s)
    vo2, dem = column(arm, "thigh.o2_uptake_mL_per_min"), column(arm, "thigh.o2_demand_mL_per_min")
    rest, peak = vo2[0], dem[(t > 100.0) & (t < 230.0)].mean()
    frac = (vo2 - rest) / (peak - rest)
    t63 = t[np.argmax(frac >= 1.0 - np.exp(-1.0))] - 60.0
    assert 20.0 <= t63 <= 45.0, f"time to 63 % of the VO2 rise: {t63} s"
    assert frac[(t > 220.0) & (t < 240.0)].min() > 0.95  # steady state reached: supply suffices at 60 %
    q = column(arm, "thigh.arterial_inflow_mL_per_min_per_100g")
    assert q[(t > 200.0) & (t < 240.0)].mean() > 20.0 * q[0]  # ~ demand / (CaO2 x extraction)
    assert q[np.searchsorted(t, 240.0 + 600.0 - 1.0)] < 2.0 * q[0]  # recovered within 10 min


def test_an_unknown_working_segment_is_refused_naming_the_segments() -> None:
    with pytest.raises(ms.InvalidArgument, match="'knee' is not a segment of the limb; expected one of: calf, thigh"):
        ms.simulate(knee_extension(muscle_group="limb", working_segments=["knee"]))
    with pytest.raises(ms.InvalidArgument, match="muscle_group"):
        ms.simulate(knee_extension(muscle_group="arm"))


@pytest.fixture(scope="module")
def default_run() -> ms.Result:
    """The default scenario, as `massagesim run` runs it, with the outputs issue 12's done-when reads."""
    outs = ["blood_lactate_mmol_per_L", "lactate_cell_mmol_per_L", "arterial_inflow_mL_per_min"]
    # Saved every second: on the scenario's own 5-s grid the blood-lactate peak (at ~2 min) moved by a grid point
    # with any small change and passed or failed the 2-min edge by that alone.
    total_s = sum(ph["duration_s"] for ph in ms.Scenario.default().to_dict()["protocol"])
    return ms.simulate(None, outputs=outs, t_eval=np.arange(0.0, total_s + 0.5, 1.0))


def exercise_end_s() -> float:
    """End of the default scenario's exercise phase, read from the scenario itself."""
    t = 0.0
    for ph in ms.Scenario.default().to_dict()["protocol"]:
        t += ph["duration_s"]
        if ph["kind"] == "exercise":
            return t
    raise AssertionError("the default scenario has no exercise phase")


PEAK_JUST_BEFORE_2_MIN = (
    "issue 12 (measured 2026-12-06 at 1-s resolution): the default scenario's blood lactate peaks 1.97 min "
    "(massage arm, 598 s) and 1.98 min (passive, 599 s) after its 3 min at 0.95 VO2max end, a few seconds before "
    "the window's 2 min (data ~3 min after hard bouts: Gupta 1996, Cotterrell 2005). On main before the outlets "
    "shut at wall contact (ce18588) it was 1.97 and 2.00 min: this test passed there because it read the scenario's "
    "5-s output grid (peak sample at 600 s). The model's peak comes ~1 min early after a moderate 3-min bout; "
    "Gupta's harder bouts peak at 3.17 min (target L2.peak_time, passes). Measured 2026-12-06 (stop 25): the peak "
    "is the end of the leg segments' post-exercise hyperaemia (their debt-driven dilation stays saturated, ~660 "
    "mL/min in the distal calf, until ~2.5 min, then falls to 114 within a minute; the limb's lactate efflux falls "
    "from 4.1 to 1.2 mmol/min with it) while the lumped working muscle's cell lactate (8.6 mmol/L at the end) is "
    "barely above the blood's. It moves into the window only once the lumped muscle's O2 supply limits it at 0.95 "
    "VO2max (0.03 L/min/kg x (1 + x_max) x 200 x 0.85 below a demand of ~145 mL/min/kg, x_max < 27): "
    "lactate_pool.vasodilator_max 40 / 35 / 30 / 23.3 (Rowell's whole-body cap, ~73 mL/min/100 g) gives 1.97 / "
    "1.98 / 2.10 / 3.08 min (peak 4.4 -> 7.2 mmol/L), but at 23.3 Gupta's bouts peak at 5.0 min (L2.peak_time "
    "band 2.1-3.9), L2.freund_g1 falls to 0.359 (band >= 0.413) and L10.k2_ratio to 1.197 (>= 1.204): no value "
    "of that parameter meets both, and the other lactate-pool parameters move the peak by < 0.3 min at +-25 %."
)


@pytest.mark.xfail(strict=True, reason=PEAK_JUST_BEFORE_2_MIN)
@pytest.mark.parametrize("arm_name", ["massage", "passive"])
def test_default_scenario_blood_lactate_peaks_2_to_5_min_after_exercise(default_run: ms.Result, arm_name: str) -> None:
    """Blood lactate peaks ~3 min after a hard bout (Gupta 1996 Int J Sports Med 17:106; Cotterrell 2005, physiology.md
    §3), and 3 min at 95 % VO2max leaves more than the rest value of 1.0 mmol/L (Menzies 2010): above the lactate
    threshold (Beneke 2000's MLSS 4.9 mmol/L at 0.75 VO2max, target E3)."""
    arm = default_run[arm_name]
    t, la = np.asarray(arm.t_s), column(arm, "blood_lactate_mmol_per_L")
    end = exercise_end_s()
    k = int(np.argmax(la))
    assert 2.0 <= (t[k] - end) / 60.0 <= 5.0
    assert la[k] > 2.0 * la[0]


def test_default_scenario_muscle_lactate_stays_physiological(default_run: ms.Result) -> None:
    """Muscle lactate after exhaustive exercise ~25-30 mmol/kg wet weight, ~35-45 mmol/L of cell water (physiology.md
    §3 [GK]): every segment's cell lactate stays at or below 45 mmol/L in both arms."""
    for arm in default_run:
        cells = [n for n in arm.output_names if n.endswith(".lactate_cell_mmol_per_L")]
        assert cells
        assert max(column(arm, n).max() for n in cells) <= 45.0


def test_default_scenario_calf_inflow_is_back_below_twice_rest_within_10_min(default_run: ms.Result) -> None:
    """Post-exercise hyperaemia decays over minutes (issue 12's done-when, passive arm)."""
    arm = default_run["passive"]
    t, q = np.asarray(arm.t_s), column(arm, "distal_calf.arterial_inflow_mL_per_min")
    end = exercise_end_s()
    rest = q[t < 290.0][-1]
    assert q[np.searchsorted(t, end + 600.0)] < 2.0 * rest


def cycling(**intensity: float) -> ms.Scenario:
    """One-segment calf, supine: 1 min rest, 2 min of a whole-body ride, 1 min of recovery."""
    return ms.Scenario.build(
        [ms.phase("rest", 60.0), ms.phase("exercise", 120.0, **intensity), ms.phase("passive_recovery", 60.0)],
        name="ride",
        limb={"segment_names": ["calf"], "segment_lengths_cm": [40.0]},
        outputs=["exercise_intensity", "blood_lactate_mmol_per_L"],
        save_every_s=5.0,
    )


def test_intensity_as_a_multiple_of_the_lactate_threshold_is_that_fraction_of_vo2max() -> None:
    """Issue 12 (intensity as a fraction of the lactate threshold): 1.2 x the threshold runs exactly as
    1.2 x production_threshold_intensity x VO2max (the parameter's default read from the catalogue, not
    written here), and a run-time override of the threshold moves the intensity with it."""
    thr = ms.parameters()["lactate_pool.production_threshold_intensity"]
    by_threshold = next(iter(ms.simulate(cycling(intensity_fraction_lactate_threshold=1.2))))
    by_vo2max = next(iter(ms.simulate(cycling(intensity_fraction_VO2max=1.2 * thr))))
    assert np.array_equal(by_threshold.values, by_vo2max.values)
    during = (np.asarray(by_threshold.t_s) > 60.0) & (np.asarray(by_threshold.t_s) < 180.0)
    assert column(by_threshold, "calf.exercise_intensity")[during] == pytest.approx(1.2 * thr)
    moved = next(
        iter(
            ms.simulate(
                cycling(intensity_fraction_lactate_threshold=1.2),
                parameters={"lactate_pool.production_threshold_intensity": 0.7},
            )
        )
    )
    assert column(moved, "calf.exercise_intensity")[during] == pytest.approx(1.2 * 0.7)


def test_intensity_is_given_once_and_checked_against_vo2max() -> None:
    with pytest.raises(ms.InvalidArgument, match="not both"):
        cycling(intensity_fraction_VO2max=0.8, intensity_fraction_lactate_threshold=1.2)
    with pytest.raises(ms.InvalidArgument, match="intensity_fraction_VO2max"):
        cycling()
    # 5 x the default threshold is past the 3 x VO2max of all-out sprints: refused, with the product.
    with pytest.raises(ms.InvalidArgument, match=r"x VO2max: expected at most 3"):
        cycling(intensity_fraction_lactate_threshold=5.0)


def test_intensity_in_watts_uses_the_acsm_cycling_cost_and_the_subjects_vo2max() -> None:
    """150 W for a 60-kg subject with VO2max 50 mL/min/kg runs exactly as (10.8 x 150 / 60 + 7) / 50 of VO2max
    (ACSM leg-cycling equation, docs/models.md); watts on the limb's muscles alone are refused."""

    def ride(**phase: object) -> ms.Scenario:
        return ms.Scenario.build(
            [ms.phase("rest", 60.0), ms.phase("exercise", 120.0, **phase), ms.phase("passive_recovery", 60.0)],
            name="ride_W",
            subject={"body_mass_kg": 60.0, "VO2max_mL_per_min_per_kg": 50.0},
            limb={"segment_names": ["calf"], "segment_lengths_cm": [40.0]},
            outputs=["exercise_intensity", "blood_lactate_mmol_per_L"],
            save_every_s=5.0,
        )

    by_watts = next(iter(ms.simulate(ride(intensity_W=150.0))))
    by_fraction = next(iter(ms.simulate(ride(intensity_fraction_VO2max=(10.8 * 150.0 / 60.0 + 7.0) / 50.0))))
    assert np.array_equal(by_watts.values, by_fraction.values)
    with pytest.raises(ms.InvalidArgument, match="whole-body effort"):
        ride(intensity_W=150.0, muscle_group="limb")
