"""Fixed workloads shared by the asv suite and the quick regression check (benchmarks/asv/check.py).

A workload is a function of no arguments that does a fixed piece of solver work and returns its
deterministic figures: work counters (steps, rejected steps, RHS evaluations, Jacobians, LU
factorisations) and the achieved error against a stored reference. The same workloads run under
valgrind's callgrind (benchmarks/asv/callgrind.py) for their instruction counts.

Public API wherever it exists (``massagesim.simulate``, ``Scenario``); the few private entry
points go through ``_private`` (the one adapter module).
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np

import massagesim as ms

from . import _private

HERE = Path(__file__).resolve().parent
REFERENCE_DIR = HERE.parent / "reference"

#: Setting this environment variable to 1 injects a deliberate slowdown into the `short_*`
#: workloads: one extra RHS evaluation per accepted step (real C++ work on the same arm, counted
#: in n_rhs and inside the callgrind-collected region). Used to show that the quick check fails
#: on a regression (tests/python/test_bench_check.py). Never set it otherwise.
INJECT_ENV = "MASSAGESIM_BENCH_INJECT_EXTRA_RHS"

STEPPERS = ("dopri5", "fehlberg78", "rodas4", "bdf")
STATS = ("n_steps", "n_rejected", "n_rhs", "n_jac", "n_lu")

#: Duration of every phase of the short scenario [s]: the default scenario's five phases (rest,
#: exercise, effleurage, petrissage, effleurage) and its passive recovery, 20 s each, so every
#: kind of input and both arms are exercised in ~0.1 s of CPU (seconds under callgrind).
SHORT_PHASE_S = 20.0

#: Stiff and test problems of the peer comparison (benchmarks/cpp/peer_problems.hpp):
#: (problem, method, rtol, atol, t1_s). rtol/atol as in the committed peer run's headline rows.
PEER_CASES = {
    "rober_rodas4": ("rober", "rodas4_user", 1e-8, 1e-8, 1e5),
    "hires_rodas4": ("hires", "rodas4_user", 1e-8, 1e-8, 321.8122),
    "chain8_dopri5": ("chain8", "dopri5", 1e-6, 1e-8, 600.0),
    "chain8_rodas4": ("chain8", "rodas4", 1e-6, 1e-8, 600.0),
}


def injecting() -> bool:
    return os.environ.get(INJECT_ENV, "") == "1"


# --- scenarios ------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def default_scenario() -> ms.Scenario:
    return ms.Scenario.default()


@lru_cache(maxsize=None)
def short_scenario() -> ms.Scenario:
    """The default scenario (same limb, subject, arms, outputs, solver) with every phase 20 s long."""
    d = default_scenario().to_dict()
    protocol = [dict(p, duration_s=SHORT_PHASE_S) for p in d["protocol"]]
    return default_scenario().with_protocol(protocol)


def arm_stats(result: ms.Result) -> dict[str, dict[str, int]]:
    return {a.name: {k: int(a.stats.get(k, 0)) for k in STATS} for a in result}


def state_scaled_error(y: np.ndarray, ref: np.ndarray) -> float:
    """Max over saved times and columns of |y - ref| / max_t |ref| of that column."""
    y = np.atleast_2d(np.asarray(y, dtype=float))
    ref = np.atleast_2d(np.asarray(ref, dtype=float))
    if y.shape != ref.shape or not np.all(np.isfinite(y)):
        return math.inf
    scale = np.max(np.abs(ref), axis=0)
    scale = np.where(scale > 0.0, scale, 1e-300)
    return float(np.max(np.abs(y - ref) / scale))


def peak_scaled_error(y: np.ndarray, ref: np.ndarray) -> float:
    """Error of the peer comparison: |y - ref| / max(|ref|, 1e-6 max over states of |ref(t)|)."""
    y = np.atleast_2d(np.asarray(y, dtype=float))
    ref = np.atleast_2d(np.asarray(ref, dtype=float))
    if y.shape != ref.shape or not np.all(np.isfinite(y)):
        return math.inf
    scale = np.maximum(np.abs(ref), 1e-6 * np.max(np.abs(ref), axis=1, keepdims=True))
    return float(np.max(np.abs(y - ref) / scale))


# --- stored references ----------------------------------------------------------------------------
def reference_path(name: str) -> Path:
    return REFERENCE_DIR / f"{name}.json"


def reference_run(which: str) -> dict[str, Any]:
    """DOP853 at rtol 1e-12, atol 1e-15 on the "short" or "default" scenario (both arms, the
    scenario's outputs and dt_max). DOP853: its 5th/3rd-order estimate cannot vanish as Fehlberg78's
    old one did on t-dominated phases (docs/solver.md)."""
    sc = short_scenario() if which == "short" else default_scenario()
    res = ms.simulate(sc, stepper="dop853", rtol=1e-12, atol=1e-15)
    return {
        "what": f"{which} scenario, DOP853 rtol 1e-12 atol 1e-15, dt_max as the scenario",
        "massagesim_version": ms.__version__,
        "arms": {
            a.name: {"t_s": a.t_s.tolist(), "output_names": list(a.output_names), "values": a.values.tolist()}
            for a in res
        },
    }


REFERENCES = ("short", "default")


@lru_cache(maxsize=None)
def reference(which: str) -> dict[str, Any]:
    p = reference_path(which)
    if not p.exists():
        raise FileNotFoundError(
            f"{p}: stored reference missing; write it with `python benchmarks/asv/check.py reference`"
        )
    return dict(json.loads(p.read_text()))


def short_reference() -> dict[str, Any]:
    return reference("short")


def arm_errors(result: ms.Result, which: str) -> dict[str, float]:
    """Error of each arm of `result` against the stored reference of the `which` scenario."""
    ref = reference(which)["arms"]
    out = {}
    for a in result:
        r = ref[a.name]
        if list(a.output_names) != r["output_names"] or len(a.t_s) != len(r["t_s"]):
            raise ValueError(
                f"{which} scenario, arm {a.name}: outputs/times differ from the stored reference "
                f"({len(a.output_names)} outputs x {len(a.t_s)} times vs {len(r['output_names'])} x {len(r['t_s'])}); "
                "regenerate it with `python benchmarks/asv/check.py reference` and declare the change"
            )
        out[a.name] = state_scaled_error(a.values, np.asarray(r["values"]))
    return out


# --- workloads --------------------------------------------------------------------------------------
def _inject_extra_rhs(result: ms.Result, stats: dict[str, dict[str, int]]) -> None:
    """The deliberate slowdown: one more RHS evaluation per accepted step of each arm."""
    for arm in stats:
        prepared = _private.prepare_arm(short_scenario(), arm)
        x = _private.rest_state(prepared)
        n = stats[arm]["n_steps"]
        ts = np.linspace(0.0, short_scenario().duration_s, max(n, 1))
        for t in ts[:n]:
            _private.prepared_rhs(prepared, x, t)
        stats[arm]["n_rhs"] += n


def short_work(stepper: str) -> tuple[ms.Result, dict[str, dict[str, int]]]:
    """Both arms of the short scenario through ``massagesim.simulate`` (rest state included)."""
    res = ms.simulate(short_scenario(), stepper=stepper)
    stats = arm_stats(res)
    if injecting():
        _inject_extra_rhs(res, stats)
    return res, stats


def run_short(stepper: str) -> dict[str, float]:
    res, stats = short_work(stepper)
    err = arm_errors(res, "short")
    figures: dict[str, float] = {}
    for arm, s in stats.items():
        for k, v in s.items():
            figures[f"{arm}.{k}"] = v
        figures[f"{arm}.error"] = err[arm]
    return figures


@lru_cache(maxsize=None)
def peer_reference(problem: str, t1_s: float) -> np.ndarray:
    return np.asarray(_private.peer_reference(problem, t1_s)["y"])


def peer_work(case: str) -> dict:
    problem, method, rtol, atol, t1_s = PEER_CASES[case]
    return _private.peer_solve(problem, method, rtol, atol, t1_s)


def run_peer(case: str) -> dict[str, float]:
    problem, method, rtol, atol, t1_s = PEER_CASES[case]
    r = peer_work(case)
    if not r["ok"]:
        raise RuntimeError(f"{case}: the solve failed: {r['message']}")
    ref = peer_reference(problem, t1_s)
    return {
        "n_steps": int(r["n_steps"]),
        "n_rejected": int(r["n_rejected"]),
        "n_rhs": int(r["n_rhs"]),
        "n_jac": int(r["n_jac"]),
        "error": peak_scaled_error(r["y"], ref),
    }


def setup_peer(case: str) -> None:
    problem, _, _, _, t1_s = PEER_CASES[case]
    peer_reference(problem, t1_s)


def setup_short() -> None:
    short_scenario()
    short_reference()


class Workload:
    """A named workload of the quick check: `setup` prepares what is not measured (references);
    `figures` does the work and returns its deterministic figures (counts, error)."""

    def __init__(self, name: str, setup: Callable[[], None], figures: Callable[[], dict[str, float]]):
        self.name, self.setup, self.figures = name, setup, figures


def workloads() -> dict[str, Workload]:
    """The quick check's counting workloads, in run order."""
    out: dict[str, Workload] = {}
    for stepper in STEPPERS:
        out[f"short_{stepper}"] = Workload(f"short_{stepper}", setup_short, lambda s=stepper: run_short(s))
    for case in PEER_CASES:
        out[case] = Workload(case, lambda c=case: setup_peer(c), lambda c=case: run_peer(c))
    return out


# --- the instruction-count program -------------------------------------------------------------------
#: RHS evaluations of the `rhs_limb4` section (the default limb at its rest state, at times spread
#: over the short protocol so every input schedule is evaluated).
RHS_CALLS = 400


def instruction_sections() -> list[str]:
    """Names of the sections of `instruction_program`, in order (one callgrind dump each)."""
    return ["rest_state_limb4", f"rhs_limb4_x{RHS_CALLS}"] + [f"solve_short_massage_{s}" for s in STEPPERS]


def instruction_program(end_section: Callable[[], None]) -> None:
    """The fixed work whose instructions callgrind counts, cut into sections by `end_section()`.

    Sections: the rest state of the default limb (prepare_arm of the short scenario's massage arm:
    limb, Newton rest state, schedule), 400 RHS evaluations of that limb, and one solve of that arm
    over the short protocol with each stepper (the scenario's rtol, atol, dt_max; saved every 5 s).
    With the injected slowdown each solve is followed by one extra RHS evaluation per step.
    """
    sc = short_scenario()
    solver = sc.solver
    t_s = np.arange(0.0, sc.duration_s + 1e-9, sc.save_every_s)
    end_section()  # everything before this point is discarded (collected nothing)
    prepared = _private.prepare_arm(sc, "massage")
    end_section()
    x = _private.rest_state(prepared)
    for t in np.linspace(0.0, sc.duration_s, RHS_CALLS):
        _private.prepared_rhs(prepared, x, t)
    end_section()
    for stepper in STEPPERS:
        r = _private.prepared_solve(prepared, stepper, solver["rtol"], solver["atol"], t_s, solver["dt_max_s"])
        if injecting():
            for t in np.linspace(0.0, sc.duration_s, int(r["n_steps"])):
                _private.prepared_rhs(prepared, x, t)
        end_section()
