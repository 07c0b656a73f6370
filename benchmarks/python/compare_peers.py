#!/usr/bin/env python3
"""Peer comparison on the same equations, in one run: massagesim vs SciPy ``solve_ivp`` (RK45,
LSODA, BDF, Radau), SUNDIALS CVODE and libRoadRunner, at matched *measured* accuracy.

Problems (benchmarks/cpp/peer_runs.hpp): ROBER on [0, 1e5] and [0, 1e11], HIRES on [0, 321.8122]
(errors against Test Set reference values where they exist, else a tight massagesim solve), and
the forced tissue chain of 8 and 30 states (benchmarks/cpp/tissue_chain.hpp, saved every second,
error against Fehlberg78 at rtol 1e-12). Each run's error is measured with the same metric as the
C++ benchmark (``relative_error`` in peer_problems.hpp): max over saved points and components of
|y - ref| / max(|ref|, 1e-6 max|ref(t)|).

* massagesim: ``massagesim._core.bench_peer_*`` (python/bindings/expose_benchmarks.cpp), timed in
  C++ with the thread CPU clock (GIL released), best of several repeats.
* SciPy: ``solve_ivp`` with a NumPy right-hand side written here, checked against the C++ RHS at
  random points first (the script stops if they differ by more than 1e-12 relative). Analytic
  Jacobians for ROBER/HIRES (BDF, Radau, LSODA), none for the chain. CPU time (process_time).
* CVODE: the C++ program ``massagesim_bench_peers`` (if built), run from here, JSON parsed. It also
  times massagesim in C++ next to CVODE (same process), which gives the C++/C++ ratios.

The default scenario (``default_limb``: scenarios/default.json, arm "massage", the 4-segment leg with
its 81 states over 2880 s, saved every 10 s) is the real model: its equations are recorded from the C++
right-hand side (``_core.model_graph_json``) and exported with ``massagesim.sbml`` as SBML (for
libRoadRunner: BDF and Adams, restarted at every protocol breakpoint) and as a generated pure-Python
RHS (for SciPy, checked against the C++ RHS at random states first). massagesim runs through
``_core.bench_prepared_solve`` (Dopri5, Fehlberg78, Rodas4, BDF: the scenarios' stepper). Error: max over saved points and states of
|y - ref| / max_t |ref| of that state; reference Fehlberg78 at rtol 1e-12, atol 1e-15 (checked
against Dopri5 at the same tolerances). libRoadRunner loads in a child process under a memory cap.

Load/compile time (imports, extension load, program start, model export, SBML/Python generation,
libRoadRunner's LLVM compile) is reported apart from simulation time.
Outputs in --out: peers.csv, peers.json (runs, ratios, floors, load times, machine),
work_precision.png, machine.txt. Usage:

    python benchmarks/python/compare_peers.py                 # full run (several minutes)
    python benchmarks/python/compare_peers.py --quick --out /tmp/peers   # smoke run (< 60 s)
    python benchmarks/python/compare_peers.py --problems default_limb --out /tmp/peers   # one problem

The machine may be shared: times are CPU times, not wall times.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = 77  # exit code when the compiled core is missing (ctest SKIP_RETURN_CODE)

_t = time.perf_counter()
import numpy as np  # noqa: E402

LOAD_S: dict[str, float] = {"numpy_import": time.perf_counter() - _t}
_t = time.perf_counter()
from scipy.integrate import solve_ivp  # noqa: E402

LOAD_S["scipy_integrate_import"] = time.perf_counter() - _t


# ---- the equations in NumPy (same as the C++ ones) ---------------------------------------------


def rober_rhs(t, y):
    return np.array(
        [
            -0.04 * y[0] + 1.0e4 * y[1] * y[2],
            0.04 * y[0] - 1.0e4 * y[1] * y[2] - 3.0e7 * y[1] * y[1],
            3.0e7 * y[1] * y[1],
        ]
    )


def rober_jac(t, y):
    return np.array(
        [
            [-0.04, 1.0e4 * y[2], 1.0e4 * y[1]],
            [0.04, -1.0e4 * y[2] - 6.0e7 * y[1], -1.0e4 * y[1]],
            [0.0, 6.0e7 * y[1], 0.0],
        ]
    )


def hires_rhs(t, y):
    return np.array(
        [
            -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007,
            1.71 * y[0] - 8.75 * y[1],
            -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4],
            8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
            -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
            -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
            280.0 * y[5] * y[7] - 1.81 * y[6],
            -280.0 * y[5] * y[7] + 1.81 * y[6],
        ]
    )


def hires_jac(t, y):
    J = np.zeros((8, 8))
    J[0, :3] = [-1.71, 0.43, 8.32]
    J[1, :2] = [1.71, -8.75]
    J[2, 2:5] = [-10.03, 0.43, 0.035]
    J[3, 1:4] = [8.32, 1.71, -1.12]
    J[4, 4:7] = [-1.745, 0.43, 0.43]
    J[5, 3:8] = [0.69, 1.71, -0.43 - 280.0 * y[7], 0.69, -280.0 * y[5]]
    J[6, 5:8] = [280.0 * y[7], -1.81, 280.0 * y[5]]
    J[7, 5:8] = [-280.0 * y[7], 1.81, -280.0 * y[5]]
    return J


def make_chain_rhs(n_seg: int):
    """tissue_chain.hpp's TissueChain<N> with its default parameters, vectorised over segments."""
    V0, Vs, Pref, Kf, Pc, G, dP, A, on_s = 10.0, 2.0, 1.0, 0.01, 15.0, 0.02, 0.5, 40.0, 0.4
    r, k, cb = 0.05, 0.002, 1.0

    def f(t, x):
        V, m = x[0::2], x[1::2]
        cycle = math.floor(t)
        app = np.zeros(n_seg)
        if t < cycle + on_s:
            app[int(cycle) % n_seg] = A
        p = Pref * (np.exp((V - V0) / Vs) - 1.0) + app
        p_next = np.append(p[1:], 0.0)
        z = (p - p_next) / dP
        q_out = G * dP * (np.maximum(z, 0.0) + np.log(1.0 + np.exp(-np.abs(z))))  # softplus, as in C++
        c = m / V
        q_in = np.concatenate(([0.0], q_out[:-1]))
        c_in = np.concatenate(([0.0], c[:-1]))
        dx = np.empty(2 * n_seg)
        dx[0::2] = Kf * (Pc - p) + q_in - q_out
        dx[1::2] = r - k * (c - cb) + q_in * c_in - q_out * c
        return dx

    x0 = np.tile([V0, V0 * cb], n_seg)
    return f, x0


PROBLEMS = {
    # label: (C++ problem name, t1, rhs, jac, x0, stiff?)
    "rober_1e5": ("rober", 1e5, rober_rhs, rober_jac, np.array([1.0, 0.0, 0.0]), True),
    "rober_1e11": ("rober", 1e11, rober_rhs, rober_jac, np.array([1.0, 0.0, 0.0]), True),
    "hires": ("hires", 321.8122, hires_rhs, hires_jac, np.array([1.0, 0, 0, 0, 0, 0, 0, 0.0057]), True),
    "chain8": ("chain8", 3600.0, *make_chain_rhs(4)[:1], None, make_chain_rhs(4)[1], False),
    "chain30": ("chain30", 3600.0, *make_chain_rhs(15)[:1], None, make_chain_rhs(15)[1], False),
}


def relative_error(y: np.ndarray, ref: np.ndarray) -> float:
    """Same metric as peer_problems.hpp::relative_error; y, ref: (n_saved, n_states)."""
    y = np.atleast_2d(y)
    ref = np.atleast_2d(ref)
    if y.shape != ref.shape or not np.all(np.isfinite(y)):
        return math.inf
    scale = np.maximum(np.abs(ref), 1e-6 * np.max(np.abs(ref), axis=1, keepdims=True))
    return float(np.max(np.abs(y - ref) / scale))


