"""Issue 17, item 1 (property test): every parameter set inside the documented ranges, with every
legal posture and limb geometry, finds its resting state and runs to a finite end.

Draws N (default 200) random full parameter sets (each parameter uniform in its [min, max], or
log-uniform when the range spans more than a decade), a subject preset, an initial posture and a
limb of 1-8 segments of 5-40 cm each, and runs a short protocol (rest, massage, recovery).

Not every such set has a resting state: when a segment's resting O2 demand (vo2_rest x mass plus
the cost of pain-driven tone) exceeds what its flow can deliver at every level of metabolic
dilation, its O2 debt grows without bound. The resting state is searched by four routes
(docs/solver.md, "The resting state of a run"): the generic search; the resting O2 balance
(simulation/rest_o2.hpp; only when that fails, a second guess); a continuation from the preset's
parameters; and a day of relaxation at rest, which refuses a set whose O2 debt passes its documented
bound (with the balance's numbers when it saw the shortfall too) and otherwise starts the run where
the day ends. The legal space is what is not refused. The tests draw legal sets (a refused draw is
replaced), require every one to run, and (flagged) check that every refused set is refused with the
balance off too (``MASSAGESIM_REST_O2_CHECK=0``).

Measured with the script below, seed 17, 200 draws (refused draws not replaced, so run = 200 - refused
- fail; the test itself replaces them): stop 11: 54 failed; stop 12 (the balance refusing up front, no
continuation or relaxation): 5-7 failed (O2 debt growing), and with the later routes 16 of the 49 sets
the balance refused turned out bounded at rest, so it no longer refuses by itself; stop 13
(2026-12-05): 0 fail, 33 refused (the relaxation's debt bound), 167 run; stop 14 (the three-slope
interstitium, whose two new parameters change the draws): 0 fail, 30 refused, 170 run; 2026-12-06
(outlets shut at wall contact, two new parameters): 7 fail (5 proximal veins drained to zero by backflow
through a leaky chain valve, 2 resting states not found), then with the outlet a Starling resistor both
ways (backflow needs the proximal vein above the tissue pressure): 0 fail, 14 refused, 186 run; each
parameter then drawn from its own name-seeded stream (a new sample, stable under added parameters): 1 fail
(a seated forearm whose proximal interstitium drained to zero), 16 refused; with the matrix's swelling
pressure below half the interstitium's reference volume: 0 fail, 16 refused, 184 run.
Postures and geometries with default parameters: stop 12: 197 of 200 run, 3 refused by the balance (a
distal segment ~1 m above the heart); stops 13 and 14: 200 of 200 run, 0 refused, 0 fail; 2026-12-06:
199 run, 1 refused (an 8-segment raised calf whose distal segment is 105 cm above the heart), 0 fail; with
the name-seeded streams (another sample) and the matrix's swelling pressure: 200 run, 0 refused, 0 fail. The
legal-set test runs 200 legal draws by default (~3-5 min);
``MASSAGESIM_REST_PROPERTY=1`` adds the refusals' check with the balance off and 200 postures/geometries with
default parameters (20 by default); ``MASSAGESIM_REST_PROPERTY_N`` changes N and
``MASSAGESIM_REST_PROPERTY_SEED`` the draw. Run it as a script to print the failures and refusals
(``postures``: default parameters; ``norule``: rule off):

    python tests/python/test_hardening_rest.py [N] [SEED] [postures|norule]
"""

from __future__ import annotations

import math
import os
import random
import re
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

import massagesim as ms


POSTURES = ["supine", "seated", "standing", "limb_raised"]
PRESETS = ["default_calf", "default_forearm"]


def draw(rng: random.Random, table: Any) -> dict[str, Any]:
    """One random parameter set, preset, posture and geometry.

    Each parameter is drawn from its own stream, seeded by the case and the parameter's name: adding,
    removing or reordering parameters leaves every other parameter's value of a case unchanged, so the
    samples before and after such a change are the same sets but for the new names (with one shared
    stream, a new parameter shifted every later draw and the counts compared different samples)."""
    case_seed = rng.getrandbits(64)
    values = {}
    for name, row in table.iterrows():
        lo, hi = float(row["min"]), float(row["max"])
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            continue
        own = random.Random(f"{case_seed}:{name}")
        if lo > 0 and hi / lo > 10:
            values[name] = math.exp(own.uniform(math.log(lo), math.log(hi)))
        else:
            values[name] = own.uniform(lo, hi)
    n = rng.randint(1, 8)
    return {
        "parameters": values,
        "preset": rng.choice(PRESETS),
        "posture": rng.choice(POSTURES),
        "lengths_cm": [round(rng.uniform(5.0, 40.0), 1) for _ in range(n)],
    }


