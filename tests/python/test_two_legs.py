"""Two legs (issue 12, item 6) on the path users run: ``limb.sides`` in scenario dicts and files, a phase's
``sides``, and ``ms.simulate`` on the shipped scenario scenarios/two_legs_cycling_one_leg_massage.json.

Phases of the scenario: rest 0-300 s; two-leg cycling at 0.8 x VO2max with alternating contractions
300-600 s; effleurage 600-900 s and petrissage 900-1200 s of the left leg only; passive recovery to 2100 s.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import massagesim as ms
from massagesim import _core

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "two_legs_cycling_one_leg_massage.json"
LEG = {
    "segment_names": ["distal_calf", "proximal_calf", "distal_thigh", "proximal_thigh"],
    "segment_lengths_cm": [20.0, 20.0, 25.0, 25.0],
}


@pytest.fixture(scope="module")
def arm() -> ms.ArmTrace:
    result = ms.simulate(ms.Scenario.from_file(SCENARIO))
    assert result.ok
    return list(result)[0]


def window(arm: ms.ArmTrace, name: str, a_s: float, b_s: float) -> np.ndarray:
    t = np.asarray(arm.t_s)
    return np.asarray(arm.column(name))[(t >= a_s) & (t < b_s)]


def test_sides_name_the_segments_and_round_trip() -> None:
    sc = ms.Scenario.from_file(SCENARIO)
    assert sc.sides == ["left", "right"]
    assert sc.segment_names == [f"{s}_{n}" for s in ("left", "right") for n in LEG["segment_names"]]
    assert sc.segment_lengths_cm == LEG["segment_lengths_cm"] * 2
    d = sc.to_dict()
    assert d["limb"]["sides"] == ["left", "right"]
    assert [p.get("sides") for p in d["protocol"]] == [None, None, ["left"], ["left"], None]
    assert ms.Scenario.from_dict(d, "<again>").to_dict() == d
    # An override names one leg's segment; the other leg keeps the preset's mass.
    heavy = ms.Scenario.build(
        [ms.phase("rest", 60.0)], name="heavy", limb=dict(LEG, sides=["left", "right"]),
        parameters={"right_distal_calf.tissue_mass_g": 2500.0},
    )  # fmt: skip
    assert heavy.segment_masses_g == [2000.0, 2000.0, 2500.0, 2500.0, 2500.0, 2000.0, 2500.0, 2500.0]


def test_bad_sides_are_refused_with_what_is_allowed() -> None:
    two = dict(LEG, sides=["left", "right"])
    rest = ms.phase("rest", 60.0)
    massage = ms.phase("massage", 60.0, technique="effleurage", sides=["left"])
    with pytest.raises(ms.InvalidArgument, match=r"sides: 'left' is not a side of the limb; the limb has no sides"):
        ms.Scenario.build([rest, massage], name="x", limb=LEG)
    with pytest.raises(ms.InvalidArgument, match=r"sides: 'middle' is not a side of the limb; expected one of: left"):
        ms.Scenario.build([rest, dict(massage, sides=["middle"])], name="x", limb=two)
    with pytest.raises(ms.InvalidArgument, match=r"protocol\[0\]\.sides: a phase of kind rest acts on every limb"):
        ms.Scenario.build([dict(rest, sides=["left"])], name="x", limb=two)
    with pytest.raises(ms.InvalidArgument, match=r"limb\.sides\[1\]: duplicate side 'left'"):
        ms.Scenario.build([rest], name="x", limb=dict(LEG, sides=["left", "left"]))
    with pytest.raises(ms.InvalidArgument, match=r"limb\.sides: expected 1 \.\.\. 4 limb names"):
        ms.Scenario.build([rest], name="x", limb=dict(LEG, sides=[]))
    with pytest.raises(ms.InvalidArgument, match=r"working_segments: 'distal_calf' is not a segment of the limb; "
                       r"expected one of: left_distal_calf"):  # fmt: skip
        ms.Scenario.build(
            [ms.phase("exercise", 60.0, intensity_fraction_VO2max=0.5, working_segments=["distal_calf"])],
            name="x", limb=two,
        )  # fmt: skip
    with pytest.raises(ms.InvalidArgument, match=r"limb_offset_cycles: expected .* \[0, 1\), got 1"):
        ms.Scenario.build(
            [ms.phase("exercise", 60.0, intensity_fraction_VO2max=0.5, contractions={"limb_offset_cycles": 1.0})],
            name="x", limb=two,
        )  # fmt: skip


SEGMENTS = LEG["segment_names"]


def test_each_leg_gets_its_own_inputs_and_they_share_the_pool(arm: ms.ArmTrace) -> None:
    """Identical legs rest identically; the massage touches the left leg only; the contractions alternate; the
    central venous return is both legs' (exact identities of the composition, models/limb.hpp)."""
    for s in SEGMENTS:
        for q in ("arterial_inflow_mL_per_min", "venous_volume_mL", "lymph_flow_mL_per_min"):
            left, right = window(arm, f"left_{s}.{q}", 0.0, 300.0), window(arm, f"right_{s}.{q}", 0.0, 300.0)
            assert np.allclose(left, right, rtol=1e-9, atol=0.0), (s, q)
        assert np.asarray(arm.column(f"right_{s}.applied_pressure_mmHg")).max() == 0.0
    assert window(arm, "left_distal_calf.applied_pressure_mmHg", 600.0, 1200.0).max() == pytest.approx(60.0)
    assert window(arm, "left_distal_calf.applied_pressure_mmHg", 1200.0, 2101.0).max() == 0.0
    t = np.asarray(arm.t_s)
    both = np.asarray(arm.column("left_proximal_thigh.venous_outflow_mL_per_min")) + np.asarray(
        arm.column("right_proximal_thigh.venous_outflow_mL_per_min")
    )
    assert np.allclose(np.asarray(arm.column("central_venous_return_mL_per_min")), both, rtol=1e-12, atol=0.0)
    assert t[-1] == pytest.approx(2100.0)


