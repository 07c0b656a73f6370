"""The physiological envelope over random protocols (issue 12, item 7): N (default 200) protocols drawn with a
fixed seed from the scenario space run through the user path (``ms.simulate``, every output, the scenario's
default stepper), each must find its resting state, and every state and output must stay inside its bound
(``_core.output_bounds()``, per kg of segment tissue where it has one; docs/models.md "Physiological
envelope").

The space drawn (scenarios/*.json, schemas/scenario.schema.json, ``ms.phase``): preset (calf, forearm); every
posture of ``_core.posture_catalogue()``; a limb of 1-8 segments of 5-40 cm whose total stays a limb's (<= 100
cm hip to sole, limb.hpp; a longer one is legal input but no body, and its hydrostatic columns would leave any
physiological bound); a rest, then 1-3 phases of exercise (whole body or this limb's muscles, all or some
segments, steady or with rhythmic contractions), active recovery, massage (every technique), compression
(sequential chambers, occlusion cuff on any segment), passive recovery, rest or a posture change, then a
passive recovery; a quarter of the draws have two legs (``limb.sides`` left and right, the same segments) and
half of their exercise, active-recovery, massage and compression phases act on one side only (``sides``; drawn
from a second random stream seeded by the draw itself, so the other fields are those of the one-limb draw); a tenth
prescribe one middle phase's muscle flow at 0.5-1.5 of the model's (``muscle_flow_multiplier``; a third stream).
Efforts are ones a person can hold: up to VO2max for a phase; above it a Wingate (<= 30 s at
<= 2.2 x VO2max, Cotterrell 2005) or a sprint (<= 10 s up to 3 x, Beneke 2007); contractions up to a maximal
one's intramuscular pressure (87 mmHg, physiology.md 3). Phases last 10-40 s so the
whole survey takes a few minutes on 2 cores.

A violation a known model defect explains (``KNOWN_CAUSES``: its measured reason and which draws it matches)
is not a failure of ``test_random_protocols_stay_inside_the_envelope``; each known cause has its own strict
expected failure (``test_known_cause_is_gone``), so once the model is fixed it XPASSes and its mark (and its
entry) goes. Bounds are never loosened to pass.

Measured 2026-12-07 after lymphangions collapse as softly as veins (collector_collapse_stiffness_mmHg 2; seed 12,
200 draws): 0 failed, 114 inside (63 before), 86 outside, 0 unexplained; collapsed vessels 13 draws (75): a raised
limb's downstream venous pressure (11) and initial lymphatics (2), no lymphangion below -10 mmHg; seed 31: 0
failed, 100 inside (50), 0 unexplained, collapsed vessels 11 draws, all downstream venous pressure. Then with the
downstream venous pressure reported as the collapsed vein's lumen pressure (the waterfall): seed 12, 125 inside,
collapsed vessels 2 draws (initial lymphatics); seed 31, 111 inside, none. Then with the inflow judged on its
beat mean (test_envelope.BEAT_MEAN): seed 12, 125 inside, the load surge in 1 draw (2), pressures only; seed 31,
113 inside (111), no contraction swing (1).
Measured 2026-12-06 after the myogenic sensor reads a collapsed arteriole as unstretched (seed 12, 200 draws): 0
failed, 63 inside (61 before), 137 outside, 0 unexplained; the loaded myogenic cause (15 draws, down to -145
mmHg) is gone and its entry with it; seed 31: 0 failed, 50 inside, 0 unexplained (14 draws had it before).
Measured 2026-12-06 after the outlets of veins and lymphangions shut where their walls touch (seed 12, 200
draws): 0 failed, 61 inside (40 before; 48 with the veins' alone), 139 outside, 0 unexplained; collapsed vessels
75 draws (127; 115), lymphangions down to -16 mmHg, initial lymphatics to -96, a raised limb's downstream venous
pressure to -17; the other causes as below.
Measured 2026-12-06 with two legs in the space (40 of the 200 draws, 33 phases on one side): the same counts as
below; before the solver merged discontinuities an ulp apart, one two-leg draw (a forearm pair, 2.93 x VO2max with
contractions of duty 0.5 alternating by half a cycle: one leg's contraction end is the other's begin) stopped with
a 0-s step (step_size_underflow), legal input that must run.
Measured 2026-12-05 (main 39962bd + this branch; seed 12, 200 draws; ``python tests/python/test_envelope_random.py``):
every draw found its resting state and ran (0 failed); 40 stayed inside the envelope; 160 left it, every
violation explained by a known cause (draws per cause; a draw may show several): collapsed vessels 127 (lymph
pressures down to -202, veins to -213 mmHg), dependent limbs' interstitial pressure 73 (seated, standing, limb
lowered: P_i up to 79 mmHg, at most 268 mL/kg of interstitial fluid), loaded myogenic state 15 (down to -145
mmHg), arterial surge under a load 2 (up to 2544 mL/min/100 g). Before the interstitium stiffened beyond its soft
range (755cef8): 28 inside; dependent oedema in 92 draws, up to 8003 mL/kg. Wall time ~230-290 s on a loaded 2-core machine with 2 threads (load average
~5-8). Seed 13, 100 draws (contractions then up to 150 mmHg): 0 failed, 12 inside, 88 outside, one draw also
by a cause seed 12 does not draw (sprint lactate: 55 mmol/L after a Wingate-like 2.17 x VO2max). Long mode
(``MASSAGESIM_ENVELOPE_LONG=1``, 12 draws, contractions up to 150 mmHg): 0 failed, 0 inside, one unexplained:
O2 debt 371 mL/kg (bound 300) after 225 s of active recovery at 0.72 x VO2max with 135-mmHg contractions (above
a maximal one's 87 mmHg, since capped).

Environment: ``MASSAGESIM_ENVELOPE_N`` (draws, default 200), ``MASSAGESIM_ENVELOPE_SEED`` (default 12),
``MASSAGESIM_ENVELOPE_LONG=1`` (phases of 30-300 s and limbs of up to 20 segments: a longer run, ~10x),
``MASSAGESIM_ENVELOPE_THREADS`` (default 2; the runs release the GIL).
Run as a script to print the survey grouped by cause:

    python tests/python/test_envelope_random.py [N] [SEED]
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import massagesim as ms
from massagesim import _core

sys.path.insert(0, os.path.dirname(__file__))
from test_envelope import Violation, violations  # noqa: E402


LONG = os.environ.get("MASSAGESIM_ENVELOPE_LONG", "0") == "1"
N = int(os.environ.get("MASSAGESIM_ENVELOPE_N", "200"))
SEED = int(os.environ.get("MASSAGESIM_ENVELOPE_SEED", "12"))
#: The causes' numbers were measured on the default survey; another draw may miss a cause (then not strict).
MEASURED = (N, SEED, LONG) == (200, 12, False)
THREADS = max(1, int(os.environ.get("MASSAGESIM_ENVELOPE_THREADS", "2")))
PHASE_S = (30.0, 300.0) if LONG else (10.0, 40.0)
MAX_SEGMENTS = 20 if LONG else 8
#: Hip to sole ~90-100 cm (limb.hpp, [GK]).
MAX_LIMB_CM = 100.0
PRESETS = ["default_calf", "default_forearm"]
POSTURES = [name for name, _ in _core.posture_catalogue()]
MASSAGE = ["static_compression", "effleurage", "petrissage", "tapotement", "deep_friction"]


def _pressure(rng: random.Random, hi: float = 400.0) -> float:
    """A pressure of the schema's range, mostly in the manual range (60-120 mmHg, Olszewski; physiology.md 3)."""
    return round(rng.uniform(10.0, 150.0) if rng.random() < 0.8 else rng.uniform(150.0, hi), 1)


