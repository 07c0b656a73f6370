"""Python-side timings: simulate() overhead against the C++ facade, and sweep throughput on 1 and 2 threads.

python python/tools/bench_python.py SCENARIO.json [N]     (C++ reference: bench_facade.cpp)
"""

from __future__ import annotations

import statistics
import sys
import time

import massagesim as ms
from massagesim import _core
from massagesim._simulate import make_options


def timed(fn, n: int) -> tuple[float, float]:
    fn()  # warm-up
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts), min(ts)


def main() -> None:
    sc = ms.Scenario.from_file(sys.argv[1]) if len(sys.argv) > 1 else ms.Scenario.default()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    opts = make_options()
    med, lo = timed(lambda: _core.simulate(sc._cpp, opts), n)
    print(f"_core.simulate (binding only):        median {med:.3f} ms, min {lo:.3f} ms")
    med2, lo2 = timed(lambda: ms.simulate(sc), n)
    print(f"ms.simulate (Result, zero-copy views): median {med2:.3f} ms, min {lo2:.3f} ms")
    med3, lo3 = timed(lambda: ms.simulate(sc).to_pandas(sc.arm_names[0] if sc.arm_names else "protocol"), n)
    print(f"ms.simulate + to_pandas(arm):          median {med3:.3f} ms, min {lo3:.3f} ms")
    runs = 32
    grid = {
        "mean_arterial_pressure_mmHg": [float(x) for x in range(75, 75 + runs // 2)],
        "tissue_mass_g": [1500.0, 2500.0],
    }
    for threads in (1, 2):
        t0 = time.perf_counter()
        ms.sweep(sc, grid, n_threads=threads)
        dt = time.perf_counter() - t0
        print(f"sweep, {runs} runs, {threads} thread(s): {dt:.2f} s = {runs / dt:.2f} runs/s")


if __name__ == "__main__":
    main()