def scenario(case: dict[str, Any]) -> ms.Scenario:
    n = len(case["lengths_cm"])
    return ms.Scenario.build(
        [
            ms.phase("rest", 30.0),
            ms.phase("massage", 30.0, technique="petrissage", depth_mmHg=40.0, rate_Hz=0.5),
            ms.phase("passive_recovery", 30.0),
        ],
        name="rest_property",
        subject={"preset": case["preset"], "initial_posture": case["posture"]},
        limb={"segment_names": [f"s{i}" for i in range(n)], "segment_lengths_cm": case["lengths_cm"]},
        outputs=["applied_pressure_mmHg", "venous_outflow_mL_per_min"],
        save_every_s=10.0,
    )


#: Substring of every "no resting state" refusal (simulation/rest_o2.hpp, rest_relaxation.hpp): the set is
#: outside the legal space.
RULE = "has no resting state: its resting O2 demand"


def run_case(
    case: dict[str, Any], rule: bool = True, build: Callable[[dict[str, Any]], ms.Scenario] | None = None
) -> str | None:
    """None when the run ends finite, "refused: ..." when the resting O2 rule refuses the set (not a
    legal set), else what went wrong. ``rule=False`` skips the rule (MASSAGESIM_REST_O2_CHECK=0);
    ``build`` makes the scenario of a case (default: ``scenario``)."""
    old = os.environ.get("MASSAGESIM_REST_O2_CHECK")
    if not rule:
        os.environ["MASSAGESIM_REST_O2_CHECK"] = "0"
    try:
        res = ms.simulate((build or scenario)(case), parameters=case["parameters"], throw_on_failure=False)
    except ms.SolverError as exc:
        return f"{type(exc).__name__}: {str(exc)}"
    except ms.InvalidArgument as exc:
        if RULE in str(exc):
            return f"refused: {str(exc)}"
        return f"InvalidArgument: {str(exc)[:160]}"
    finally:
        if not rule:
            if old is None:
                del os.environ["MASSAGESIM_REST_O2_CHECK"]
            else:
                os.environ["MASSAGESIM_REST_O2_CHECK"] = old
    for arm in res:
        if arm.status != "success":
            return f"{arm.status}: {arm.message[:160]}"
        if not np.all(np.isfinite(arm.values)):
            return "non-finite output"
    return None


#: Draws run at once: ms.simulate releases the GIL, so a survey's runs share the cores (the legal-set test,
#: half the suite's time on one core, takes half as long on two).
WORKERS = max(1, min(4, os.cpu_count() or 1))