# ---- massagesim core ---------------------------------------------------------------------------


class _CoreAndBench:
    """massagesim._core (the model: prepare_arm, model_graph_json) and massagesim._bench (the private
    benchmark helpers: bench_*) as one namespace."""

    def __init__(self, core, bench) -> None:
        self._core, self._bench = core, bench

    def __getattr__(self, name: str):
        return getattr(self._bench if hasattr(self._bench, name) else self._core, name)


def load_core(build: Path, explicit: str | None):
    """The installed package's compiled modules (what `pip install --no-build-isolation .` built):
    massagesim._core and its private benchmark helpers massagesim._bench. `build` and `explicit` are
    kept for the command line's --build/--core, which now only locate the C++ benchmark binaries."""
    del build, explicit
    t = time.perf_counter()
    try:
        from massagesim import _bench, _core  # noqa: PLC0415
    except ImportError as e:
        print(
            f"compare_peers: massagesim with its benchmark helpers is not installed ({e}); run "
            "`pip install --no-build-isolation .`",
            file=sys.stderr,
        )
        sys.exit(SKIP)
    return _CoreAndBench(_core, _bench), str(_bench.__file__), time.perf_counter() - t


def check_rhs(core, label: str, rng: np.random.Generator, n: int = 20) -> float:
    """Max relative difference between the NumPy and the C++ RHS at random points."""
    cname, t1, f, _, x0, _ = PROBLEMS[label]
    worst = 0.0
    for _ in range(n):
        x = x0 * rng.uniform(0.5, 1.5, x0.size) + rng.uniform(0.0, 1e-3, x0.size)
        t = float(rng.uniform(0.0, min(t1, 20.0)))
        a = f(t, x)
        b = np.array(core.bench_peer_rhs(cname, x.tolist(), t))
        worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300 + np.max(np.abs(b))))))
    return worst


def repeats_for(seconds: float, budget: float = 0.3, lo: int = 1, hi: int = 20) -> int:
    return int(min(hi, max(lo, budget / max(seconds, 1e-6))))


def run_massagesim(core, label, method, rtol, atol, t1, ref):
    cname = PROBLEMS[label][0]
    first = core.bench_peer_solve(cname, method, rtol, atol, t1, 1)
    reps = repeats_for(first["cpu_s"])
    w = time.perf_counter()
    r = core.bench_peer_solve(cname, method, rtol, atol, t1, reps) if reps > 1 else first
    wall_per_call = (time.perf_counter() - w) / max(reps, 1)
    err = relative_error(r["y"], ref) if r["ok"] else math.inf
    return dict(
        engine="massagesim",
        method=method,
        cpu_s=min(r["cpu_s"], first["cpu_s"]),
        err=err,
        n_steps=r["n_steps"],
        n_rejected=r["n_rejected"],
        n_rhs=r["n_rhs"],
        n_jac=r["n_jac"],
        repeats=reps,
        python_call_wall_s=wall_per_call,
        ok=r["ok"],
        message=r["message"],
    )


class OverBudget(Exception):
    pass


def with_budget(f, seconds: float):
    """f, raising OverBudget once `seconds` of CPU time have passed since this call (checked every
    256 evaluations): a SciPy run that would take minutes is recorded as over budget instead."""
    start = time.process_time()
    count = [0]

    def g(t, y):
        count[0] += 1
        if count[0] % 256 == 0 and time.process_time() - start > seconds:
            raise OverBudget
        return f(t, y)

    return g


def run_scipy(label, method, rtol, atol, t1, ts, ref, time_budget_s):
    _, _, f0, jac, x0, _ = PROBLEMS[label]
    kw = {}
    if jac is not None and method in ("BDF", "Radau", "LSODA"):
        kw["jac"] = jac
    t_eval = ts if ts.size > 1 else None
    best = math.inf
    sol = None
    reps = 0
    while True:
        c = time.process_time()
        try:
            f = with_budget(f0, time_budget_s)
            sol = solve_ivp(f, (0.0, t1), x0, method=method, rtol=rtol, atol=atol, t_eval=t_eval, **kw)
        except OverBudget:
            return dict(
                engine="scipy",
                method=method,
                cpu_s=time.process_time() - c,
                err=math.nan,
                n_steps=-1,
                n_rejected=-1,
                n_rhs=-1,
                n_jac=-1,
                repeats=1,
                ok=False,
                message=f"over budget: stopped after {time_budget_s} s CPU",
            )
        best = min(best, time.process_time() - c)
        reps += 1
        if reps >= 3 or best * (reps + 1) > min(1.0, time_budget_s):
            break
    if not sol.success:
        return dict(
            engine="scipy",
            method=method,
            cpu_s=best,
            err=math.inf,
            n_steps=0,
            n_rejected=0,
            n_rhs=sol.nfev,
            n_jac=sol.njev,
            repeats=reps,
            ok=False,
            message=sol.message,
        )
    y = sol.y.T if t_eval is not None else sol.y[:, -1:].T
    return dict(
        engine="scipy",
        method=method,
        cpu_s=best,
        err=relative_error(y, ref),
        n_steps=len(sol.t) - 1 if t_eval is None else -1,
        n_rejected=-1,
        n_rhs=sol.nfev,
        n_jac=sol.njev,
        repeats=reps,
        ok=True,
        message="",
    )


def chain_breaks(t1: float, on_s: float = 0.4) -> list[float]:
    """The chain's forcing jumps in (0, t1], then t1: the same arithmetic as TissueChain::jumps."""
    out = []
    k = 0
    while k <= t1:
        if k > 0:
            out.append(float(k))
        if k + on_s <= t1:
            out.append(k + on_s)
        k += 1
    if not out or out[-1] != t1:
        out.append(t1)
    return out


def run_scipy_piecewise(label, method, rtol, atol, t1, ts, ref, time_budget_s):
    """What a careful SciPy user does with a forcing that jumps: one solve_ivp per interval between
    jumps, the forcing of each interval held up to its end (t clamped below the jump, as massagesim's
    driver does), the state carried over. Times the whole loop."""
    _, _, f, _, x0, _ = PROBLEMS[label]
    base = method.removesuffix("-pw")
    breaks = chain_breaks(t1)
    c = time.process_time()
    x = np.array(x0, dtype=float)
    ys = [x.copy()] if ts.size and ts[0] == 0.0 else []
    nfev = 0
    a = 0.0
    i_save = len(ys)
    for b in breaks:
        b_in = np.nextafter(b, -np.inf)
        fa = (lambda bb: lambda t, y: f(min(t, bb), y))(b_in)
        j = i_save
        while j < ts.size and ts[j] <= b:
            j += 1
        t_eval = ts[i_save:j]
        sol = solve_ivp(fa, (a, b), x, method=base, rtol=rtol, atol=atol, t_eval=t_eval if t_eval.size else None)
        nfev += sol.nfev
        if not sol.success:
            return dict(
                engine="scipy",
                method=method,
                cpu_s=time.process_time() - c,
                err=math.inf,
                n_rhs=nfev,
                n_jac=0,
                n_steps=-1,
                n_rejected=-1,
                repeats=1,
                ok=False,
                message=sol.message,
            )
        x = sol.y[:, -1].copy() if t_eval.size == 0 or t_eval[-1] != b else sol.y[:, -1].copy()
        if t_eval.size:
            ys.extend(sol.y.T)
            i_save = j
        if t_eval.size and t_eval[-1] != b:
            # the segment's end state (not saved): integrate output was at t_eval only
            x = solve_ivp(fa, (t_eval[-1], b), sol.y[:, -1], method=base, rtol=rtol, atol=atol).y[:, -1]
        a = b
        if time.process_time() - c > time_budget_s:
            return dict(
                engine="scipy",
                method=method,
                cpu_s=time.process_time() - c,
                err=math.nan,
                n_rhs=nfev,
                n_jac=0,
                n_steps=-1,
                n_rejected=-1,
                repeats=1,
                ok=False,
                message="aborted: over budget",
            )
    cpu = time.process_time() - c
    return dict(
        engine="scipy",
        method=method,
        cpu_s=cpu,
        err=relative_error(np.array(ys), ref),
        n_steps=-1,
        n_rejected=-1,
        n_rhs=nfev,
        n_jac=0,
        repeats=1,
        ok=True,
        message="",
    )