def _limb(rng: random.Random) -> list[float]:
    n = rng.randint(1, MAX_SEGMENTS)
    lengths = [rng.uniform(5.0, 40.0) for _ in range(n)]
    total = sum(lengths)
    if total > MAX_LIMB_CM:  # shrink toward 5 cm, keeping each >= 5 cm
        k = (MAX_LIMB_CM - 5.0 * n) / (total - 5.0 * n)
        lengths = [5.0 + (x - 5.0) * k for x in lengths]
    return [round(x, 1) for x in lengths]


def _effort(rng: random.Random, kind: str, names: list[str]) -> dict[str, Any]:
    if kind == "active_recovery":
        fields: dict[str, Any] = {"intensity_fraction_VO2max": round(rng.uniform(0.1, 1.0), 2)}
        d = rng.uniform(*PHASE_S)
    else:
        r = rng.random()
        if r < 0.6:
            fields = {"intensity_fraction_VO2max": round(rng.uniform(0.1, 1.0), 2)}
            d = rng.uniform(*PHASE_S)
        elif r < 0.85:  # Wingate-like
            fields = {"intensity_fraction_VO2max": round(rng.uniform(1.0, 2.2), 2)}
            d = rng.uniform(5.0, 30.0)
        else:  # sprint
            fields = {"intensity_fraction_VO2max": round(rng.uniform(2.2, 3.0), 2)}
            d = rng.uniform(3.0, 10.0)
    if rng.random() < 0.5:
        fields["muscle_group"] = "limb"
    if len(names) > 1 and rng.random() < 0.5:
        fields["working_segments"] = rng.sample(names, rng.randint(1, len(names)))
    if rng.random() < 0.5:
        fields["contractions"] = {
            "cadence_per_min": round(rng.uniform(20.0, 120.0), 1),
            "duty_cycle": round(rng.uniform(0.2, 0.7), 2),
            # up to a maximal contraction's intramuscular pressure, 87 mmHg (118 cmH2O; physiology.md 3)
            "pressure_mmHg": round(rng.uniform(20.0, 87.0), 1),
        }
    return ms.phase(kind, round(d, 1), **fields)