def run_in_order(
    cases: Iterable[dict[str, Any]],
    run: Callable[[dict[str, Any]], str | None] = run_case,
    workers: int = WORKERS,
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """(case, run(case)) for each case in draw order, ``workers`` runs at a time: a survey reads the same
    outcomes in the same order as one run after another, whatever finishes first. Up to 8 cases per worker
    are queued ahead, so one long run (a refusal can take 100 times a typical draw) does not hold the other
    workers idle. A consumer may stop early: the queued runs are cancelled, the started ones finish."""
    with ThreadPoolExecutor(workers) as pool:
        pending: deque[tuple[dict[str, Any], Any]] = deque()
        try:
            for case in cases:
                pending.append((case, pool.submit(run, case)))
                if len(pending) >= 8 * workers:
                    c, f = pending.popleft()
                    yield c, f.result()
            while pending:
                c, f = pending.popleft()
                yield c, f.result()
        finally:
            for _, f in pending:
                f.cancel()


def survey(
    n: int,
    seed: int,
    passed: list[dict[str, Any]] | None = None,
    refused: list[tuple[dict[str, Any], str]] | None = None,
    rule: bool = True,
    defaults: bool = False,
) -> list[tuple[dict[str, Any], str]]:
    """The failing cases of N draws (sets the resting O2 rule refuses are appended to ``refused``
    when given, and are not failures); the passing ones are appended to ``passed`` when given."""
    rng = random.Random(seed)
    tables = {p: ms.parameters(preset=p).to_frame() for p in PRESETS}

    def cases() -> Iterator[dict[str, Any]]:
        for _ in range(n):
            preset = rng.choice(PRESETS)
            case = draw(rng, tables[preset])
            case["preset"] = preset
            if defaults:  # postures and geometries only
                case["parameters"] = {}
            yield case

    failures = []
    # rule=False sets an environment variable around each run: those runs go one at a time.
    for case, why in run_in_order(cases(), lambda c: run_case(c, rule), WORKERS if rule else 1):
        if why is not None and why.startswith("refused:"):
            if refused is not None:
                refused.append((case, why))
        elif why is not None:
            failures.append((case, why))
        elif passed is not None:
            passed.append(case)
    return failures


def legal_survey(n_legal: int, seed: int) -> tuple[list[tuple[dict[str, Any], str]], int]:
    """Draws until ``n_legal`` sets the resting O2 rule accepts have run; returns their failures and
    the number of sets the rule refused on the way."""
    rng = random.Random(seed)
    tables = {p: ms.parameters(preset=p).to_frame() for p in PRESETS}

    def cases() -> Iterator[dict[str, Any]]:
        while True:
            preset = rng.choice(PRESETS)
            case = draw(rng, tables[preset])
            case["preset"] = preset
            yield case

    failures: list[tuple[dict[str, Any], str]] = []
    legal = refused = 0
    for case, why in run_in_order(cases()):
        if why is not None and why.startswith("refused:"):
            refused += 1
            continue
        legal += 1
        if why is not None:
            failures.append((case, why))
        if legal == n_legal:
            break
    return failures, refused


def attribution(failures: list[tuple[dict[str, Any], str]], passed: list[dict[str, Any]], top: int = 12) -> str:
    """Parameters whose position in their range differs most between failing and passing sets
    (0 = min, 1 = max; log scale for wide ranges): where to look first."""
    table = ms.parameters().to_frame()

    def pos(name: str, v: float) -> float:
        lo, hi = float(table.loc[name, "min"]), float(table.loc[name, "max"])
        if lo > 0 and hi / lo > 10:
            return (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (v - lo) / (hi - lo)

    rows = []
    for name in table.index:
        f = [pos(name, c["parameters"][name]) for c, _ in failures if name in c["parameters"]]
        p = [pos(name, c["parameters"][name]) for c in passed if name in c["parameters"]]
        if f and p:
            rows.append((float(np.mean(f)) - float(np.mean(p)), name, float(np.mean(f)), float(np.mean(p))))
    rows.sort(key=lambda r: -abs(r[0]))
    return "\n".join(f"  {n}: mean position failing {mf:.2f} vs passing {mp:.2f}" for _, n, mf, mp in rows[:top])


def cause(why: str) -> str:
    """The state with the largest residual where the rest-state search stopped (segment prefix
    dropped), e.g. "o2_debt_mL", or the error's kind."""
    m = re.search(r"largest residual is d\(([^)]*)\)/dt", why)
    return m.group(1).split(".")[-1] if m else why.split(":")[0]


def summary(failures: list[tuple[dict[str, Any], str]], n: int) -> str:
    lines = [f"{len(failures)} of {n} random legal sets fail"]
    lines.append(
        "  by error: " + ", ".join(f"{k} x{v}" for k, v in Counter(w.split(":")[0] for _, w in failures).items())
    )
    lines.append("  by cause: " + ", ".join(f"{k} x{v}" for k, v in Counter(cause(w) for _, w in failures).items()))
    lines.append(
        "  by posture: " + ", ".join(f"{k} x{v}" for k, v in Counter(c["posture"] for c, _ in failures).items())
    )
    lines.append("  by preset: " + ", ".join(f"{k} x{v}" for k, v in Counter(c["preset"] for c, _ in failures).items()))
    lines.append(
        "  by segments: "
        + ", ".join(f"{k} x{v}" for k, v in sorted(Counter(len(c["lengths_cm"]) for c, _ in failures).items()))
    )
    return "\n".join(lines)


#: Posture/geometry draws run by default (deterministic seed, ~1 s of CPU each); 200 with
#: MASSAGESIM_REST_PROPERTY=1. The legal-set test always draws 200 (issue 17: >= 200).
DEFAULT_N = 20
FULL = os.environ.get("MASSAGESIM_REST_PROPERTY") == "1"


def test_every_legal_parameter_set_posture_and_geometry_runs_finite() -> None:
    """Before (stop 12, seed 17): 5 of 200 legal draws failed to find their resting state."""
    n = int(os.environ.get("MASSAGESIM_REST_PROPERTY_N", "200"))
    seed = int(os.environ.get("MASSAGESIM_REST_PROPERTY_SEED", "17"))
    failures, refused = legal_survey(n, seed)
    assert not failures, (
        summary(failures, n) + f" ({refused} refused by the resting O2 rule)\n" + "\n".join(w for _, w in failures[:10])
    )


@pytest.mark.skipif(
    os.environ.get("MASSAGESIM_REST_PROPERTY") != "1",
    reason="several minutes: set MASSAGESIM_REST_PROPERTY=1 (issue 17 item 1)",
)
def test_the_resting_o2_rule_refuses_only_sets_without_a_resting_state() -> None:
    """Every set refused, run with the O2 balance switched off, is refused too (the relaxation judges).
    Before (stop 13, the balance refusing by itself): 16 of 49 refused sets ran with it off."""
    n = int(os.environ.get("MASSAGESIM_REST_PROPERTY_N", "200"))
    seed = int(os.environ.get("MASSAGESIM_REST_PROPERTY_SEED", "17"))
    refused: list[tuple[dict[str, Any], str]] = []
    survey(n, seed, refused=refused)
    wrongly = [c for c, _ in refused if run_case(c, rule=False) is None]
    assert not wrongly, f"{len(wrongly)} of {len(refused)} refused sets have a resting state: {wrongly[:2]}"


def test_every_posture_and_geometry_with_default_parameters_runs_finite() -> None:
    """Random presets, postures and limbs of 1-8 segments of 5-40 cm with default parameters: every
    one runs, or is refused by the resting O2 rule (a segment held ~1 m above the heart)."""
    n = int(os.environ.get("MASSAGESIM_REST_PROPERTY_N", "200" if FULL else str(DEFAULT_N)))
    seed = int(os.environ.get("MASSAGESIM_REST_PROPERTY_SEED", "17"))
    refused: list[tuple[dict[str, Any], str]] = []
    failures = survey(n, seed, refused=refused, defaults=True)
    assert not failures, summary(failures, n) + "\n" + "\n".join(w[:300] for _, w in failures[:10])


#: Every posture the library takes (the surveys above draw four of them, kept so their recorded samples stay).
ALL_POSTURES = [name for name, _ in ms._core.posture_catalogue()]
SIDES = ["left", "right"]


def draw_sided(rng: random.Random, segments: tuple[int, int] = (1, 8)) -> dict[str, Any]:
    """One limb of 1-8 segments (``segments``) of 5-40 cm, half the time two legs, each leg in a posture of
    its own drawn from the whole catalogue, and a posture change of some legs half-way (default parameters)."""
    n = rng.randint(*segments)
    two = rng.random() < 0.5
    case: dict[str, Any] = {
        "parameters": {},
        "two_legs": two,
        "preset": rng.choice(PRESETS),
        "posture": rng.choice(ALL_POSTURES),
        "lengths_cm": [round(rng.uniform(5.0, 40.0), 1) for _ in range(n)],
        "by_side": {},
        "change": rng.choice(ALL_POSTURES),
        "change_sides": [],
    }
    if two:
        case["by_side"] = {s: rng.choice(ALL_POSTURES) for s in SIDES if rng.random() < 0.5}
        case["change_sides"] = rng.sample(SIDES, rng.randint(1, 2))
    return case


def sided_scenario(case: dict[str, Any], phase_s: float = 30.0) -> ms.Scenario:
    n = len(case["lengths_cm"])
    limb: dict[str, Any] = {"segment_names": [f"s{i}" for i in range(n)], "segment_lengths_cm": case["lengths_cm"]}
    subject: dict[str, Any] = {"preset": case["preset"], "initial_posture": case["posture"]}
    change: dict[str, Any] = {"posture": case["change"]}
    if case["two_legs"]:
        limb["sides"] = SIDES
        if case["by_side"]:  # an empty map is refused (omit it: every side starts in initial_posture)
            subject["initial_posture_by_side"] = case["by_side"]
        change["sides"] = case["change_sides"]
    return ms.Scenario.build(
        [
            ms.phase("rest", phase_s),
            ms.phase("massage", phase_s, technique="petrissage", depth_mmHg=40.0, rate_Hz=0.5),
            ms.phase("posture_change", phase_s, **change),
            ms.phase("passive_recovery", phase_s),
        ],
        name="rest_property_sided",
        subject=subject,
        limb=limb,
        outputs=["applied_pressure_mmHg", "venous_outflow_mL_per_min"],
        save_every_s=10.0,
    )


def sided_survey(n: int, rng: random.Random, segments: tuple[int, int] = (1, 8)) -> tuple[int, int]:
    """Runs n draws of ``draw_sided``; asserts that each runs finite or is refused by the resting O2 rule.
    Returns (refused, two-leg draws)."""
    failures, refused, two = [], 0, 0
    draws = (draw_sided(rng, segments) for _ in range(n))
    for case, why in run_in_order(draws, lambda c: run_case(c, build=sided_scenario)):
        two += case["two_legs"]
        if why is not None and why.startswith("refused:"):
            refused += 1
        elif why is not None:
            failures.append((case, why))
    assert not failures, f"{len(failures)} of {n} fail ({refused} refused):\n" + "\n".join(
        f"{c}: {w}" for c, w in failures[:10]
    )
    return refused, two


def test_every_posture_of_each_leg_and_geometry_runs_finite() -> None:
    """Issue 12 item 3 with a posture per leg: random limbs of 1-8 segments of 5-40 cm, one leg or two, each
    leg starting in any posture of the catalogue (six) and some legs changing to any posture half-way; every
    draw finds its resting state and runs to a finite end, or is refused by the resting O2 rule (a segment
    held ~1 m above the heart). 20 draws by default (~5 s), 200 with MASSAGESIM_REST_PROPERTY=1.

    Measured 2026-12-07 (seed 17, 200 draws, 102 s): 199 run and draw 76 is refused. Before stop 28 draw 76 did
    not finish (stopped after 12 min): two legs of eight segments (211 cm), the left raised (its distal segment
    99.6 cm above the heart), the right seated. The raised leg has no resting state (alone it was refused in
    10 s), but the seated leg's lymphangions pump at rest beside it, which kept the relaxation's steps near
    0.1 s while the raised calf's O2 debt climbed 4 mL/min towards its bound (~8 h of model time). The
    relaxation now judges it after 20 min of model time: its debt held its dilation at full through a 5-min
    window and still rose (rest_relaxation.hpp)."""
    n = int(os.environ.get("MASSAGESIM_REST_PROPERTY_N", "200" if FULL else str(DEFAULT_N)))
    rng = random.Random(int(os.environ.get("MASSAGESIM_REST_PROPERTY_SEED", "17")))
    refused, two = sided_survey(n, rng)
    assert refused < n and 0 < two < n  # the draw reaches one leg and two, and runs most of them


def _long(posture: str, lengths_cm: list[float], change: str, by_side: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "parameters": {},
        "two_legs": by_side is not None,
        "preset": "default_calf",
        "posture": posture,
        "lengths_cm": lengths_cm,
        "by_side": by_side or {},
        "change": change,
        "change_sides": SIDES[1:] if by_side is not None else [],
    }


#: 64-segment limbs (the longest legal geometry) in each posture but raised, the shortest and longest
#: segments, and two legs of 64 each in postures of their own; every posture change is to another posture.
#: 2-11 s each, 41 s in all (measured 2026-12-07). Five of them were behind MASSAGESIM_REST_PROPERTY=1 to keep
#: the CI inside its 90 min, until the rest searches were compiled once and the surveys ran on every core.
LONG_LIMBS = [
    _long("supine", [40.0] * 64, "seated"),
    _long("prone", [20.0] * 64, "supine"),
    _long("seated", [5.0] * 64, "standing"),
    _long("standing", [40.0] * 64, "supine"),
    _long("limb_lowered", [5.0 + 35.0 * i / 63 for i in range(64)], "limb_raised"),
    _long("supine", [5.0] * 64, "standing", {"right": "seated"}),
]


@pytest.mark.parametrize(
    "case",
    LONG_LIMBS,
    ids=lambda c: f"{'two-' if c['two_legs'] else ''}{c['posture']}-{len(c['lengths_cm'])}x{c['lengths_cm'][0]:g}",
)
def test_limbs_of_64_segments_find_their_resting_state_and_run(case: dict[str, Any]) -> None:
    """Issue 12 item 3 at the longest legal geometry: 64 segments of 5-40 cm in each posture but raised (a
    raised limb of 64 segments holds its distal segments metres above the heart: the flagged survey below
    draws those too), one leg and two. Each finds its resting state and runs rest, massage, a posture change
    and recovery to a finite end, 10 s each (30 s each took 20-169 s a case on a loaded machine)."""
    assert run_case(case, build=lambda c: sided_scenario(c, phase_s=10.0)) is None


@pytest.mark.skipif(
    not FULL, reason="up to ~7 min a draw (a refused 64-segment limb): set MASSAGESIM_REST_PROPERTY=1 (issue 12 item 3)"
)
def test_every_posture_of_long_limbs_of_9_to_64_segments_runs_or_is_refused() -> None:
    """The per-leg survey above on limbs of 9-64 segments (one leg, or two of that many), each leg in any
    posture of the catalogue and some changing half-way: every draw finds its resting state and runs to a
    finite end, or is refused by the resting O2 rule (a segment held metres above the heart). 20 draws
    (``MASSAGESIM_REST_PROPERTY_N``). Refusing a long raised limb is what takes the time (two legs of 42
    segments, one raised with its distal segment 3.4 m above the heart: 432 s; 64 x 40 cm raised: 252 s)."""
    n = int(os.environ.get("MASSAGESIM_REST_PROPERTY_N", "20"))
    rng = random.Random(int(os.environ.get("MASSAGESIM_REST_PROPERTY_SEED", "17")))
    refused, _ = sided_survey(n, rng, (9, 64))
    assert refused < n


def test_a_set_without_resting_o2_supply_is_refused_up_front_with_its_numbers() -> None:
    """Low resting flow and costly spasm (every value inside its range): the rule refuses the set,
    naming the demand, the deliverable O2 and what would be allowed."""
    case = {"parameters": NO_REST, "preset": "default_calf", "posture": "supine", "lengths_cm": [20.0, 20.0]}
    why = run_case(case)
    assert why is not None and why.startswith("refused:"), why
    for part in ("vo2_rest_mL_per_min_per_kg 4 x", "o2_extraction_max 0.7", "mL/min", "Allowed:", "vasodilator_max"):
        assert part in why, (part, why)
    assert run_case(case, rule=False) is not None  # and indeed it has no resting state


#: Every value inside its range, poor resting flow and much spasm: no resting state (the search fails).
NO_REST = {
    "vo2_rest_mL_per_min_per_kg": 4.0,
    "vasodilator_max": 3.0,
    "arteriolar_conductance_mL_per_min_per_mmHg_per_100g": 0.02,
    "feed_conductance_mL_per_min_per_mmHg_per_100g": 0.2,
    "capillary_venous_conductance_mL_per_min_per_mmHg_per_100g": 0.15,
    "o2_extraction_max": 0.7,
    "arterial_o2_content_mL_per_L": 180.0,
}


def _case_file(name: str) -> dict[str, Any]:
    import json
    from pathlib import Path

    d = json.loads((Path(__file__).parents[1] / "data/parameter_sets" / name).read_text())
    return {"parameters": d["values"], "preset": d["preset"], "posture": d["posture"], "lengths_cm": d["lengths_cm"]}


def test_a_set_the_rule_accepts_without_a_resting_state_is_refused_by_the_relaxation() -> None:
    """Before: NewtonFailure. The rule's approximations accept the set; a day at rest takes the O2 debt
    past its documented bound, so it is refused with the segment, the debt and what would be allowed."""
    why = run_case(_case_file("rest_no_state_raised_calf.json"))
    assert why is not None and why.startswith("refused:"), why
    for part in ("segment 's0'", "documented bound of o2_debt_mL", "min)", "Allowed:", "vasodilator_max"):
        assert part in why, (part, why)


def test_a_legal_set_without_a_steady_state_found_starts_after_a_day_at_rest() -> None:
    """Before: NewtonFailure. Bounded at rest but no steady state found: the run starts where a day at
    rest ends, finite, and the arm's message says so."""
    case = _case_file("rest_day_of_rest_standing_calf.json")
    res = ms.simulate(scenario(case), parameters=case["parameters"], throw_on_failure=False)
    for arm in res:
        assert arm.status == "success", arm.message
        assert np.all(np.isfinite(arm.values))
        assert "started from the state after 24 h at rest" in arm.message, arm.message


def test_a_seated_forearm_whose_relaxation_drained_its_interstitium_runs() -> None:
    """Before (2026-12-06): NewtonFailure. A legal set (a seated three-segment forearm, 38.0/13.8/12.7 cm,
    heights -38 to -25 cm; C_low 1.45 near the top of its range, a pain-driven spasm at rest) whose resting
    state no route found: the day at rest drained the proximal segments' interstitium to zero volume (-4.5e-16
    mL at t = 2034 s), because the compliance curve had a finite floor (f(0) = -11.5 mmHg) at which the primary
    valves were still ~1 % open. With the matrix's swelling pressure below half the reference volume
    (interstitium_lymph.hpp) the search finds the resting state at once; the proximal segments hold 0.29 of
    their reference volume (4.9 and 4.8 mL/100 g of 16.7; f -12.2 and -12.6 mmHg)."""
    case = _case_file("rest_interstitium_drained_seated_forearm.json")
    v_ref = case["parameters"]["interstitial_reference_volume_mL_per_100g"]
    sc = scenario(case).with_parameters(case["parameters"])
    mass_g = sc.segment_masses_g  # 3142, 1141, 1050 g
    names = [f"s{i}.interstitial_volume_mL" for i in range(3)]
    res = ms.simulate(sc, outputs=names, throw_on_failure=False)
    for arm in res:
        assert arm.status == "success", arm.message
        assert np.all(np.isfinite(arm.values))
        for i in range(3):
            per_100g = arm.column(f"s{i}.interstitial_volume_mL") / mass_g[i] * 100.0
            assert per_100g.min() > 0.2 * v_ref, (i, per_100g.min(), v_ref)  # far from drained


def test_a_cancel_flag_stops_a_long_rest_state_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the rest-state search could not be cancelled (Ctrl-C had to abandon its thread)."""
    import threading
    import time

    from massagesim import _simulate

    monkeypatch.setenv("MASSAGESIM_REST_O2_CHECK", "0")  # the search itself, on a set without a rest state
    case = {"parameters": {}, "preset": "default_calf", "posture": "supine", "lengths_cm": [10.0] * 8}
    opts = _simulate.make_options(parameters=NO_REST)
    flag = ms._core.CancelFlag()
    opts.cancel = flag
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = ms._core.simulate(scenario(case)._cpp, opts)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.3)  # into the search (it takes several seconds to give up on 8 segments)
    assert worker.is_alive(), box
    flag.set()
    worker.join(30.0)  # a functional bound: it stops at its next evaluation
    assert not worker.is_alive()
    err = box.get("error")
    assert isinstance(err, ms.Cancelled), box
    assert "steady-state search cancelled" in str(err)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 17
    mode = sys.argv[3] if len(sys.argv) > 3 else ""  # "norule": rule off; "postures": default parameters
    ok: list[dict[str, Any]] = []
    ref: list[tuple[dict[str, Any], str]] = []
    fails = survey(n, seed, ok, ref, mode != "norule", mode == "postures")
    print(summary(fails, n))
    print(f"  refused by the resting O2 rule: {len(ref)}")
    if ok and fails:
        print("parameters that separate failing from passing sets:")
        print(attribution(fails, ok))
    for c, w in fails[:60]:
        print(f"- {c['preset']} {c['posture']} {len(c['lengths_cm'])} seg {c['lengths_cm']}: [{cause(w)}] {w[:300]}")
    for c, w in ref[:60]:
        print(f"- refused {c['preset']} {c['posture']} {len(c['lengths_cm'])} seg: {w[:300]}")
