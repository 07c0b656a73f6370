#!/usr/bin/env python3
"""Peer comparison on the same equations, in one run: massagesim vs SciPy ``solve_ivp`` (RK45,
LSODA, BDF, Radau) and SUNDIALS CVODE, at matched *measured* accuracy.

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

Load/compile time (imports, extension load, program start) is reported apart from simulation time.
Outputs in --out: peers.csv, peers.json (runs, ratios, floors, load times, machine),
work_precision.png, machine.txt. Usage:

    python benchmarks/python/compare_peers.py                 # full run (several minutes)
    python benchmarks/python/compare_peers.py --quick --out /tmp/peers   # smoke run (< 60 s)

The machine may be shared: times are CPU times, not wall times.
"""

from __future__ import annotations

import argparse
import csv
import glob
import importlib.machinery
import importlib.util
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
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
    return np.array([-0.04 * y[0] + 1.0e4 * y[1] * y[2],
                     0.04 * y[0] - 1.0e4 * y[1] * y[2] - 3.0e7 * y[1] * y[1],
                     3.0e7 * y[1] * y[1]])


def rober_jac(t, y):
    return np.array([[-0.04, 1.0e4 * y[2], 1.0e4 * y[1]],
                     [0.04, -1.0e4 * y[2] - 6.0e7 * y[1], -1.0e4 * y[1]],
                     [0.0, 6.0e7 * y[1], 0.0]])


def hires_rhs(t, y):
    return np.array([
        -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007,
        1.71 * y[0] - 8.75 * y[1],
        -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4],
        8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
        -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
        -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
        280.0 * y[5] * y[7] - 1.81 * y[6],
        -280.0 * y[5] * y[7] + 1.81 * y[6]])


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

def load_core(build: Path, explicit: str | None):
    """The compiled core with the bench_peer_* entries: --core, else <build>/python/_core*.so, else
    the installed massagesim._core."""
    t = time.perf_counter()
    paths = [explicit] if explicit else sorted(glob.glob(str(build / "python" / "_core*.so")))
    for path in paths:
        if path and Path(path).exists():
            loader = importlib.machinery.ExtensionFileLoader("_core", path)
            spec = importlib.util.spec_from_file_location("_core", path, loader=loader)
            mod = importlib.util.module_from_spec(spec)
            loader.exec_module(mod)
            if hasattr(mod, "bench_peer_solve"):
                return mod, path, time.perf_counter() - t
    try:
        from massagesim import _core  # noqa: PLC0415
    except ImportError:
        _core = None
    if not hasattr(_core, "bench_peer_solve"):
        print("compare_peers: no massagesim._core with bench_peer_solve; build the module "
              "(-DMASSAGESIM_BUILD_PYTHON=ON, target _core) and pass --build or --core", file=sys.stderr)
        sys.exit(SKIP)
    return _core, _core.__file__, time.perf_counter() - t


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
    return dict(engine="massagesim", method=method, cpu_s=min(r["cpu_s"], first["cpu_s"]), err=err,
                n_steps=r["n_steps"], n_rejected=r["n_rejected"], n_rhs=r["n_rhs"], n_jac=r["n_jac"],
                repeats=reps, python_call_wall_s=wall_per_call, ok=r["ok"], message=r["message"])


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
            return dict(engine="scipy", method=method, cpu_s=time.process_time() - c, err=math.nan, n_steps=-1,
                        n_rejected=-1, n_rhs=-1, n_jac=-1, repeats=1, ok=False,
                        message=f"over budget: stopped after {time_budget_s} s CPU")
        best = min(best, time.process_time() - c)
        reps += 1
        if reps >= 3 or best * (reps + 1) > min(1.0, time_budget_s):
            break
    if not sol.success:
        return dict(engine="scipy", method=method, cpu_s=best, err=math.inf, n_steps=0, n_rejected=0,
                    n_rhs=sol.nfev, n_jac=sol.njev, repeats=reps, ok=False, message=sol.message)
    y = sol.y.T if t_eval is not None else sol.y[:, -1:].T
    return dict(engine="scipy", method=method, cpu_s=best, err=relative_error(y, ref), n_steps=len(sol.t) - 1 if t_eval is None else -1,
                n_rejected=-1, n_rhs=sol.nfev, n_jac=sol.njev, repeats=reps, ok=True, message="")


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
        fa = (lambda bb: (lambda t, y: f(min(t, bb), y)))(b_in)
        j = i_save
        while j < ts.size and ts[j] <= b:
            j += 1
        t_eval = ts[i_save:j]
        sol = solve_ivp(fa, (a, b), x, method=base, rtol=rtol, atol=atol,
                        t_eval=t_eval if t_eval.size else None)
        nfev += sol.nfev
        if not sol.success:
            return dict(engine="scipy", method=method, cpu_s=time.process_time() - c, err=math.inf, n_rhs=nfev,
                        n_jac=0, n_steps=-1, n_rejected=-1, repeats=1, ok=False, message=sol.message)
        x = sol.y[:, -1].copy() if t_eval.size == 0 or t_eval[-1] != b else sol.y[:, -1].copy()
        if t_eval.size:
            ys.extend(sol.y.T)
            i_save = j
        if t_eval.size and t_eval[-1] != b:
            # the segment's end state (not saved): integrate output was at t_eval only
            x = solve_ivp(fa, (t_eval[-1], b), sol.y[:, -1], method=base, rtol=rtol, atol=atol).y[:, -1]
        a = b
        if time.process_time() - c > time_budget_s:
            return dict(engine="scipy", method=method, cpu_s=time.process_time() - c, err=math.nan, n_rhs=nfev,
                        n_jac=0, n_steps=-1, n_rejected=-1, repeats=1, ok=False, message="aborted: over budget")
    cpu = time.process_time() - c
    return dict(engine="scipy", method=method, cpu_s=cpu, err=relative_error(np.array(ys), ref), n_steps=-1,
                n_rejected=-1, n_rhs=nfev, n_jac=0, repeats=1, ok=True, message="")