def run_cvode_binary(binary: Path, quick: bool, chain_t1: float, out_json: Path):
    args = [
        str(binary),
        "--benchmark_format=json",
        f"--benchmark_out={out_json}",
        "--benchmark_out_format=json",
        "--benchmark_min_time=0.1",
        f"--peers_chain_t1={chain_t1:g}",
    ]
    if quick:
        args += ["--peers_quick", f"--peers_chain_t1={chain_t1:g}", "--benchmark_min_time=0.02"]
    t = time.perf_counter()
    subprocess.run([str(binary), "--benchmark_list_tests"], check=True, capture_output=True)
    startup = time.perf_counter() - t
    subprocess.run(args, check=True, capture_output=True, text=True)
    data = json.loads(out_json.read_text())
    rows = []
    for b in data["benchmarks"]:
        if b.get("error_occurred"):
            continue
        _, label, method, tol = b["name"].split("/")
        rtol, atol = (float(s.split("=")[1]) for s in tol.split(","))
        rows.append(
            dict(
                engine="cvode" if method.startswith("cvode") else "massagesim_cpp",
                method=method,
                label=label,
                rtol=rtol,
                atol=atol,
                cpu_s=b["cpu_ms_per_solve"] * 1e-3,
                err=b["err"],
                n_steps=b["steps"],
                n_rejected=b["rejected"],
                n_rhs=b["rhs_evals"],
                n_jac=b["jac_evals"],
                floor_ratio=b.get("floor_ratio", float("nan")),
                ok=True,
            )
        )
    return rows, startup, data.get("context", {})


# ---- the default scenario: the real model, exported --------------------------------------------

DEFAULT_LABEL = "default_limb"
DEFAULT_ARM = "massage"
DEFAULT_SAVE_DT_S = 10.0
# massagesim's step cap (bench_prepared_solve's dt_max_s, as simulate uses it); the peers get the same
# max_step so that no engine may step over a short protocol feature the others resolve.
DEFAULT_DT_MAX_S = 10.0
DEFAULT_HAS = (
    "Scenario",
    "prepare_arm",
    "bench_prepared_solve",
    "bench_prepared_rhs",
    "bench_prepared_rhs_cost_ns",
    "model_graph_json",
)


def load_sbml_module():
    """massagesim.sbml without running the package's __init__ (which imports the installed _core; a
    second copy of the core next to one loaded from a build directory cannot be imported). sbml.py
    needs only its sibling _units.py; the source tree's copy is preferred, else the installed one."""
    dirs = [ROOT / "python" / "massagesim"]
    try:
        spec = importlib.util.find_spec("massagesim")
        if spec is not None and spec.submodule_search_locations:
            dirs.append(Path(list(spec.submodule_search_locations)[0]))
    except (ImportError, ValueError):
        pass
    for d in dirs:
        if (d / "sbml" / "__init__.py").exists() and (d / "_units.py").exists():
            pkg_name = "_compare_peers_massagesim"
            pkg = types.ModuleType(pkg_name)
            pkg.__path__ = [str(d)]
            sys.modules[pkg_name] = pkg
            return importlib.import_module(pkg_name + ".sbml"), str(d / "sbml")
    return None, None


def state_scaled_error(y: np.ndarray, ref: np.ndarray) -> float:
    """Max over saved points and states of |y - ref| / max_t |ref| of that state (default scenario)."""
    y = np.atleast_2d(y)
    ref = np.atleast_2d(ref)
    if y.shape != ref.shape or not np.all(np.isfinite(y)):
        return math.inf
    scale = np.max(np.abs(ref), axis=0)
    scale = np.where(scale > 0.0, scale, 1e-300)
    return float(np.max(np.abs(y - ref) / scale))


class _IEEEMath:
    """`math` for the generated RHS with IEEE results instead of exceptions (exp overflow -> inf,
    log/sqrt of a negative -> nan), as the C++ RHS computes them; used only when the fast generated
    RHS raises. The same libm functions as `math` (NumPy's own SIMD exp/log differ by an ulp)."""

    def __getattr__(self, name: str):
        fn = getattr(math, name)
        if not callable(fn):
            return fn

        def ieee(*a):
            try:
                return np.float64(fn(*a))  # a NumPy scalar: what follows is IEEE arithmetic too
            except OverflowError:
                return np.float64(math.inf)
            except (ValueError, ZeroDivisionError):
                return np.float64(math.nan)

        return ieee


def python_rhs(sbml_mod, graph: dict):
    """graph_to_python's rhs(t, y), and a fallback for the states where it raises.

    The generated code evaluates both branches of every select as plain statements, so a branch
    that the C++ RHS computes and discards (exp of a large argument -> inf) raises OverflowError in
    Python (seen at states 0.1 % off a trajectory). The wrapper re-evaluates such a call with NumPy
    scalars and functions (IEEE semantics), counts it, and returns the same values the C++ RHS gives.
    Arithmetic on NumPy float64 scalars is the same IEEE double arithmetic (x ** 8.0 overflows to inf
    instead of raising). Cost: one extra Python call per evaluation (~0.1 us of ~50 us)."""
    t = time.perf_counter()
    fast, source = sbml_mod.graph_to_python(graph)
    gen_s = time.perf_counter() - t
    ns: dict = {"__name__": "compare_peers_ieee_rhs"}
    exec(compile(source, "<massagesim rhs, IEEE fallback>", "exec"), ns)  # noqa: S102
    ns["math"] = _IEEEMath()
    slow = ns["make_rhs"]()
    fallbacks = [0]

    def f(t, y):
        try:
            return fast(t, y)
        except (OverflowError, ValueError, ZeroDivisionError) as e:
            fallbacks[0] += 1
            try:
                with np.errstate(all="ignore"):
                    return np.asarray(slow(t, [np.float64(v) for v in y]), dtype=float)
            except (OverflowError, ValueError, ZeroDivisionError) as e2:
                raise RuntimeError(f"generated RHS at t = {t}: {e!r}; IEEE fallback: {e2!r}") from e2

    f.fallbacks = fallbacks
    return f, fast, gen_s


class BudgetedRHS:
    """f, counting calls and raising OverBudget once `seconds` of process CPU time have passed since
    construction (checked every 256 calls)."""

    def __init__(self, f, seconds: float):
        self.f, self.seconds, self.calls, self.start = f, seconds, 0, time.process_time()

    def __call__(self, t, y):
        self.calls += 1
        if self.calls % 256 == 0 and time.process_time() - self.start > self.seconds:
            raise OverBudget
        return self.f(t, y)