def _site(rng: random.Random, limb_cm: float, min_cm: float) -> tuple[float, float]:
    """A treated site [from_cm, to_cm] at least ``min_cm`` long, inside the limb (rounded down to 0.1 cm: the
    limb's length is a sum of rounded lengths)."""
    end = math.floor((limb_cm - 0.05) * 10.0) / 10.0
    a = math.floor(rng.uniform(0.0, end - min_cm) * 10.0) / 10.0
    b = math.floor(rng.uniform(a + min_cm, end) * 10.0) / 10.0
    return a, max(b, a + min_cm)


def _massage(rng: random.Random, limb_cm: float) -> dict[str, Any]:
    t = rng.choice(MASSAGE)
    d = round(rng.uniform(*PHASE_S), 1)
    a, b = _site(rng, limb_cm, 1.0)
    site = {"from_cm": a, "to_cm": b}
    if t == "static_compression":
        return ms.phase("massage", d, technique=t, pressure_mmHg=_pressure(rng), **site)
    if t == "effleurage":
        # A stroke needs room: the contact patch shorter than the site, each ramp <= half the stroke (schema
        # checks of protocols/techniques.hpp).
        a, b = _site(rng, limb_cm, 4.0)
        speed = round(rng.uniform(1.0, 20.0), 1)
        contact = round(rng.uniform(1.0, (b - a) * 0.5), 1)
        ramp = round(min(0.5, (b - a - contact) / speed / 2.0 * 0.9), 3)
        return ms.phase(
            "massage",
            d,
            technique=t,
            pressure_mmHg=_pressure(rng),
            speed_cm_per_s=speed,
            direction=rng.choice(["toward_heart", "away_from_heart"]),
            contact_length_cm=contact,
            ramp_s=ramp,
            from_cm=a,
            to_cm=b,
        )
    if t == "petrissage":
        baseline = round(rng.uniform(0.0, 30.0), 1)
        return ms.phase(
            "massage",
            d,
            technique=t,
            depth_mmHg=_pressure(rng, 400.0 - baseline),  # depth + baseline <= 400 mmHg (schema)
            baseline_mmHg=baseline,
            rate_Hz=round(rng.uniform(0.2, 2.0), 2),
            **site,
        )
    if t == "tapotement":
        return ms.phase(
            "massage", d, technique=t, pressure_mmHg=_pressure(rng), rate_Hz=round(rng.uniform(2.0, 10.0), 1), **site
        )
    return ms.phase(
        "massage",
        d,
        technique=t,
        pressure_mmHg=_pressure(rng),
        rate_Hz=round(rng.uniform(0.5, 3.0), 2),
        site_centre_cm=round(rng.uniform(1.0, limb_cm - 1.0), 1),
    )


