#!/usr/bin/env python3
"""The headline series of the speed history as one PNG (for the README), from asv's results.

    python benchmarks/asv/plot_history.py [--results benchmarks/results/asv] [--out benchmarks/results/asv_history.png]

Panels, one point per commit (oldest left): CPU time of the default scenario per stepper; the
instruction counts of the callgrind workloads relative to their first commit (noise-free); RHS
evaluations of the default scenario per stepper (both arms).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import json
import math
from pathlib import Path

from check import INSTR_REL  # the quick check's instruction threshold, drawn as a band (same directory)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def load(results_dir: Path, machine: str | None, env: str | None = None) -> tuple[str, list[dict]]:
    machines = sorted(p.name for p in results_dir.iterdir() if p.is_dir())
    if not machines:
        raise SystemExit(f"{results_dir}: no asv results (run `asv run` first)")
    machine = machine or machines[0]
    files = [
        (f, json.loads(f.read_text()))
        for f in sorted((results_dir / machine).glob("*.json"))
        if f.name != "machine.json"
    ]
    # one series: the environment with the most commits (or --env), as on one line of the dashboard
    envs = sorted({d["env_name"] for _, d in files}, key=lambda e: -sum(d["env_name"] == e for _, d in files))
    env = env or (envs[0] if envs else None)
    runs = []
    for f, d in files:
        if d["env_name"] != env:
            continue
        cols = d["result_columns"]
        table = {}
        for name, row in d["results"].items():
            rec = dict(zip(cols, row))
            values = rec.get("result")
            params = rec.get("params") or []
            if values is None:
                continue
            keys = list(itertools.product(*params)) if params else [()]
            table[name] = {tuple(eval(p) for p in k): v for k, v in zip(keys, values)}  # params are reprs
        runs.append({"commit": d["commit_hash"][:8], "date": d.get("date", 0), "results": table})
    runs.sort(key=lambda r: r["date"])
    return machine, runs


def plot_known(ax, x: list[int], ys: list[float], *args, **kw) -> None:
    """Plot the measured points only, joined across commits where the benchmark was not run."""
    pts = [(xi, y) for xi, y in zip(x, ys) if not math.isnan(y)]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], *args, **kw)


def series(runs: list[dict], bench: str, key: tuple) -> list[float]:
    out = []
    for r in runs:
        v = r["results"].get(bench, {}).get(key)
        out.append(float(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else float("nan"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default=str(REPO / "benchmarks" / "results" / "asv"))
    ap.add_argument("--machine", default=None)
    ap.add_argument("--env", default=None, help="asv environment name (default: the one with the most commits)")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "asv_history.png"))
    args = ap.parse_args()
    machine, runs = load(Path(args.results), args.machine, args.env)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = list(range(len(runs)))
    labels = [f"{r['commit'][:7]} {_dt.datetime.fromtimestamp(r['date'] / 1e3, _dt.timezone.utc):%m-%d}" for r in runs]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
    steppers = ("rodas4", "dopri5", "fehlberg78")

    ax = axes[0]
    for s in steppers:
        plot_known(ax, x, series(runs, "bench_model.DefaultScenario.time_simulate", (s,)), "o-", label=s)
    ax.set_ylabel("CPU time [s]")
    ax.set_title("Default scenario, both arms (2 x 2880 s)")
    ax.set_ylim(bottom=0)
    ax.legend()

    ax = axes[1]
    sections = sorted(
        {k[0] for r in runs for k in r["results"].get("bench_instructions.Instructions.track_instructions", {})}
    )
    for sec in sections:
        ys = series(runs, "bench_instructions.Instructions.track_instructions", (sec,))
        first = next((y for y in ys if not math.isnan(y)), float("nan"))
        plot_known(ax, x, [100.0 * (y / first - 1.0) for y in ys], "o-", label=f"{sec} ({first / 1e9:.3g} G)")
    pct = 100.0 * INSTR_REL
    ax.axhspan(-pct, pct, color="0.9", zorder=0, label=f"check threshold +-{pct:g} %")
    ax.set_ylabel("instructions vs first commit [%]")
    n_measured = sum(bool(r["results"].get("bench_instructions.Instructions.track_instructions")) for r in runs)
    ax.set_title(f"Instruction counts (callgrind; noise-free): {n_measured} of {len(runs)} commits")
    ax.legend(fontsize=7)

    ax = axes[2]
    for s in steppers:
        ys = [
            a + b
            for a, b in zip(
                series(runs, "bench_model.DefaultScenarioCounts.track_rhs", (s, "massage")),
                series(runs, "bench_model.DefaultScenarioCounts.track_rhs", (s, "passive")),
            )
        ]
        plot_known(ax, x, [y / 1e3 for y in ys], "o-", label=s)
    ax.set_ylabel("RHS evaluations [thousands]")
    ax.set_title("Default scenario: RHS evaluations (both arms)")
    ax.set_ylim(bottom=0)
    ax.legend()

    for ax in axes:
        ax.set_xticks(x)
        ax.set_xticklabels(labels, rotation=60, fontsize=7)
        ax.set_xlabel("commit (oldest left)")
        ax.grid(alpha=0.3)
    fig.suptitle(f"massagesim speed history (asv, machine {machine})", fontsize=11)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"plot_history: wrote {out} ({len(runs)} commits)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