def run_cvode_binary(binary: Path, quick: bool, chain_t1: float, out_json: Path):
    args = [str(binary), "--benchmark_format=json", f"--benchmark_out={out_json}", "--benchmark_out_format=json",
            "--benchmark_min_time=0.1", f"--peers_chain_t1={chain_t1:g}"]
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
        rows.append(dict(engine="cvode" if method.startswith("cvode") else "massagesim_cpp", method=method,
                         label=label, rtol=rtol, atol=atol, cpu_s=b["cpu_ms_per_solve"] * 1e-3, err=b["err"],
                         n_steps=b["steps"], n_rejected=b["rejected"], n_rhs=b["rhs_evals"], n_jac=b["jac_evals"],
                         floor_ratio=b.get("floor_ratio", float("nan")), ok=True))
    return rows, startup, data.get("context", {})


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
        keep = ("Architecture", "Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "CPU max MHz",
                "L1d cache", "L2 cache", "L3 cache", "Hypervisor vendor", "Flags")
        d["lscpu"] = {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in lscpu.splitlines() if ":" in ln)
                      if k.strip() in keep and k.strip() != "Flags"}
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
    ap.add_argument("--core", default=None, help="path of a _core*.so with bench_peer_* (default: from --build)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="output directory")
    ap.add_argument("--no-cvode", action="store_true", help="do not run massagesim_bench_peers")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--scipy-budget-s", type=float, default=20.0,
                    help="skip tighter tolerances of a SciPy method once one run takes longer than this")
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
    else:
        labels = ["rober_1e5", "rober_1e11", "hires", "chain8", "chain30"]
        chain_t1 = 3600.0
        stiff_tols = [(1e-4, 1e-4), (1e-6, 1e-6), (1e-8, 1e-8), (1e-10, 1e-10), (1e-6, 1e-10)]
        chain_tols = [(1e-4, 1e-6), (1e-6, 1e-8), (1e-8, 1e-10)]
        scipy_stiff = ["LSODA", "BDF", "Radau"]
        scipy_chain = ["RK45", "LSODA", "BDF", "Radau", "RK45-pw", "LSODA-pw"]
        ms_extra_stiff = [(1e-3, 1e-3), (1e-11, 1e-11)]
        ms_extra_chain = [(1e-3, 1e-5), (1e-10, 1e-12)]

    rng = np.random.default_rng(6)
    rhs_check = {lab: check_rhs(core, lab, rng) for lab in labels}
    for lab, d in rhs_check.items():
        print(f"RHS check {lab}: max relative difference NumPy vs C++ = {d:.2e}")
        if d > 1e-12:
            sys.exit(f"compare_peers: the NumPy RHS of {lab} differs from the C++ one ({d:.2e})")

    # Cost of one RHS: C++ (floor unit) and NumPy (SciPy's floor unit).
    rhs_cost = {}
    for lab in labels:
        cname, t1, f, _, x0, _ = PROBLEMS[lab]
        n = 2000
        c = time.process_time()
        for i in range(n):
            f(0.001 * i, x0)
        rhs_cost[lab] = {"cpp_ns": core.bench_peer_rhs_cost_ns(cname, 100000 if args.quick else 200000),
                         "numpy_ns": (time.process_time() - c) / n * 1e9}

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
        for method in (scipy_stiff if stiff else scipy_chain):
            too_slow = False
            for rtol, atol in sorted(tols, key=lambda x: -x[0]):
                if too_slow:
                    runs.append(dict(engine="scipy", method=method, label=lab, rtol=rtol, atol=atol, cpu_s=math.nan,
                                     err=math.nan, ok=False, message=f"skipped: a looser run took > {args.scipy_budget_s} s"))
                    continue
                if method.endswith("-pw"):
                    r = run_scipy_piecewise(lab, method, rtol, atol, t1, ts, y_ref, args.scipy_budget_s)
                else:
                    r = run_scipy(lab, method, rtol, atol, t1, ts, y_ref, args.scipy_budget_s)
                r.update(label=lab, rtol=rtol, atol=atol)
                runs.append(r)
                too_slow = r["cpu_s"] > args.scipy_budget_s
        print(f"{lab}: done ({time.perf_counter() - t_start:.1f} s elapsed)")

    # CVODE (and massagesim in the same C++ process).
    binary = args.build / "benchmarks" / "massagesim_bench_peers"
    cvode_context = {}
    if not args.no_cvode and binary.exists():
        rows, LOAD_S["cvode_program_start"], cvode_context = run_cvode_binary(
            binary, args.quick, chain_t1, args.out / ("bench_peers_quick.json" if args.quick else "bench_peers.json"))
        runs += [r for r in rows if r["label"] in labels]
        print(f"CVODE program: {len(rows)} runs parsed ({time.perf_counter() - t_start:.1f} s elapsed)")
    elif not args.no_cvode:
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
    for lab in labels:
        stiff = PROBLEMS[lab][5]
        for engine, ms_engine in (("scipy", "massagesim"), ("cvode", "massagesim_cpp")):
            ms_methods = sorted({r["method"] for r in runs if r["label"] == lab and r["engine"] == ms_engine})
            curves = {m: [(r["err"], r["cpu_s"]) for r in runs if r["label"] == lab and r["engine"] == ms_engine
                          and r["method"] == m and r.get("ok")] for m in ms_methods}
            for r in runs:
                if r["label"] != lab or r["engine"] != engine or not r.get("ok") or not math.isfinite(r["err"]):
                    continue
                best = (None, None, None)
                for m, pts in curves.items():
                    t, how = time_at_error(pts, r["err"])
                    if t is not None and (best[0] is None or t < best[0]):
                        best = (t, how, m)
                ratios.append(dict(label=lab, peer=f"{engine}:{r['method']}", rtol=r["rtol"], atol=r["atol"],
                                   peer_err=r["err"], peer_cpu_s=r["cpu_s"], massagesim_method=best[2],
                                   massagesim_cpu_s=best[0], how=best[1],
                                   ratio=(r["cpu_s"] / best[0]) if best[0] else math.nan))

    # ---- write -----------------------------------------------------------------------------------
    fields = ["label", "engine", "method", "rtol", "atol", "cpu_s", "err", "n_steps", "n_rejected", "n_rhs", "n_jac",
              "floor_ratio", "repeats", "python_call_wall_s", "ok", "message"]
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
    summary = dict(quick=args.quick, chain_t1_s=chain_t1, load_s=LOAD_S, rhs_check_max_rel_diff=rhs_check,
                   rhs_cost=rhs_cost, references=refs, runs=runs, ratios=ratios, machine=machine,
                   command=" ".join([Path(sys.executable).name] + sys.argv),
                   total_wall_s=time.perf_counter() - t_start)
    (args.out / "peers.json").write_text(json.dumps(summary, indent=1, default=str))

    if not args.no_plot:
        plot(runs, labels, args.out / "work_precision.png")

    # ---- print -----------------------------------------------------------------------------------
    print("\nload/compile times [s]: " + ", ".join(f"{k} {v:.3f}" for k, v in LOAD_S.items()))
    print("\nruns (CPU time per solve):")
    print(f"{'problem':11} {'engine':15} {'method':12} {'rtol':>7} {'atol':>7} {'cpu_ms':>10} {'err':>9} {'rhs':>8} {'floor':>6}")
    for r in runs:
        print(f"{r['label']:11} {r['engine']:15} {r['method']:12} {r['rtol']:7.0e} {r['atol']:7.0e} "
              f"{1e3 * r['cpu_s']:10.3f} {r['err']:9.2e} {r.get('n_rhs', 0) or 0:8.0f} {r.get('floor_ratio', math.nan):6.2f}")
    print("\nratios at matched error (peer CPU time / massagesim CPU time interpolated at the peer's error):")
    for q in ratios:
        print(f"{q['label']:11} {q['peer']:18} rtol {q['rtol']:.0e} atol {q['atol']:.0e}  err {q['peer_err']:.2e}  "
              f"{q['ratio']:9.1f} x  vs {q['massagesim_method']} ({q['how']})")
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
    styles = {"massagesim": "-o", "massagesim_cpp": "--o", "scipy": "-s", "cvode": "-^"}
    for ax, lab in zip(axes.flat, labels):
        keys = sorted({(r["engine"], r["method"]) for r in runs if r["label"] == lab})
        for eng, m in keys:
            pts = sorted((r["err"], r["cpu_s"]) for r in runs if r["label"] == lab and r["engine"] == eng
                         and r["method"] == m and r.get("ok") and math.isfinite(r["err"]) and r["err"] > 0)
            if pts:
                e, t = zip(*pts)
                name = {"massagesim": "massagesim (Python)", "massagesim_cpp": "massagesim (C++)"}.get(eng, eng)
                ax.loglog(e, np.asarray(t) * 1e3, styles[eng], label=f"{name} {m}", ms=4)
        ax.set_title(lab)
        ax.set_xlabel("error (max relative, vs reference)")
        ax.set_ylabel("CPU time per solve [ms]")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Work-precision: massagesim vs SciPy solve_ivp vs SUNDIALS CVODE (same equations)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