def _compression(rng: random.Random, n: int) -> dict[str, Any]:
    d = round(rng.uniform(*PHASE_S), 1)
    if rng.random() < 0.5:
        k = rng.randint(1, n)
        first = rng.randint(0, n - k)
        return ms.phase(
            "compression",
            d,
            technique="sequential_compression",
            chamber_pressures_mmHg=[round(rng.uniform(20.0, 120.0), 1) for _ in range(k)],
            first_segment=first,
        )
    # Venous occlusion 40-60 mmHg, arterial above systolic (issue 12, item 4), anything between.
    return ms.phase(
        "compression",
        d,
        technique="occlusion_cuff",
        pressure_mmHg=round(rng.uniform(30.0, 300.0), 1),
        segment=rng.choice([-1, rng.randint(0, n - 1)]),
        inflation_s=0.5,
        hold_s=max(d - 1.0, 0.0),
        deflation_s=0.0,
    )


def draw(rng: random.Random) -> dict[str, Any]:
    """One scenario (as a dict for ``ms.Scenario.from_dict``) from the space the module docstring describes."""
    lengths = _limb(rng)
    names = [f"s{i}" for i in range(len(lengths))]
    phases = [ms.phase("rest", round(rng.uniform(5.0, 20.0), 1))]
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["exercise", "exercise", "active_recovery", "massage", "massage", "compression",
                           "compression", "passive_recovery", "rest", "posture_change"])  # fmt: skip
        if kind in ("exercise", "active_recovery"):
            phases.append(_effort(rng, kind, names))
        elif kind == "massage":
            phases.append(_massage(rng, sum(lengths)))
        elif kind == "compression":
            phases.append(_compression(rng, len(lengths)))
        elif kind == "posture_change":
            phases.append(ms.phase("posture_change", 0.0, posture=rng.choice(POSTURES)))
        else:
            phases.append(ms.phase(kind, round(rng.uniform(*PHASE_S), 1)))
    phases.append(ms.phase("passive_recovery", round(rng.uniform(*PHASE_S), 1)))
    case = {
        "format_version": 1,
        "name": "envelope_draw",
        "subject": {"preset": rng.choice(PRESETS), "initial_posture": rng.choice(POSTURES)},
        "limb": {"segment_names": names, "segment_lengths_cm": lengths},
        "protocol": phases,
        "outputs": {"names": [], "save_every_s": 1.0},
    }
    case = _two_legs(random.Random("sides:" + json.dumps(case, sort_keys=True)), case)
    return _flow_multiplier(random.Random("flow:" + json.dumps(case, sort_keys=True)), case)


def _flow_multiplier(rng: random.Random, case: dict[str, Any]) -> dict[str, Any]:
    """A tenth of the draws prescribe one middle phase's muscle flow at 0.5-1.5 of the model's (the phase field
    ``muscle_flow_multiplier``: a sensitivity input; Wiltshire 2010's massage 0.76), from its own stream so the
    other fields are those of the draw without it."""
    if rng.random() >= 0.1:
        return case
    middle = [p for p in case["protocol"][1:-1] if p["duration_s"] > 0.0]
    if middle:
        rng.choice(middle)["muscle_flow_multiplier"] = round(rng.uniform(0.5, 1.5), 2)
    return case


SIDES = ["left", "right"]


def _two_legs(rng: random.Random, case: dict[str, Any]) -> dict[str, Any]:
    """A quarter of the draws as two legs (issue 12 item 6): phases that can act on one side do so half the time;
    working segments get a side each."""
    if rng.random() >= 0.25:
        return case
    case["limb"]["sides"] = list(SIDES)
    for p in case["protocol"]:
        if p["kind"] in ("exercise", "active_recovery", "massage", "compression") and rng.random() < 0.5:
            p["sides"] = [rng.choice(SIDES)]
        if "working_segments" in p:
            p["working_segments"] = [f"{rng.choice(SIDES)}_{n}" for n in p["working_segments"]]
    return case


# --- known causes -------------------------------------------------------------------------------------------


@dataclass
class Cause:
    """A model defect that explains some violations, measured; ``matches(case, violation)`` says which."""

    id: str
    reason: str
    matches: Callable[[dict[str, Any], Violation], bool]
    #: False for a cause the default survey (seed 12) does not draw: its expected failure cannot be strict there.
    in_default_survey: bool = True


DEPENDENT = {"seated", "standing", "limb_lowered"}