def scipy_piecewise(f, x0, ts, breaks, method, rtol, atol, max_step):
    """One solve_ivp per interval between breakpoints (what a careful SciPy user does with a protocol
    that jumps): the equations of each interval held up to its end (t clamped below the breakpoint,
    as massagesim's driver does), the state carried over, outputs at ts. Returns (y, nfev, njev)."""
    edges = [float(ts[0])] + [float(b) for b in breaks if ts[0] < b < ts[-1]] + [float(ts[-1])]
    x = np.array(x0, dtype=float)
    ys = [x.copy()]
    k = 1  # next output index (ts[0] is the initial state)
    nfev = njev = 0
    for a, b in zip(edges[:-1], edges[1:]):
        b_in = np.nextafter(b, -np.inf)

        def fa(t, y, b_in=b_in):
            return f(t if t < b_in else b_in, y)

        j = int(np.searchsorted(ts, b, side="right"))
        inner = ts[k:j]
        ends = bool(inner.size) and inner[-1] == b
        t_eval = inner if ends else np.append(inner, b)
        sol = solve_ivp(
            fa, (a, b), x, method=method, rtol=rtol, atol=atol, t_eval=t_eval, max_step=max_step if max_step else np.inf
        )
        nfev += sol.nfev
        njev += sol.njev
        if not sol.success:
            raise RuntimeError(f"solve_ivp {method} failed on [{a:g}, {b:g}] s: {sol.message}")
        ys.extend(sol.y.T[: inner.size])
        x = sol.y[:, -1].copy()
        k = j
    return np.array(ys), nfev, njev


def run_scipy_default(D, method, rtol, atol, budget_s):
    """One SciPy run on the default scenario (method "X-pw": piecewise between breakpoints, "X": one
    solve_ivp over the whole span, not told about the breakpoints). CPU time: process_time."""
    base = method.removesuffix("-pw")
    row = dict(
        engine="scipy", method=method, label=DEFAULT_LABEL, rtol=rtol, atol=atol, repeats=1, n_steps=-1, n_rejected=-1
    )
    best = math.inf
    reps = 0
    y = None
    while True:
        f = BudgetedRHS(D["rhs"], budget_s)
        fb0 = D["rhs"].fallbacks[0]
        c = time.process_time()
        try:
            with warnings.catch_warnings():
                # BDF's finite-difference Jacobian (scipy common.num_jac) warns of overflow in its step factors.
                warnings.simplefilter("ignore", RuntimeWarning)
                if method.endswith("-pw"):
                    y, nfev, njev = scipy_piecewise(
                        f, D["x0"], D["ts"], D["breaks"], base, rtol, atol, DEFAULT_DT_MAX_S
                    )
                else:
                    sol = solve_ivp(
                        f, (D["ts"][0], D["ts"][-1]), D["x0"], method=base, rtol=rtol, atol=atol, t_eval=D["ts"]
                    )
                    if not sol.success:
                        raise RuntimeError(f"solve_ivp {base} failed: {sol.message}")
                    y, nfev, njev = sol.y.T, sol.nfev, sol.njev
        except OverBudget:
            row.update(
                cpu_s=time.process_time() - c,
                err=math.nan,
                n_rhs=f.calls,
                n_jac=-1,
                ok=False,
                message=f"over budget: stopped after {budget_s:g} s CPU",
            )
            return row
        except RuntimeError as e:
            row.update(cpu_s=time.process_time() - c, err=math.inf, n_rhs=f.calls, n_jac=-1, ok=False, message=str(e))
            return row
        best = min(best, time.process_time() - c)
        reps += 1
        if reps >= 3 or best * (reps + 1) > min(1.0, budget_s):
            break
    row.update(
        cpu_s=best,
        err=state_scaled_error(y, D["ref"]),
        n_rhs=f.calls,
        scipy_nfev=nfev,
        n_jac=njev,
        repeats=reps,
        ok=True,
        message=(
            f"{D['rhs'].fallbacks[0] - fb0} RHS calls needed the IEEE fallback" if D["rhs"].fallbacks[0] > fb0 else ""
        ),
    )
    return row


def run_massagesim_default(core, D, method, rtol, atol, cheap_s: float = 1.5):
    """bench_prepared_solve (thread CPU time in C++, GIL released); best of 3 when a solve is cheap."""
    ts = D["ts"].tolist()
    first = core.bench_prepared_solve(D["prep"], method, rtol, atol, ts, 1, DEFAULT_DT_MAX_S)
    cpu, reps, r = first["cpu_s"], 1, first
    if first["ok"] and first["cpu_s"] < cheap_s:
        r = core.bench_prepared_solve(D["prep"], method, rtol, atol, ts, 2, DEFAULT_DT_MAX_S)
        cpu, reps = min(cpu, r["cpu_s"]), 3
    err = state_scaled_error(np.asarray(r["y"]), D["ref"]) if r["ok"] else math.inf
    return dict(
        engine="massagesim",
        method=method,
        label=DEFAULT_LABEL,
        rtol=rtol,
        atol=atol,
        cpu_s=cpu,
        err=err,
        n_steps=r["n_steps"],
        n_rejected=r["n_rejected"],
        n_rhs=r["n_rhs"],
        n_jac=r["n_jac"],
        repeats=reps,
        ok=r["ok"],
        message=r["message"],
    )


def expanded_tree_size(graph: dict) -> dict:
    """Symbol references in the equations once every intermediate is substituted by its formula at
    each use (what a code generator without common-subexpression caching emits): per rate, and over
    all intermediates (libRoadRunner's initial-value functions expand each assignment rule so)."""
    import re  # noqa: PLC0415

    tok = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    size: dict[str, int] = {}
    for a in graph["assignments"]:
        toks = tok.findall(a["sbml"])
        size[a["id"]] = len(toks) + sum(size[t] for t in toks if t in size)
    rates = 0
    for st in graph["states"]:
        toks = tok.findall(st["rate"]["sbml"])
        rates += len(toks) + sum(size[t] for t in toks if t in size)
    return {
        "n_assignments": len(size),
        "rates_expanded": rates,
        "assignments_expanded": sum(size.values()),
        "largest_assignment_expanded": max(size.values()) if size else 0,
    }


_RR_CHILD = r"""
import json, resource, sys, time, importlib, types
import numpy as np
args = json.loads(sys.argv[1])
lim = int(args["mem_bytes"])
resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
pkg = types.ModuleType("_rr_massagesim"); pkg.__path__ = [args["sbml_dir"]]; sys.modules["_rr_massagesim"] = pkg
sbml = importlib.import_module("_rr_massagesim.sbml")
import roadrunner
out = {"roadrunner": roadrunner.__version__, "runs": []}
def dump():
    with open(args["out"], "w") as fh:
        json.dump(out, fh)
text = open(args["sbml_path"]).read()
cfg = roadrunner.Config
cfg.setValue(cfg.LOADSBMLOPTIONS_RECOMPILE, True)
w, c = time.perf_counter(), time.process_time()
out["stage"] = "load"; dump()
rr = roadrunner.RoadRunner(text)
out["load_s"], out["load_cpu_s"] = time.perf_counter() - w, time.process_time() - c
out["stage"] = "loaded"; out["maxrss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; dump()
ts = np.asarray(args["ts"])
for stiff, rtol, atol in args["runs"]:
    run = {"stiff": stiff, "rtol": rtol, "atol": atol}
    try:
        best = None
        for rep in range(args["repeats"]):
            y, tim = sbml.simulate_roadrunner(rr, ts, rtol=rtol, atol=atol, breakpoints=args["breaks"],
                                              max_step=args["max_step"], stiff=stiff, t0_s=float(ts[0]))
            if best is None or tim["simulate_cpu_s"] < best[1]["simulate_cpu_s"]:
                best = (y, tim)
            if tim["simulate_cpu_s"] * (rep + 2) > 1.0:
                break
        run.update(ok=True, y=best[0].tolist(), repeats=rep + 1, **best[1])
    except Exception as e:  # noqa: BLE001 - reported
        run.update(ok=False, message=f"{type(e).__name__}: {e}"[:300])
    out["runs"].append(run)
    dump()
out["stage"] = "done"; dump()
"""