def test_the_massaged_leg_against_its_control_leg(arm: ms.ArmTrace) -> None:
    """Massage empties the veins of the massaged leg and does not raise its blood flow above the control
    leg's (Shoemaker 1997 Med Sci Sports Exerc 29:610, physiology.md B1: limb flow unchanged by effleurage,
    petrissage or tapotement); the difference is gone within minutes of the end. Blood lactate, one pool for
    both legs, peaks 2-5 min after the cycling (physiology.md §3: ~3 min after exhaustive bouts, Gupta 1996)."""
    for a, b in ((600.0, 900.0), (900.0, 1200.0)):  # effleurage, petrissage
        vl = window(arm, "left_distal_calf.venous_volume_mL", a, b).mean()
        vr = window(arm, "right_distal_calf.venous_volume_mL", a, b).mean()
        assert vl < 0.9 * vr, (a, vl, vr)  # measured 75.1 vs 88.6 and 25.9 vs 67.5 mL
        ql = window(arm, "left_distal_calf.arterial_inflow_mL_per_min", a, b).mean()
        qr = window(arm, "right_distal_calf.arterial_inflow_mL_per_min", a, b).mean()
        assert ql <= qr, (a, ql, qr)  # measured 532 vs 569 and 50 vs 123 mL/min
    for s in SEGMENTS:
        ql = window(arm, f"left_{s}.arterial_inflow_mL_per_min", 1800.0, 2101.0).mean()
        qr = window(arm, f"right_{s}.arterial_inflow_mL_per_min", 1800.0, 2101.0).mean()
        assert ql == pytest.approx(qr, rel=0.05), s  # distal calf measured 118.2 vs 116.1 mL/min
    la = np.asarray(arm.column("blood_lactate_mmol_per_L"))
    t = np.asarray(arm.t_s)
    after_min = (t[int(np.argmax(la))] - 600.0) / 60.0
    assert 2.0 <= after_min <= 5.0, after_min  # measured 2.4 min, 10.6 mmol/L