def postures(case: dict[str, Any]) -> set[str]:
    """Every posture a draw takes (initial and changes)."""
    out = {case["subject"]["initial_posture"]}
    return out | {p["posture"] for p in case["protocol"] if p["kind"] == "posture_change"}


def loaded(case: dict[str, Any]) -> bool:
    """A massage or compression phase (an external load on the skin)."""
    return any(p["kind"] in ("massage", "compression") for p in case["protocol"])


def contracting(case: dict[str, Any]) -> bool:
    """An effort with rhythmic contractions (the muscle pump)."""
    return any("contractions" in p for p in case["protocol"])


def below(v: Violation) -> bool:
    """Only the lower bound is crossed."""
    return v.v_min < v.lo and not v.v_max > v.hi


def above(v: Violation) -> bool:
    return v.v_max > v.hi and not v.v_min < v.lo


ARTERIAL_SIDE = {
    "arterial_inflow_mL_per_min",
    "arterial_inflow_mL_per_min_per_100g",
    "arteriolar_flow_mL_per_min",
    "arterial_compartment_pressure_mmHg",
    "capillary_pressure_mmHg",
}

#: Measured groups of the survey (seed 12, 200 draws, 2026-12-05 on main 755cef8; numbers in each reason), most
#: specific first. A violation none of them matches fails test_random_protocols_stay_inside_the_envelope.
KNOWN_CAUSES: list[Cause] = [
    Cause(
        "dependent_interstitial_pressure",
        "issue 12 (postures): a limb below the heart (seated, standing, limb lowered) filters at a capillary "
        "pressure near its venous pressure until its interstitial pressure balances it: P_i 15.3-78.8 mmHg (bound "
        "15 mmHg), and at most 268 mL/kg of interstitial fluid (bound 250 mL/kg); 73 of 200 draws. Before the "
        "interstitium stiffened beyond its soft range (39962bd): 268-8003 mL/kg, up to 23.2 L in one segment, 92 "
        "draws. The pressure needs the missing veno-arteriolar reflex (issue 13; target P7).",
        lambda c, v: (
            bool(postures(c) & DEPENDENT)
            and v.name in {"interstitial_volume_mL", "interstitial_compliance_pressure_mmHg"}
            and above(v)
        ),
    ),
    Cause(
        "collapsed_vessels",
        "issue 12 (test_envelope.COLLAPSED_LYMPHATICS; 2026-12-07): initial lymphatics squeezed empty through the "
        "secondary valve, down to -78.3 mmHg (2 of 200 draws; bound -10 mmHg). Gone from this group: lymphangions "
        "(collapse as softly as veins since collector_collapse_stiffness_mmHg 2; before, 56 draws down to -16) and a "
        "raised limb's downstream venous pressure (reported as the collapsed vein's lumen pressure, the waterfall, "
        "not CVP minus the column; before, 11 draws down to -17): 75 draws in this group before both. Before the "
        "outlets shut at wall contact: 127 draws, lymph down to -202, veins to -213.",
        # Only what the reason names: a vein or lymphangion below -10 mmHg again is a new, unexplained violation.
        lambda c, v: v.name == "initial_lymph_pressure_mmHg" and below(v),
    ),
    Cause(
        "load_arterial_surge",
        "issue 12 (cuffs; test_envelope.ARTERIAL_SURGE): the sample saved at the instant a load comes off reads "
        "the released segment's arterial and capillary pressure at -13.7 mmHg (1 of 200 draws; seed 31: 2 draws, "
        "down to -21.0; bound -10). Its inflow surge (up to 43040 mL/min, 2544 mL/min/100 g at the instant) is over "
        "within a heartbeat and is judged on its beat mean since 2026-12-07 (test_envelope.BEAT_MEAN): inside.",
        lambda c, v: loaded(c) and v.name in ARTERIAL_SIDE,
    ),
    Cause(
        "contraction_swings",
        "issue 12 (muscle pump): within a cycle of rhythmic contractions the feed-artery inflow swings past the "
        "bound and back: -141 to 520 mL/min/100 g (active recovery at 0.81 x VO2max, contractions of 136 mmHg, "
        "above a maximal one's 87, at 20/min: an earlier draw range; the default survey draws none, so not "
        "strict). Radegran's 373 mL/min/100 g is a mean over contraction cycles; the check averages the inflow over "
        "a heartbeat (1 s, test_envelope.BEAT_MEAN; seed 31's one draw, 460 at an instant, is inside on it), not "
        "yet over a contraction cycle; backflow during a contraction has no published bound.",
        lambda c, v: (
            contracting(c)
            and not loaded(c)
            and v.name in {"arterial_inflow_mL_per_min", "arterial_inflow_mL_per_min_per_100g"}
        ),
        in_default_survey=False,
    ),
    Cause(
        "sprint_lactate",
        "issue 12 (target E2, test_envelope.py SPRINT_LACTATE): after a Wingate-like effort muscle-cell lactate "
        "passes 45 mmol/L (MCT-limited efflux): 55 mmol/L after <= 30 s at 2.17 x VO2max (seed 13: 1 of 100 "
        "draws, measured before the acidosis brake on the segments' glycolysis; the lactate pool's lumped muscle "
        "has no brake; seed 12 draws none, so not strict there; the shipped Wingate scenario's mark is).",
        lambda c, v: (
            any(p.get("intensity_fraction_VO2max", 0.0) > 1.0 for p in c["protocol"])
            and v.name.endswith("lactate_cell_mmol_per_L")
            and above(v)
        ),
        in_default_survey=False,
    ),
]


