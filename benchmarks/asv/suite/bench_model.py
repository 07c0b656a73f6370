"""asv benchmarks of the real model: RHS, steps, rest state, the default scenario, sweeps, SBML export.

Times are CPU time of this process (``timer = time.process_time``) unless the name says wall.
Deterministic figures (counts, errors) are ``track_`` benchmarks; instruction counts are in
bench_instructions.py. What each figure is and how noisy it is: benchmarks/README.md.
"""

from __future__ import annotations

import time

import numpy as np

import massagesim as ms

from . import _private
from . import workloads as w


def _need_private() -> None:
    if not _private.has_private_helpers():
        raise NotImplementedError("this build of massagesim lacks the benchmark helpers")  # asv: skipped


class DefaultScenario:
    """The default scenario, both arms (2 x 2880 s), through ``massagesim.simulate``, per stepper
    (the scenario's own rtol 1e-6, atol 1e-9, dt_max 10 s; its stepper is Rodas4)."""

    params = (list(w.STEPPERS),)
    param_names = ["stepper"]
    timer = time.process_time
    number = 1
    repeat = (1, 3, 30.0)
    rounds = 1
    warmup_time = 0.0
    timeout = 600

    def setup(self, stepper):
        self.scenario = w.default_scenario()

    def time_simulate(self, stepper):
        ms.simulate(self.scenario, stepper=stepper)


class DefaultScenarioCounts:
    """Work counters and achieved error of the default scenario per stepper and arm (deterministic).

    Error: max over saved times and outputs of |y - ref| / max_t |ref| of that output; reference
    Fehlberg78 at rtol 1e-12, atol 1e-15 stored in benchmarks/asv/reference/default.json.
    """

    params = (list(w.STEPPERS), ["massage", "passive"])
    param_names = ["stepper", "arm"]
    timeout = 900

    def setup_cache(self):
        out = {}
        for stepper in w.STEPPERS:
            res = ms.simulate(w.default_scenario(), stepper=stepper)
            out[stepper] = {"stats": w.arm_stats(res), "error": w.arm_errors(res, "default")}
        return out

    def track_steps(self, cache, stepper, arm):
        return cache[stepper]["stats"][arm]["n_steps"]

    track_steps.unit = "steps"

    def track_rejected(self, cache, stepper, arm):
        return cache[stepper]["stats"][arm]["n_rejected"]

    track_rejected.unit = "steps"

    def track_rhs(self, cache, stepper, arm):
        return cache[stepper]["stats"][arm]["n_rhs"]

    track_rhs.unit = "evaluations"

    def track_jacobians(self, cache, stepper, arm):
        return cache[stepper]["stats"][arm]["n_jac"]

    track_jacobians.unit = "evaluations"

    def track_lu(self, cache, stepper, arm):
        return cache[stepper]["stats"][arm]["n_lu"]

    track_lu.unit = "factorisations"

    def track_error(self, cache, stepper, arm):
        return cache[stepper]["error"][arm]

    track_error.unit = "relative"


class RightHandSide:
    """Cost of one RHS evaluation [ns], timed in C++ (thread CPU, 20 000 calls at the rest state):
    a one-segment limb and the default four-segment limb (81 states), each with the lactate pool."""

    params = (["segment", "limb4"],)
    param_names = ["limb"]
    timeout = 300

    def setup(self, limb):
        _need_private()
        sc = w.default_scenario()
        if limb == "segment":
            sc = sc.replace(limb={"segment_names": ["calf"], "segment_lengths_cm": [40.0]})
        self.prepared = _private.prepare_arm(sc, "massage")

    def track_rhs_cost(self, limb):
        # best of 5 batches: the least disturbed by the other processes on a shared machine
        return min(_private.prepared_rhs_cost_ns(self.prepared, 20000) for _ in range(5))

    track_rhs_cost.unit = "ns"


class Step:
    """CPU time per step of each stepper on the default limb [us]: one solve of the short scenario's
    massage arm (every phase 20 s), timed in C++, divided by its steps."""

    params = (list(w.STEPPERS),)
    param_names = ["stepper"]
    timeout = 300

    def setup(self, stepper):
        _need_private()
        sc = w.short_scenario()
        self.prepared = _private.prepare_arm(sc, "massage")
        self.t_s = np.arange(0.0, sc.duration_s + 1e-9, sc.save_every_s)
        self.solver = sc.solver

    def track_step_cost(self, stepper):
        best = None
        for _ in range(3):
            r = _private.prepared_solve(
                self.prepared, stepper, self.solver["rtol"], self.solver["atol"], self.t_s, self.solver["dt_max_s"]
            )
            per_step_us = r["cpu_s"] / max(int(r["n_steps"]), 1) * 1e6
            best = per_step_us if best is None else min(best, per_step_us)
        return best

    track_step_cost.unit = "us"


class RestState:
    """Building one arm of the default scenario: limb, Newton rest state, input schedule."""

    timer = time.process_time
    number = 1
    repeat = (2, 5, 20.0)
    timeout = 300

    def setup(self):
        _need_private()
        self.scenario = w.default_scenario()

    def time_prepare_arm(self):
        _private.prepare_arm(self.scenario, "massage")


class Sweep:
    """``massagesim.sweep`` of 8 runs of the short scenario's massage arm (every phase 20 s; a rest
    state per run), on 1 and 2 C++ threads. Wall-clock time: CPU time would hide the speed-up."""

    params = ([1, 2],)
    param_names = ["n_threads"]
    number = 1
    repeat = (1, 3, 30.0)
    rounds = 1
    warmup_time = 0.0
    timeout = 600

    def setup(self, n_threads):
        self.scenario = w.short_scenario()
        self.values = {"mean_arterial_pressure_mmHg": list(np.linspace(85.0, 100.0, 8))}

    def time_sweep_8_wall(self, n_threads):
        ms.sweep(self.scenario, self.values, n_threads=n_threads, arms=["massage"])


class SbmlExport:
    """The default limb's equations recorded from the C++ RHS and written as SBML (rules form,
    validated by libSBML): ``model_graph`` + ``graph_to_sbml``."""

    timer = time.process_time
    number = 1
    repeat = (1, 3, 20.0)
    rounds = 1
    timeout = 300

    def setup(self):
        try:
            import libsbml  # noqa: F401
        except ImportError:
            raise NotImplementedError("python-libsbml is not installed") from None
        self.scenario = w.default_scenario()

    def time_model_graph(self):
        ms.model_graph(self.scenario)

    def time_model_graph_and_sbml(self):
        ms.graph_to_sbml(ms.model_graph(self.scenario))