def run_roadrunner_child(D, sbml_path: Path, sbml_dir: str, runs, mem_gb: float, timeout_s: float, out_json: Path):
    """libRoadRunner in a child process with an address-space cap and a wall-clock timeout: its LLVM
    code generator expands assignment rules at each use, which on this model's equations can exhaust
    the machine's memory. Returns the child's JSON (stage reached, load time, runs) and a failure text."""
    if out_json.exists():
        out_json.unlink()
    args = dict(
        mem_bytes=int(mem_gb * 2**30),
        sbml_dir=sbml_dir,
        sbml_path=str(sbml_path),
        out=str(out_json),
        ts=D["ts"].tolist(),
        breaks=list(D["breaks"]),
        max_step=DEFAULT_DT_MAX_S,
        runs=runs,
        repeats=1 if len(D["ts"]) > 100 else 3,
    )
    w = time.perf_counter()
    c0 = os.times()
    try:
        p = subprocess.run(
            [sys.executable, "-c", _RR_CHILD, json.dumps(args)], capture_output=True, text=True, timeout=timeout_s
        )
        why = "" if p.returncode == 0 else (p.stderr.strip().splitlines() or [f"exit code {p.returncode}"])[-1][:300]
    except subprocess.TimeoutExpired:
        why = f"timed out after {timeout_s:g} s wall-clock"
    c1 = os.times()
    res = json.loads(out_json.read_text()) if out_json.exists() else {"stage": "start"}
    res["child_wall_s"] = time.perf_counter() - w
    res["child_cpu_s"] = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)
    res["mem_cap_GB"] = mem_gb
    res["failure"] = why
    return res


def setup_default(core, sbml_mod, t1: float, rng: np.random.Generator, load_s: dict) -> dict:
    """The default scenario's arm: prepared C++ problem, recorded equations, generated Python RHS
    (checked against the C++ one), SBML text, reference solution."""
    D: dict = {"t1_s": t1}
    c = time.perf_counter()
    scenario = core.Scenario.default()
    D["prep"] = core.prepare_arm(scenario, DEFAULT_ARM)
    load_s["default_prepare_arm"] = time.perf_counter() - c
    c = time.perf_counter()
    graph = json.loads(core.model_graph_json(scenario, arm=DEFAULT_ARM, kind="limb", t1_s=t1))
    load_s["default_model_graph_json"] = time.perf_counter() - c
    D["graph"] = graph
    D["x0"] = np.array([s_["initial_value"] for s_ in graph["states"]], dtype=float)
    rest = np.asarray(D["prep"].rest_state, dtype=float)
    if rest.shape != D["x0"].shape or np.max(np.abs(rest - D["x0"])) > 0.0:
        sys.exit("compare_peers: the model graph's initial values differ from the prepared arm's rest state")
    D["breaks"] = [float(b) for b in graph["breakpoints_s"]]
    D["ts"] = np.arange(0.0, t1 + 0.5 * DEFAULT_SAVE_DT_S, DEFAULT_SAVE_DT_S)
    D["rhs"], _, load_s["default_graph_to_python"] = python_rhs(sbml_mod, graph)
    c = time.perf_counter()
    D["sbml"] = sbml_mod.graph_to_sbml(graph)
    load_s["default_graph_to_sbml"] = time.perf_counter() - c
    D["expanded"] = expanded_tree_size(graph)

    # reference, and its accuracy against Dopri5 at the same tolerances
    ts = D["ts"].tolist()
    ref = core.bench_prepared_solve(D["prep"], "fehlberg78", 1e-12, 1e-15, ts, 1, DEFAULT_DT_MAX_S)
    if not ref["ok"]:
        sys.exit(f"compare_peers: the default scenario's reference solve failed: {ref['message']}")
    D["ref"] = np.asarray(ref["y"])
    chk = core.bench_prepared_solve(D["prep"], "dopri5", 1e-12, 1e-15, ts, 1, DEFAULT_DT_MAX_S)
    D["reference"] = {
        "source": "massagesim fehlberg78 rtol 1e-12 atol 1e-15",
        "cpu_s": ref["cpu_s"],
        "n_rhs": ref["n_rhs"],
        "n_steps": ref["n_steps"],
        "vs_dopri5_1e-12": state_scaled_error(np.asarray(chk["y"]), D["ref"]) if chk["ok"] else math.inf,
        "dopri5_cpu_s": chk["cpu_s"],
    }

    # the generated Python RHS == the C++ RHS at states near the trajectory, random times
    worst, n_fb = 0.0, D["rhs"].fallbacks[0]
    for _ in range(20):
        x = D["ref"][rng.integers(0, len(D["ts"]))] * (1.0 + 1e-4 * rng.uniform(-1.0, 1.0, D["x0"].size))
        t = float(rng.uniform(0.0, t1))
        a = D["rhs"](t, x)
        b = np.asarray(core.bench_prepared_rhs(D["prep"], x.tolist(), t))
        worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))))
    D["rhs_check"] = {"max_rel_diff": worst, "points": 20, "ieee_fallbacks": D["rhs"].fallbacks[0] - n_fb}
    return D


# ---- ratios at matched error ------------------------------------------------------------------


def time_at_error(points: list[tuple[float, float]], err: float):
    """log-log interpolation of CPU time at a given error on a work-precision curve [(err, time)].
    Returns (time, how): how = 'interp', 'loosest' (the curve's loosest run is already more accurate
    than asked: its time, a conservative bound) or None when the error is below the curve's range."""
    pts = sorted((e, t) for e, t in points if math.isfinite(e) and e > 0)
    if not pts or not math.isfinite(err) or err <= 0:
        return None, None
    if err >= pts[-1][0]:
        return min(t for _, t in pts[-1:]), "loosest"
    if err < pts[0][0]:
        return None, None
    for (e0, t0), (e1, t1) in zip(pts, pts[1:]):
        if e0 <= err <= e1:
            if e1 == e0:
                return min(t0, t1), "interp"
            w = (math.log(err) - math.log(e0)) / (math.log(e1) - math.log(e0))
            return math.exp(math.log(t0) + w * (math.log(t1) - math.log(t0))), "interp"
    return None, None