# --- the survey ---------------------------------------------------------------------------------------------


@dataclass
class Draw:
    index: int
    case: dict[str, Any]
    error: str = ""  # the run did not start or did not finish
    found: list[Violation] = field(default_factory=list)
    wall_s: float = 0.0

    def unexplained(self) -> list[Violation]:
        return [v for v in self.found if not any(c.matches(self.case, v) for c in KNOWN_CAUSES)]


def run(index: int, case: dict[str, Any]) -> Draw:
    d = Draw(index, case)
    t0 = time.perf_counter()
    try:
        res = ms.simulate(ms.Scenario.from_dict(case), throw_on_failure=False)
    except (ms.SolverError, ms.InvalidArgument) as exc:
        d.error = f"{type(exc).__name__}: {exc}"
    else:
        bad = [f"{a.name}: {a.status}: {a.message}" for a in res if a.status != "success"]
        d.error = "; ".join(bad)
        d.found = violations(res)
    d.wall_s = time.perf_counter() - t0
    return d


def survey(n: int = N, seed: int = SEED) -> list[Draw]:
    """Draw all cases first (the draw is the seed's alone), then run them on THREADS threads (ms.simulate
    releases the GIL; results do not depend on the thread count)."""
    rng = random.Random(seed)
    cases = [draw(rng) for _ in range(n)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, range(n), cases))


def describe(d: Draw) -> str:
    c = d.case
    kinds = " ".join(
        p["kind"] + (f"({p['technique']})" if "technique" in p else "")
        + (f"@{p['intensity_fraction_VO2max']}" if "intensity_fraction_VO2max" in p else "")
        + (f"[flow x{p['muscle_flow_multiplier']}]" if "muscle_flow_multiplier" in p else "")
        for p in c["protocol"]
    )  # fmt: skip
    legs = " x ".join(c["limb"].get("sides", [])) or "one limb"
    return (
        f"draw {d.index}: {c['subject']['preset']} {c['subject']['initial_posture']} "
        f"{c['limb']['segment_lengths_cm']} cm ({legs}); {kinds}"
    )


