"""asv benchmarks of the stiff and forced test problems of the peer comparison (ROBER, HIRES,
the tissue chain; benchmarks/cpp/peer_problems.hpp): CPU time, work counters, error against the
Test Set values (ROBER at 1e5: a Rodas4 rtol 1e-12 solve; chain: Fehlberg78 1e-12)."""

from __future__ import annotations

from . import _private
from . import workloads as w


class PeerProblem:
    params = (list(w.PEER_CASES),)
    param_names = ["case"]
    timeout = 300

    def setup_cache(self):
        if not _private.has_private_helpers():
            raise NotImplementedError("this build of massagesim lacks the benchmark helpers")
        return {case: w.run_peer(case) for case in w.PEER_CASES}

    def track_cpu(self, cache, case):
        # thread CPU time of the solve measured in C++: best of 20 (the problems take 0.1-10 ms)
        problem, method, rtol, atol, t1_s = w.PEER_CASES[case]
        return min(_private.peer_solve(problem, method, rtol, atol, t1_s)["cpu_s"] for _ in range(20)) * 1e3

    track_cpu.unit = "ms"

    def track_steps(self, cache, case):
        return cache[case]["n_steps"]

    track_steps.unit = "steps"

    def track_rejected(self, cache, case):
        return cache[case]["n_rejected"]

    track_rejected.unit = "steps"

    def track_rhs(self, cache, case):
        return cache[case]["n_rhs"]

    track_rhs.unit = "evaluations"

    def track_jacobians(self, cache, case):
        return cache[case]["n_jac"]

    track_jacobians.unit = "evaluations"

    def track_error(self, cache, case):
        return cache[case]["error"]

    track_error.unit = "relative"