def test_legs_alternate_their_contractions() -> None:
    """Two-leg cycling at 60/min, duty 0.4: each leg's half-sine contraction (Magosso & Ursino 2002), the right
    half a cycle behind the left (limb_offset_cycles 0.5), so one leg refills while the other contracts; 0 makes
    them contract together."""
    pump = {"cadence_per_min": 60.0, "duty_cycle": 0.4, "pressure_mmHg": 87.0}

    def pressures(offset: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        sc = ms.Scenario.build(
            [ms.phase("rest", 10.0), ms.phase("exercise", 10.0, intensity_fraction_VO2max=0.6,
                                               contractions=dict(pump, limb_offset_cycles=offset))],
            name="alternate", limb=dict(LEG, sides=["left", "right"]),
            outputs=["contraction_pressure_mmHg"], save_every_s=0.05,
        )  # fmt: skip
        a = list(ms.simulate(sc))[0]
        t = np.asarray(a.t_s)
        return (
            t,
            np.asarray(a.column("left_distal_calf.contraction_pressure_mmHg")),
            np.asarray(a.column("right_distal_calf.contraction_pressure_mmHg")),
        )

    t, left, right = pressures(0.5)
    c = (t - 10.0) % 1.0  # time into the left leg's cycle
    work = t >= 10.0
    expect_left = np.where(c < 0.4, 87.0 * np.sin(np.pi * c / 0.4), 0.0)
    cr = (t - 10.5) % 1.0
    expect_right = np.where((t >= 10.5) & (cr < 0.4), 87.0 * np.sin(np.pi * cr / 0.4), 0.0)
    assert np.allclose(left[work], expect_left[work], atol=1e-6)
    assert np.allclose(right[work], expect_right[work], atol=1e-6)
    assert not ((left > 0.0) & (right > 0.0)).any()  # never both at once
    t0, left0, right0 = pressures(0.0)
    assert np.array_equal(left0, right0) and left0.max() > 80.0


def test_legs_whose_contractions_meet_run() -> None:
    """Legal input runs: duty 0.5 with the legs half a cycle apart makes one leg's contraction end the other's
    begin, the same instant computed twice with different roundings (an ulp apart); the solver once took a 0-s
    step there (step_size_underflow; found by the random envelope survey, draw 77 of seed 12)."""
    sc = ms.Scenario.build(
        [ms.phase("rest", 5.5), ms.phase("exercise", 6.4, intensity_fraction_VO2max=2.93, muscle_group="limb",
                                         contractions={"cadence_per_min": 118.1, "duty_cycle": 0.5,
                                                       "pressure_mmHg": 55.2}),
         ms.phase("passive_recovery", 35.6)],
        name="meeting", limb={"segment_names": ["s0"], "segment_lengths_cm": [31.7], "sides": ["left", "right"]},
        subject={"preset": "default_forearm", "initial_posture": "limb_raised"},
    )  # fmt: skip
    result = ms.simulate(sc, throw_on_failure=False)
    assert [a.status for a in result] == ["success"], [a.message for a in result]


RAISED = ROOT / "scenarios" / "one_leg_raised.json"


def rest_of(subject: dict, lengths_cm: list[float] | None = None) -> ms.ArmTrace:
    """A 60-s rest of two legs starting as `subject` places them (nothing changes: their resting state)."""
    limb = dict(LEG, sides=["left", "right"])
    if lengths_cm is not None:
        limb = {"segment_names": [f"s{i}" for i in range(len(lengths_cm))], "segment_lengths_cm": lengths_cm,
                "sides": ["left", "right"]}  # fmt: skip
    sc = ms.Scenario.build(
        [ms.phase("rest", 60.0)], name="rest", limb=limb, subject=subject,
        outputs=["venous_volume_mL", "arterial_inflow_mL_per_min", "interstitial_volume_mL", "height_above_heart_cm"],
    )  # fmt: skip
    result = ms.simulate(sc)
    assert result.ok
    return list(result)[0]


def test_each_leg_rests_as_its_own_posture_places_it() -> None:
    """``subject.initial_posture_by_side``: a leg raised beside a lying one rests as a raised leg beside a raised
    one, and the lying leg as a lying one; the legs share only the pool (whose resting lactate the raised leg's
    flow barely moves), so each leg's resting state is its posture's (models/limb.hpp's composition)."""
    mixed = rest_of({"initial_posture": "supine", "initial_posture_by_side": {"right": "limb_raised"}})
    lying = rest_of({"initial_posture": "supine"})
    raised = rest_of({"initial_posture": "limb_raised"})
    for s in SEGMENTS:
        for q in ("venous_volume_mL", "arterial_inflow_mL_per_min", "interstitial_volume_mL"):
            left, right = mixed.column(f"left_{s}.{q}")[0], mixed.column(f"right_{s}.{q}")[0]
            assert left == pytest.approx(lying.column(f"left_{s}.{q}")[0], rel=1e-6), (s, q)
            assert right == pytest.approx(raised.column(f"right_{s}.{q}")[0], rel=1e-6), (s, q)
        assert mixed.column(f"left_{s}.height_above_heart_cm")[0] == 0.0
        assert mixed.column(f"right_{s}.height_above_heart_cm")[0] > 0.0
    # The check can fail: raising empties the veins (hydrostatics), so the two postures differ.
    assert (
        raised.column("right_distal_calf.venous_volume_mL")[0]
        < 0.9 * lying.column("right_distal_calf.venous_volume_mL")[0]
    )


@pytest.mark.parametrize("posture", [name for name, _ in _core.posture_catalogue()])
def test_every_pair_of_side_postures_finds_its_resting_state(posture: str) -> None:
    """Issue 12 item 3 (every legal posture finds its rest), with the legs in different postures: the left leg
    in `posture`, the right in each posture in turn, on a two-segment limb of the longest segments (40 cm)."""
    for other, _ in _core.posture_catalogue():
        trace = rest_of({"initial_posture": posture, "initial_posture_by_side": {"right": other}}, [40.0, 40.0])
        assert np.isfinite(trace.column("left_s0.venous_volume_mL")).all(), other


def test_a_posture_change_moves_the_legs_it_names(arm_raised: ms.ArmTrace) -> None:
    """scenarios/one_leg_raised.json: the right leg is raised 300-900 s, the left lies throughout. Only the right
    leg's heights change; its veins empty and refill; the left leg stays at rest."""
    a = arm_raised
    for s in SEGMENTS:
        assert np.asarray(a.column(f"left_{s}.height_above_heart_cm")).max() == 0.0
        assert np.asarray(a.column(f"left_{s}.height_above_heart_cm")).min() == 0.0
        h = window(a, f"right_{s}.height_above_heart_cm", 300.0, 900.0)
        assert h.min() > 0.0 and h.max() == h.min(), s
        assert window(a, f"right_{s}.height_above_heart_cm", 900.0, 1501.0).max() == 0.0
        left = np.asarray(a.column(f"left_{s}.venous_volume_mL"))
        assert np.ptp(left) <= 1e-3 * left.mean(), s  # the control leg does not move
    vr = window(a, "right_distal_calf.venous_volume_mL", 850.0, 900.0).mean()
    vl = window(a, "left_distal_calf.venous_volume_mL", 850.0, 900.0).mean()
    assert vr < 0.9 * vl, (vr, vl)
    # Raising sends the leg's blood toward the heart, then the return settles back to the inflow.
    cvr = window(a, "central_venous_return_mL_per_min", 300.0, 330.0).max()
    assert cvr > window(a, "central_venous_return_mL_per_min", 0.0, 300.0).mean()
    end_r = window(a, "right_distal_calf.venous_volume_mL", 1450.0, 1501.0).mean()
    end_l = window(a, "left_distal_calf.venous_volume_mL", 1450.0, 1501.0).mean()
    assert end_r == pytest.approx(end_l, rel=0.02)  # refilled within 10 min of lowering


@pytest.mark.xfail(
    strict=True,
    reason="raising the leg lowers the distal calf's arterial pressure by rho g h (93 -> 62 mmHg at its 40 cm) while "
    "its veins, held up by the tissue pressure (4.2 mmHg), fall only 7.5 -> 3.7 mmHg, so the perfusion pressure "
    "falls 32 %; the myogenic dilation (the only local response to the lower transmural pressure) raises the "
    "conductance 17 % (factor 1.02 -> 1.20), so the inflow falls 23 % (65.1 -> 49.9 mL/min); the data rise. "
    "Missing: the posture-dependent local control the R1 and B4 rows also lack (issue 13: veno-arteriolar reflex, "
    "rapid dilation)",
)
def test_raising_a_leg_raises_its_calf_flow(arm_raised: ms.ArmTrace) -> None:
    """Corrigan 2008 Artery Res 2:44 (n = 26, semi-supine, constant MSNA and arterial pressure): raising the calf
    to 40 deg above horizontal raised its blood flow by 23 +/- 4.7 %; graded in 10 subjects, +13 +/- 5.9 % at 22 deg
    and +37 +/- 5.9 % at 40 deg. Here the right leg is raised 30 deg from the hip (limb_raised), the left lying is
    the control: the raised distal calf's inflow should exceed the lying one's by at least the 22-deg rise's lower
    bound (13 - 5.9 = 7 %)."""
    q_raised = window(arm_raised, "right_distal_calf.arterial_inflow_mL_per_min", 850.0, 900.0).mean()
    q_lying = window(arm_raised, "left_distal_calf.arterial_inflow_mL_per_min", 850.0, 900.0).mean()
    assert q_raised / q_lying >= 1.07, (q_raised, q_lying)  # measured 49.9 vs 65.1 mL/min (0.77)


@pytest.fixture(scope="module")
def arm_raised() -> ms.ArmTrace:
    result = ms.simulate(ms.Scenario.from_file(RAISED))
    assert result.ok
    return list(result)[0]


def test_bad_side_postures_are_refused_with_what_is_allowed() -> None:
    two = dict(LEG, sides=["left", "right"])
    rest = ms.phase("rest", 60.0)
    with pytest.raises(ms.InvalidArgument, match=r"subject\.initial_posture_by_side: 'right' is not a side of the "
                       r"limb; the limb has no sides"):  # fmt: skip
        ms.Scenario.build([rest], name="x", limb=LEG, subject={"initial_posture_by_side": {"right": "limb_raised"}})
    with pytest.raises(ms.UnknownName, match=r"subject\.initial_posture_by_side\.right: unknown posture 'up'"):
        ms.Scenario.build([rest], name="x", limb=two, subject={"initial_posture_by_side": {"right": "up"}})
    with pytest.raises(ms.InvalidArgument, match=r"subject\.initial_posture_by_side: expected an object"):
        ms.Scenario.build([rest], name="x", limb=two, subject={"initial_posture_by_side": ["limb_raised"]})
    with pytest.raises(ms.InvalidArgument, match=r"with at least one side .*omit the field when every side starts"):
        ms.Scenario.build([rest], name="x", limb=two, subject={"initial_posture_by_side": {}})
    with pytest.raises(ms.InvalidArgument, match=r"protocol\[1\] \(posture_change\): sides: 'middle' is not a side"):
        ms.Scenario.build([rest, ms.phase("posture_change", 0.0, posture="seated", sides=["middle"])], name="x",
                          limb=two)  # fmt: skip
    # A round trip keeps both.
    sc = ms.Scenario.build(
        [rest, ms.phase("posture_change", 10.0, posture="seated", sides=["left"])], name="x", limb=two,
        subject={"initial_posture_by_side": {"right": "limb_raised"}},
    )  # fmt: skip
    d = sc.to_dict()
    assert d["subject"]["initial_posture_by_side"] == {"right": "limb_raised"}
    assert d["protocol"][1]["sides"] == ["left"]
    assert ms.Scenario.from_dict(d, "<again>").to_dict() == d