def machine_description(build: Path) -> dict:
    d = {"platform": platform.platform(), "python": sys.version.split()[0], "numpy": np.__version__}
    import scipy  # noqa: PLC0415

    d["scipy"] = scipy.__version__
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        keep = (
            "Architecture",
            "Model name",
            "CPU(s)",
            "Thread(s) per core",
            "Core(s) per socket",
            "CPU max MHz",
            "L1d cache",
            "L2 cache",
            "L3 cache",
            "Hypervisor vendor",
            "Flags",
        )
        d["lscpu"] = {
            k.strip(): v.strip()
            for k, v in (ln.split(":", 1) for ln in lscpu.splitlines() if ":" in ln)
            if k.strip() in keep and k.strip() != "Flags"
        }
    except OSError:
        d["lscpu"] = {}
    cache = build / "CMakeCache.txt"
    if cache.exists():
        for ln in cache.read_text().splitlines():
            if ln.startswith(("CMAKE_CXX_COMPILER:", "CMAKE_BUILD_TYPE:", "CMAKE_CXX_FLAGS_RELEASE:")):
                k, v = ln.split("=", 1)
                d[k.split(":")[0]] = v
        cxx = d.get("CMAKE_CXX_COMPILER", "c++")
        try:
            d["compiler"] = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            pass
    for pkg in ("libsundials-dev", "libeigen3-dev", "libboost-dev", "libbenchmark-dev"):
        try:
            d[pkg] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
        except OSError:
            pass
    d["blas_env"] = {k: v for k, v in os.environ.items() if "BLAS" in k or k.startswith("OMP_")}
    d["load_average"] = os.getloadavg()
    return d


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few tolerances, short spans (smoke test, < 60 s)")
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "peers", help="CMake build directory")
    ap.add_argument("--core", default=None, help="ignored (the installed massagesim._bench is used)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="output directory")
    ap.add_argument("--no-cvode", action="store_true", help="do not run massagesim_bench_peers")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument(
        "--scipy-budget-s",
        type=float,
        default=20.0,
        help="skip tighter tolerances of a SciPy method once one run takes longer than this",
    )
    ap.add_argument(
        "--scipy-budget-default-s",
        type=float,
        default=60.0,
        help="the same on the default scenario (--quick: at most 10 s)",
    )
    ap.add_argument(
        "--scipy-default-plain",
        action="store_true",
        help="also one solve_ivp RK45 over the whole default scenario (loosest tolerance; ~40 s CPU)",
    )
    ap.add_argument(
        "--problems",
        default="",
        help="comma-separated subset of rober_1e5,rober_1e11,hires,chain8,chain30,default_limb",
    )
    ap.add_argument("--no-roadrunner", action="store_true", help="do not try libRoadRunner on the default scenario")
    ap.add_argument(
        "--roadrunner-sbml",
        choices=("auto", "rules", "functions"),
        default="auto",
        help="SBML form given to libRoadRunner: graph_to_sbml's intermediates= ('auto': 'functions', "
        "the form meant for libRoadRunner, when this massagesim.sbml has it, else 'rules')",
    )
    ap.add_argument(
        "--roadrunner-mem-gb",
        type=float,
        default=4.0,
        help="address-space cap of the libRoadRunner child process (its LLVM compile may exhaust memory)",
    )
    ap.add_argument(
        "--roadrunner-timeout-s",
        type=float,
        default=240.0,
        help="wall-clock limit of the libRoadRunner child process (load + all its runs)",
    )
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()

    core, core_path, LOAD_S["massagesim_core_load"] = load_core(args.build, args.core)
    print(f"massagesim core: {core_path}")

    if args.quick:
        labels = ["rober_1e5", "hires", "chain8"]
        chain_t1 = 60.0
        stiff_tols = [(1e-6, 1e-6), (1e-8, 1e-8)]
        chain_tols = [(1e-4, 1e-6), (1e-6, 1e-8)]
        scipy_stiff = ["LSODA", "BDF", "Radau"]
        scipy_chain = ["RK45", "LSODA", "RK45-pw"]
        ms_extra_stiff = [(1e-4, 1e-4)]
        ms_extra_chain = [(1e-10, 1e-12)]
        default_t1 = 360.0
        default_tols = [(1e-6, 1e-9)]
        default_ms = {
            "dopri5": [(1e-4, 1e-7), (1e-6, 1e-9), (1e-8, 1e-11)],
            "rodas4": [(1e-6, 1e-9)],
            "fehlberg78": [(1e-6, 1e-9)],
            "bdf": [(1e-6, 1e-9)],
        }
        default_scipy = ["LSODA-pw"]
        default_budget = min(10.0, args.scipy_budget_default_s)
    else:
        labels = ["rober_1e5", "rober_1e11", "hires", "chain8", "chain30"]
        chain_t1 = 3600.0
        stiff_tols = [(1e-4, 1e-4), (1e-6, 1e-6), (1e-8, 1e-8), (1e-10, 1e-10), (1e-6, 1e-10)]
        chain_tols = [(1e-4, 1e-6), (1e-6, 1e-8), (1e-8, 1e-10)]
        scipy_stiff = ["LSODA", "BDF", "Radau"]
        scipy_chain = ["RK45", "LSODA", "BDF", "Radau", "RK45-pw", "LSODA-pw"]
        ms_extra_stiff = [(1e-3, 1e-3), (1e-11, 1e-11)]
        ms_extra_chain = [(1e-3, 1e-5), (1e-10, 1e-12)]
        default_t1 = 2880.0
        default_tols = [(1e-4, 1e-7), (1e-6, 1e-9), (1e-8, 1e-11)]
        # Rodas4 at 1e-8 takes ~24 s (145 k steps) and adds nothing to the curve: left out.
        default_ms = {
            "dopri5": [(1e-3, 1e-6), *default_tols, (1e-10, 1e-13)],
            "fehlberg78": default_tols,
            "rodas4": [(1e-3, 1e-6), (1e-4, 1e-7), (1e-6, 1e-9)],
            # The scenarios' stepper (simulation::limb_bdf: BDF orders 1-5, sparse LU on the pattern).
            "bdf": [(1e-3, 1e-6), *default_tols, (1e-10, 1e-13)],
        }
        # Plain one-shot RK45 (not told about the breakpoints) costs as much as RK45-pw (~40 s CPU per
        # run, stability-limited): not cheap, left out of the full run (--scipy-default-plain adds it).
        default_scipy = ["LSODA-pw", "BDF-pw", "RK45-pw"] + (["RK45"] if args.scipy_default_plain else [])
        default_budget = args.scipy_budget_default_s
    if args.problems:
        wanted = {p.strip() for p in args.problems.split(",") if p.strip()}
        unknown = wanted - set(PROBLEMS) - {DEFAULT_LABEL}
        if unknown:
            sys.exit(f"compare_peers: --problems: unknown {sorted(unknown)}")
        labels = [lab for lab in labels if lab in wanted]
    run_default = not args.problems or DEFAULT_LABEL in wanted
    sbml_mod = sbml_path = None
    if run_default:
        missing = [n for n in DEFAULT_HAS if not hasattr(core, n)]
        sbml_mod, sbml_path = load_sbml_module()
        if missing or sbml_mod is None:
            print(
                f"default scenario skipped: the core lacks {missing}"
                if missing
                else "default scenario skipped: massagesim/sbml.py not found"
            )
            run_default = False

    rng = np.random.default_rng(6)
    rhs_check = {lab: check_rhs(core, lab, rng) for lab in labels}
    for lab, d in rhs_check.items():
        print(f"RHS check {lab}: max relative difference NumPy vs C++ = {d:.2e}")
        if d > 1e-12:
            sys.exit(f"compare_peers: the NumPy RHS of {lab} differs from the C++ one ({d:.2e})")

    # The default scenario's setup first (export, generated RHS checked against the C++ one, reference):
    # a failure stops the run before any timing.
    D = None
    if run_default:
        D = setup_default(core, sbml_mod, default_t1, rng, LOAD_S)
        chk = D["rhs_check"]
        print(
            f"RHS check {DEFAULT_LABEL}: max relative difference generated Python vs C++ = {chk['max_rel_diff']:.2e} "
            f"({chk['points']} states near the trajectory, {chk['ieee_fallbacks']} IEEE fallbacks)"
        )
        if chk["max_rel_diff"] > 1e-6:
            sys.exit(f"compare_peers: the generated Python RHS differs from the C++ one ({chk['max_rel_diff']:.2e})")
        if chk["max_rel_diff"] > 1e-12:
            print(f"WARNING: generated Python RHS vs C++: {chk['max_rel_diff']:.2e} > 1e-12 (reported, not fatal)")
        refd = D["reference"]
        print(
            f"{DEFAULT_LABEL} reference: fehlberg78 1e-12/1e-15, {refd['cpu_s']:.2f} s CPU; vs dopri5 1e-12/1e-15: "
            f"{refd['vs_dopri5_1e-12']:.1e}"
        )

    # Cost of one RHS: C++ (floor unit) and NumPy (SciPy's floor unit).
    rhs_cost: dict[str, dict] = {}
    for lab in labels:
        cname, t1, f, _, x0, _ = PROBLEMS[lab]
        n = 2000
        c = time.process_time()
        for i in range(n):
            f(0.001 * i, x0)
        numpy_ns = (time.process_time() - c) / n * 1e9  # before the C++ measurement (it takes time too)
        rhs_cost[lab] = {
            "cpp_ns": core.bench_peer_rhs_cost_ns(cname, 100000 if args.quick else 200000),
            "numpy_ns": numpy_ns,
        }

    runs: list[dict] = []
    refs = {}
    for lab in labels:
        cname, t1, f, jac, x0, stiff = PROBLEMS[lab]
        if not stiff:
            t1 = chain_t1
        c = time.process_time()
        ref = core.bench_peer_reference(cname, t1)
        refs[lab] = {"source": ref["source"], "cpu_s": time.process_time() - c}
        ts = np.asarray(ref["t_s"])
        y_ref = np.asarray(ref["y"])
        tols = stiff_tols if stiff else chain_tols
        ms_methods = ["rodas4", "rodas4_user"] if stiff else ["dopri5", "rodas4"]
        # massagesim also at looser and tighter settings, so its curve spans the peers' errors.
        ms_tols = sorted(set(tols) | set(ms_extra_stiff if stiff else ms_extra_chain), key=lambda x: -x[0])
        for method in ms_methods:
            for rtol, atol in ms_tols:
                r = run_massagesim(core, lab, method, rtol, atol, t1, y_ref)
                r.update(label=lab, rtol=rtol, atol=atol)
                runs.append(r)
        for method in scipy_stiff if stiff else scipy_chain:
            too_slow = False
            for rtol, atol in sorted(tols, key=lambda x: -x[0]):
                if too_slow:
                    runs.append(
                        dict(
                            engine="scipy",
                            method=method,
                            label=lab,
                            rtol=rtol,
                            atol=atol,
                            cpu_s=math.nan,
                            err=math.nan,
                            ok=False,
                            message=f"skipped: a looser run took > {args.scipy_budget_s} s",
                        )
                    )
                    continue
                if method.endswith("-pw"):
                    r = run_scipy_piecewise(lab, method, rtol, atol, t1, ts, y_ref, args.scipy_budget_s)
                else:
                    r = run_scipy(lab, method, rtol, atol, t1, ts, y_ref, args.scipy_budget_s)
                r.update(label=lab, rtol=rtol, atol=atol)
                runs.append(r)
                too_slow = r["cpu_s"] > args.scipy_budget_s
        print(f"{lab}: done ({time.perf_counter() - t_start:.1f} s elapsed)")

    # The default scenario (real model, 81 states): massagesim, SciPy on the generated Python RHS,
    # libRoadRunner on the SBML export.
    default_info: dict = {}
    if run_default:
        refs[DEFAULT_LABEL] = refd
        labels_all = labels + [DEFAULT_LABEL]
        n = 200 if args.quick else 1000
        c = time.process_time()
        for i in range(n):
            D["rhs"](D["ts"][i % len(D["ts"])], D["ref"][i % len(D["ts"])])
        numpy_ns = (time.process_time() - c) / n * 1e9
        rhs_cost[DEFAULT_LABEL] = {
            "cpp_ns": core.bench_prepared_rhs_cost_ns(D["prep"], 2000 if args.quick else 20000),
            "numpy_ns": numpy_ns,
        }
        for method, tols in default_ms.items():
            for rtol, atol in tols:
                runs.append(run_massagesim_default(core, D, method, rtol, atol))
        print(f"{DEFAULT_LABEL}: massagesim done ({time.perf_counter() - t_start:.1f} s elapsed)")
        for method in default_scipy:
            too_slow = False
            tols = default_tols if method.endswith("-pw") else default_tols[:1]  # one-shot: loosest only
            for rtol, atol in sorted(tols, key=lambda x: -x[0]):
                if too_slow:
                    runs.append(
                        dict(
                            engine="scipy",
                            method=method,
                            label=DEFAULT_LABEL,
                            rtol=rtol,
                            atol=atol,
                            cpu_s=math.nan,
                            err=math.nan,
                            ok=False,
                            message=f"skipped: a looser run took > {default_budget:g} s",
                        )
                    )
                    continue
                r = run_scipy_default(D, method, rtol, atol, default_budget)
                runs.append(r)
                too_slow = r["cpu_s"] > default_budget or not r["ok"]
                print(f"  scipy {method} {rtol:.0e}: {r['cpu_s']:.2f} s CPU, err {r['err']:.2e} {r.get('message', '')}")
        print(f"{DEFAULT_LABEL}: SciPy done ({time.perf_counter() - t_start:.1f} s elapsed)")
        rr_info: dict = {"skipped": ""}
        rr_runs = [[stiff, rtol, atol] for stiff in (True, False) for rtol, atol in default_tols]
        if args.quick or args.no_roadrunner:
            rr_info["skipped"] = "--quick" if args.quick else "--no-roadrunner"
        else:
            import inspect  # noqa: PLC0415

            has_form = "intermediates" in inspect.signature(sbml_mod.graph_to_sbml).parameters
            form = args.roadrunner_sbml if args.roadrunner_sbml != "auto" else ("functions" if has_form else "rules")
            text = D["sbml"]
            if form != "rules":
                c = time.perf_counter()
                text = sbml_mod.graph_to_sbml(D["graph"], intermediates=form, validate=False)  # validated in the tests
                LOAD_S[f"default_graph_to_sbml_{form}"] = time.perf_counter() - c
            path = args.out / "default_limb.sbml.xml"
            path.write_text(text)
            rr_info = run_roadrunner_child(
                D,
                path,
                str(Path(sbml_path).parent),
                rr_runs,
                args.roadrunner_mem_gb,
                args.roadrunner_timeout_s,
                args.out / "roadrunner_child.json",
            )
            path.unlink()
            (args.out / "roadrunner_child.json").unlink(missing_ok=True)
            rr_info["sbml_form"] = form
            rr_info["sbml_chars"] = len(text)
            if "load_s" in rr_info:
                LOAD_S["default_roadrunner_load"] = rr_info["load_s"]
                LOAD_S["default_roadrunner_load_cpu"] = rr_info["load_cpu_s"]
        done = {(r["stiff"], r["rtol"], r["atol"]): r for r in rr_info.get("runs", [])}
        for stiff, rtol, atol in rr_runs:
            rr = done.get((stiff, rtol, atol))
            row = dict(
                engine="roadrunner",
                method="cvode_bdf" if stiff else "cvode_adams",
                label=DEFAULT_LABEL,
                rtol=rtol,
                atol=atol,
                n_steps=-1,
                n_rejected=-1,
                n_rhs=-1,
                n_jac=-1,
                repeats=1,
            )
            if rr and rr.get("ok"):
                row.update(
                    cpu_s=rr["simulate_cpu_s"],
                    wall_s=rr["simulate_s"],
                    repeats=rr["repeats"],
                    ok=True,
                    err=state_scaled_error(np.asarray(rr["y"]), D["ref"]),
                    message="",
                )
            else:
                why = (
                    (rr or {}).get("message")
                    or rr_info.get("skipped")
                    or (
                        f"load ({rr_info.get('sbml_form')} SBML) failed at stage '{rr_info.get('stage')}' after "
                        f"{rr_info.get('child_cpu_s', 0):.0f} s CPU "
                        f"(cap {rr_info.get('mem_cap_GB')} GB): {rr_info.get('failure')}"
                    )
                )
                row.update(cpu_s=math.nan, err=math.nan, ok=False, message=why)
            runs.append(row)
        rr_info.pop("runs", None)
        print(
            f"{DEFAULT_LABEL}: libRoadRunner: "
            + (
                rr_info.get("skipped")
                or (f"loaded in {rr_info['load_s']:.2f} s" if "load_s" in rr_info else runs[-1]["message"])
            )
        )
        default_info = dict(
            t1_s=default_t1,
            arm=DEFAULT_ARM,
            n_states=int(D["x0"].size),
            n_breakpoints=len(D["breaks"]),
            n_saved=int(D["ts"].size),
            dt_max_s=DEFAULT_DT_MAX_S,
            error="max over saved points and states of |y - ref| / max_t |ref| of that state",
            reference=refd,
            rhs_check=chk,
            python_rhs_ieee_fallbacks=D["rhs"].fallbacks[0],
            sbml_chars=len(D["sbml"]),
            sbml_module=sbml_path,
            expanded_tree_size=D["expanded"],
            roadrunner=rr_info,
            scipy_budget_s=default_budget,
        )
        print(f"{DEFAULT_LABEL}: done ({time.perf_counter() - t_start:.1f} s elapsed)")
    else:
        labels_all = labels

    # CVODE (and massagesim in the same C++ process).
    binary = args.build / "benchmarks" / "massagesim_bench_peers"
    cvode_context = {}
    if not args.no_cvode and binary.exists() and labels:
        rows, LOAD_S["cvode_program_start"], cvode_context = run_cvode_binary(
            binary, args.quick, chain_t1, args.out / ("bench_peers_quick.json" if args.quick else "bench_peers.json")
        )
        runs += [r for r in rows if r["label"] in labels]
        print(f"CVODE program: {len(rows)} runs parsed ({time.perf_counter() - t_start:.1f} s elapsed)")
    elif not args.no_cvode and labels:
        print(f"CVODE program not built ({binary}); CVODE columns left out")

    # Floors: CPU time / (RHS evaluations x cost of one RHS).
    for r in runs:
        cost = rhs_cost[r["label"]]
        if r["engine"] == "massagesim" and r.get("ok"):
            r["floor_ratio"] = r["cpu_s"] / (r["n_rhs"] * cost["cpp_ns"] * 1e-9)
        elif r["engine"] == "scipy" and r.get("ok"):
            r["floor_ratio"] = r["cpu_s"] / (r["n_rhs"] * cost["numpy_ns"] * 1e-9)

    # Ratios at matched error: peer time / massagesim time interpolated at the peer's error.
    # Reference curve: the massagesim method of the same process (Python-timed for SciPy, the C++
    # program's for CVODE), the faster of its methods at each error.
    ratios = []
    for lab in labels_all:
        for engine, ms_engine in (("scipy", "massagesim"), ("cvode", "massagesim_cpp"), ("roadrunner", "massagesim")):
            ms_methods = sorted({r["method"] for r in runs if r["label"] == lab and r["engine"] == ms_engine})
            curves = {
                m: [
                    (r["err"], r["cpu_s"])
                    for r in runs
                    if r["label"] == lab and r["engine"] == ms_engine and r["method"] == m and r.get("ok")
                ]
                for m in ms_methods
            }
            for r in runs:
                if r["label"] != lab or r["engine"] != engine or not r.get("ok") or not math.isfinite(r["err"]):
                    continue
                best = (None, None, None)
                for m, pts in curves.items():
                    t, how = time_at_error(pts, r["err"])
                    if t is not None and (best[0] is None or t < best[0]):
                        best = (t, how, m)
                ratios.append(
                    dict(
                        label=lab,
                        peer=f"{engine}:{r['method']}",
                        rtol=r["rtol"],
                        atol=r["atol"],
                        peer_err=r["err"],
                        peer_cpu_s=r["cpu_s"],
                        massagesim_method=best[2],
                        massagesim_cpu_s=best[0],
                        how=best[1],
                        ratio=(r["cpu_s"] / best[0]) if best[0] else math.nan,
                    )
                )

    # ---- write -----------------------------------------------------------------------------------
    fields = [
        "label",
        "engine",
        "method",
        "rtol",
        "atol",
        "cpu_s",
        "err",
        "n_steps",
        "n_rejected",
        "n_rhs",
        "n_jac",
        "floor_ratio",
        "repeats",
        "python_call_wall_s",
        "ok",
        "message",
    ]
    with open(args.out / "peers.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in runs:
            w.writerow(r)
    with open(args.out / "ratios.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(ratios[0].keys()) if ratios else ["label"])
        w.writeheader()
        for r in ratios:
            w.writerow(r)
    machine = machine_description(args.build)
    machine["sundials_context"] = cvode_context.get("sundials")
    machine["massagesim_core"] = core_path
    (args.out / "machine.txt").write_text("\n".join(f"{k}: {v}" for k, v in machine.items()) + "\n")
    if default_info:
        rhs_check[DEFAULT_LABEL] = default_info["rhs_check"]["max_rel_diff"]
    summary = dict(
        quick=args.quick,
        chain_t1_s=chain_t1,
        load_s=LOAD_S,
        rhs_check_max_rel_diff=rhs_check,
        rhs_cost=rhs_cost,
        references=refs,
        default_scenario=default_info,
        runs=runs,
        ratios=ratios,
        machine=machine,
        command=" ".join([Path(sys.executable).name] + sys.argv),
        total_wall_s=time.perf_counter() - t_start,
    )
    (args.out / "peers.json").write_text(json.dumps(summary, indent=1, default=str))

    if not args.no_plot:
        plot(runs, labels_all, args.out / "work_precision.png")

    # ---- print -----------------------------------------------------------------------------------
    print("\nload/compile times [s]: " + ", ".join(f"{k} {v:.3f}" for k, v in LOAD_S.items()))
    print("\nruns (CPU time per solve):")
    print(
        f"{'problem':12} {'engine':15} {'method':12} {'rtol':>7} {'atol':>7} {'cpu_ms':>10} {'err':>9} {'rhs':>8} {'floor':>6}"
    )
    for r in runs:
        print(
            f"{r['label']:12} {r['engine']:15} {r['method']:12} {r['rtol']:7.0e} {r['atol']:7.0e} "
            f"{1e3 * r['cpu_s']:10.3f} {r['err']:9.2e} {r.get('n_rhs', 0) or 0:8.0f} {r.get('floor_ratio', math.nan):6.2f}"
            + (f"  {r['message'][:90]}" if not r.get("ok") and r.get("message") else "")
        )
    print("\nratios at matched error (peer CPU time / massagesim CPU time interpolated at the peer's error):")
    for q in ratios:
        print(
            f"{q['label']:12} {q['peer']:18} rtol {q['rtol']:.0e} atol {q['atol']:.0e}  err {q['peer_err']:.2e}  "
            f"{q['ratio']:9.1f} x  vs {q['massagesim_method']} ({q['how']})"
        )
    print(f"\nwrote {args.out} in {time.perf_counter() - t_start:.1f} s")
    return 0


def plot(runs, labels, path: Path) -> None:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    n = len(labels)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.2 * rows), squeeze=False)
    styles = {"massagesim": "-o", "massagesim_cpp": "--o", "scipy": "-s", "cvode": "-^", "roadrunner": "-v"}
    for ax, lab in zip(axes.flat, labels):
        keys = sorted({(r["engine"], r["method"]) for r in runs if r["label"] == lab})
        for eng, m in keys:
            pts = sorted(
                (r["err"], r["cpu_s"])
                for r in runs
                if r["label"] == lab
                and r["engine"] == eng
                and r["method"] == m
                and r.get("ok")
                and math.isfinite(r["err"])
                and r["err"] > 0
            )
            if pts:
                e, t = zip(*pts)
                name = {"massagesim": "massagesim (Python)", "massagesim_cpp": "massagesim (C++)"}.get(eng, eng)
                ax.loglog(e, np.asarray(t) * 1e3, styles[eng], label=f"{name} {m}", ms=4)
        failed = [r for r in runs if r["label"] == lab and r["engine"] == "roadrunner" and not r.get("ok")]
        ax.set_title(
            lab + (f"\nlibRoadRunner not shown: {failed[0]['message'].split('): ')[-1][:45]}" if failed else ""),
            fontsize=10 if not failed else 9,
        )
        ax.set_xlabel(
            "error (max |y - ref| / max_t |ref| per state)"
            if lab == DEFAULT_LABEL
            else "error (max relative, vs reference)"
        )
        ax.set_ylabel("CPU time per solve [ms]")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Work-precision: massagesim vs SciPy solve_ivp, SUNDIALS CVODE, libRoadRunner (same equations)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
