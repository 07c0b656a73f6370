"""The ONE place where the speed-tracking suite touches massagesim's non-public entry points.

Everything else in benchmarks/asv/ calls the public API (``massagesim.simulate``, ``Scenario``,
``sweep``, ``model_graph``, ``graph_to_sbml``). The benchmark helpers of the compiled core
(``bench_*``) live in the private module ``massagesim._bench``; ``prepare_arm`` and
``metric_names`` in ``massagesim._core``. If the C++ entry functions are renamed, change the
callgrind patterns in ``CALLGRIND_ENTRY``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from massagesim import _core

try:
    from massagesim import _bench as _bench_module
except ImportError:  # commits before 9c263bd carry the bench_* helpers in _core itself (history runs)
    _bench_module = _core


class _Helpers:
    """The private benchmark helpers (``massagesim._bench``: bench_*) and the core entries they take
    (``massagesim._core``: prepare_arm, metric_names) as one namespace."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_bench_module if hasattr(_bench_module, name) else _core, name)


_bench = _Helpers()

#: C++ functions whose inclusive instruction count callgrind collects for each kind of workload
#: (``--toggle-collect`` patterns: collection switches on at entry and off at exit, so patterns
#: must never name functions that call one another). Demangled names, ``*`` wildcards.
CALLGRIND_ENTRY = {
    "prepare_arm": "massagesim::simulation::prepare_arm(*",
    "solve_prepared": "massagesim::simulation::solve_prepared(*",
    "prepared_rhs": "massagesim::simulation::prepared_rhs(*",
}
#: An exported function, never called by the workloads, that marks the end of a section of the
#: instruction program: callgrind dumps its counters before each call (``--dump-before``).
CALLGRIND_SECTION_END = "massagesim::simulation::metric_names*"


def end_section() -> None:
    """End a section of the callgrind instruction program (a cheap call callgrind dumps before)."""
    _bench.metric_names()


# The peer problems (ROBER, HIRES, chain) are solved by inline functions that leave no symbol in the
# stripped extension, so they get counts and errors but no instruction count.


def has_private_helpers() -> bool:
    """True when the compiled core carries the helpers this module needs."""
    return all(hasattr(_bench, n) for n in ("prepare_arm", "bench_prepared_solve", "bench_peer_solve"))


def prepare_arm(scenario: Any, arm: str = "") -> Any:
    """One arm as ``simulate`` builds it (limb, rest state, schedule); ``scenario``: a massagesim.Scenario."""
    return _bench.prepare_arm(scenario._cpp, arm)


def rest_state(prepared: Any) -> np.ndarray:
    return np.asarray(prepared.rest_state, dtype=float)


def prepared_solve(prepared: Any, stepper: str, rtol: float, atol: float, t_s: np.ndarray, dt_max_s: float) -> dict:
    """Solve a prepared arm from its rest state; dict with y, n_steps, n_rhs, n_jac, cpu_s (thread CPU)."""
    return dict(_bench.bench_prepared_solve(prepared, stepper, rtol, atol, list(map(float, t_s)), 1, dt_max_s))


def prepared_rhs(prepared: Any, x: np.ndarray, t_s: float) -> np.ndarray:
    return np.asarray(_bench.bench_prepared_rhs(prepared, x, float(t_s)))


def prepared_rhs_cost_ns(prepared: Any, reps: int) -> float:
    """Thread-CPU cost of one RHS evaluation of a prepared arm [ns], timed in C++."""
    return float(_bench.bench_prepared_rhs_cost_ns(prepared, int(reps)))


def peer_solve(problem: str, method: str, rtol: float, atol: float, t1_s: float) -> dict:
    """ROBER / HIRES / chain8 / chain30 (benchmarks/cpp/peer_problems.hpp) solved in C++."""
    return dict(_bench.bench_peer_solve(problem, method, rtol, atol, t1_s, 1))


def peer_reference(problem: str, t1_s: float) -> dict:
    return dict(_bench.bench_peer_reference(problem, t1_s))


def peer_rhs_cost_ns(problem: str, reps: int) -> float:
    return float(_bench.bench_peer_rhs_cost_ns(problem, int(reps)))