def report(draws: list[Draw]) -> str:
    """Counts, then violations grouped by (cause, bare output name) with the draws they touch, the extreme
    value and an example."""
    groups: Counter[str] = Counter()
    touched: dict[str, set[int]] = {}
    extreme: dict[str, tuple[float, float, str]] = {}
    example: dict[str, str] = {}
    for d in draws:
        for v in d.found:
            cause = next((c.id for c in KNOWN_CAUSES if c.matches(d.case, v)), "UNEXPLAINED")
            key = f"{cause}: {v.name}{' per kg' if v.basis else ''}"
            groups[key] += 1
            touched.setdefault(key, set()).add(d.index)
            lo, hi, _ = extreme.get(key, (math.inf, -math.inf, v.unit))
            extreme[key] = (min(lo, v.v_min), max(hi, v.v_max), v.unit)
            example.setdefault(key, f"{describe(d)}\n      {v}")
    causes = Counter()
    for d in draws:
        for c in {next((c.id for c in KNOWN_CAUSES if c.matches(d.case, v)), "UNEXPLAINED") for v in d.found}:
            causes[c] += 1
    inside = sum(1 for d in draws if not d.error and not d.found)
    lines = [
        f"{len(draws)} draws: {inside} inside, {sum(1 for d in draws if d.error)} did not run, "
        f"{sum(1 for d in draws if d.found)} with violations ({sum(1 for d in draws if d.unexplained())} unexplained); "
        f"wall {sum(d.wall_s for d in draws):.0f} s",
        "draws per cause: " + ", ".join(f"{c} {k}" for c, k in causes.most_common()),
    ]
    for key, k in sorted(groups.items()):
        lo, hi, unit = extreme[key]
        lines.append(
            f"  {key}: {k} columns in {len(touched[key])} draws, values [{lo:.4g}, {hi:.4g}] {unit}\n"
            f"      e.g. {example[key]}"
        )
    for d in draws:
        if d.error:
            lines.append(f"  did not run: {describe(d)}\n      {d.error[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def draws() -> list[Draw]:
    return survey()


def test_every_random_protocol_starts_and_runs(draws: list[Draw]) -> None:
    """Every drawn protocol finds its resting state and runs to its end (issue 12, item 3)."""
    failed = [f"{describe(d)}\n  {d.error[:400]}" for d in draws if d.error]
    assert not failed, f"{len(failed)} of {len(draws)} draws did not run:\n" + "\n".join(failed)


def test_random_protocols_stay_inside_the_envelope(draws: list[Draw]) -> None:
    """Every value of every run inside its bound, but for the known causes (each its own expected failure)."""
    bad = [f"{describe(d)}\n  " + "\n  ".join(map(str, d.unexplained())) for d in draws if d.unexplained()]
    assert not bad, f"{len(bad)} of {len(draws)} draws leave the envelope:\n" + "\n".join(bad) + "\n" + report(draws)


def test_the_draws_cover_the_space(draws: list[Draw]) -> None:
    """The draw reaches every phase kind, technique, posture and preset (so the survey can fail there)."""
    kinds, techniques, postures, presets = Counter(), Counter(), Counter(), Counter()
    for d in draws:
        presets[d.case["subject"]["preset"]] += 1
        postures[d.case["subject"]["initial_posture"]] += 1
        for p in d.case["protocol"]:
            kinds[p["kind"]] += 1
            if "technique" in p:
                techniques[p["technique"]] += 1
            if p["kind"] == "posture_change":
                postures[p["posture"]] += 1
    if len(draws) < 100:
        pytest.skip(f"coverage is asserted for >= 100 draws, got {len(draws)}")
    assert set(kinds) == set(ms.phase_kinds()), kinds
    assert set(techniques) == set(MASSAGE) | {"sequential_compression", "occlusion_cuff"}, techniques
    assert set(postures) == set(POSTURES), postures
    assert set(presets) == set(PRESETS), presets
    assert any("muscle_flow_multiplier" in p for d in draws for p in d.case["protocol"])


@pytest.mark.parametrize(
    "cause",
    [
        pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=MEASURED and c.in_default_survey, reason=c.reason))
        for c in KNOWN_CAUSES
    ],
)
def test_known_cause_is_gone(draws: list[Draw], cause: Cause) -> None:
    """No draw shows this known cause any more (XPASS once the model is fixed: then drop the cause)."""
    hits = [f"{describe(d)}: {v}" for d in draws for v in d.found if cause.matches(d.case, v)]
    assert not hits, f"{cause.id}: {len(hits)} violations, e.g.\n" + "\n".join(hits[:5])


def test_the_draw_is_legal_and_reproducible() -> None:
    """Drawn scenarios pass the schema's checks (Scenario.from_dict) and the same seed draws the same ones."""
    a = [draw(random.Random(5)) for _ in range(3)]
    b = [draw(random.Random(5)) for _ in range(3)]
    assert a == b
    for case in a:
        ms.Scenario.from_dict(case)
    assert np.all([sum(c["limb"]["segment_lengths_cm"]) <= MAX_LIMB_CM + 0.5 for c in a])


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else SEED
    print(report(survey(n, seed)))
