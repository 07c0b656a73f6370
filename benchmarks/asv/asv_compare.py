"""`check.py compare BASE [HEAD]`: run the asv suite on two commits in one asv run, then apply
per-kind thresholds (asv's own `continuous`/`compare` have one factor for everything, too loose
for noise-free counts or too tight for times on a shared machine).

Kinds, by benchmark name:
- counts (track_steps, track_rejected, track_rhs, track_jacobians, track_lu): check.COUNT_REL/ABS;
- instructions (track_instructions): check.INSTR_REL;
- errors (track_error): check.ERROR_REL;
- times (time_*, and track_cpu / track_rhs_cost / track_step_cost, which are times measured in C++):
  fail when HEAD is slower by more than TIME_FACTOR *and*, where asv kept the samples of both
  commits, asv's statistics say the difference is significant (asv.statistics.is_different).
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import check

HERE = Path(__file__).resolve().parent
RESULTS = check.REPO / "benchmarks" / "results" / "asv"

#: A time must grow by more than this factor (and significantly) to fail. Repeated runs of one
#: build on this shared 2-core machine spread by 10-30 % (benchmarks/README.md), so 1.25.
TIME_FACTOR = 1.25

COUNT_BENCH = ("track_steps", "track_rejected", "track_rhs", "track_jacobians", "track_lu")
TIME_TRACKS = ("track_cpu", "track_rhs_cost", "track_step_cost")


def kind(bench: str) -> str:
    method = bench.rsplit(".", 1)[-1]
    if method == "track_instructions":
        return "instructions"
    if method in COUNT_BENCH:
        return "count"
    if method == "track_error":
        return "error"
    if method.startswith("time_") or method in TIME_TRACKS:
        return "time"
    return "other"


def git(*a: str) -> str:
    return subprocess.run(["git", *a], cwd=check.REPO, capture_output=True, text=True, check=True).stdout.strip()


def load_results(commit: str, machine: str | None) -> dict[str, dict]:
    """bench -> {param tuple: (value, samples or None)} of one commit's stored asv results."""
    dirs = [d for d in RESULTS.iterdir() if d.is_dir() and (machine is None or d.name == machine)]
    files = [f for d in dirs for f in d.glob(f"{commit[:8]}-*.json")]
    if not files:
        raise SystemExit(f"compare: no asv results for {commit[:8]} under {RESULTS}")
    out: dict[str, dict] = {}
    for f in sorted(files, key=lambda p: p.stat().st_mtime):  # newest wins
        d = json.loads(f.read_text())
        cols = d["result_columns"]
        for name, row in d["results"].items():
            rec = dict(zip(cols, row))
            values = rec.get("result")
            if values is None:
                continue
            params = rec.get("params") or []
            keys = list(itertools.product(*params)) if params else [()]
            samples = rec.get("samples") or [None] * len(keys)
            stats = [
                {"ci_99_a": a, "ci_99_b": b, "q_25": q1, "q_75": q3, "number": n, "repeat": r}
                for a, b, q1, q3, n, r in zip(
                    *(
                        rec.get(k) or [None] * len(keys)
                        for k in (
                            "stats_ci_99_a",
                            "stats_ci_99_b",
                            "stats_q_25",
                            "stats_q_75",
                            "stats_number",
                            "stats_repeat",
                        )
                    )
                )
            ]
            out[name] = {k: (v, s, st) for k, v, s, st in zip(keys, values, samples, stats)}
    return out


def significant(a: tuple, b: tuple) -> bool:
    """asv's test on two results (value, samples, stats); True when it cannot tell."""
    try:
        from asv import statistics
    except ImportError:
        return True
    (_, sa, sta), (_, sb, stb) = a, b
    if not sa or not sb or sta.get("ci_99_a") is None or stb.get("ci_99_a") is None:
        return True
    try:
        return bool(statistics.is_different(sa, sb, sta, stb))
    except Exception:
        return True


def main(args) -> int:
    base = git("rev-parse", args.base)
    head = git("rev-parse", args.head)
    factor = args.time_factor or TIME_FACTOR
    if not args.no_run:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(f"{base}\n{head}\n")
        cmd = [sys.executable, "-m", "asv", "run", "--show-stderr", "--record-samples", f"HASHFILE:{f.name}"]
        if args.bench:
            cmd += ["--bench", args.bench]
        print("compare:", " ".join(cmd), flush=True)
        rc = subprocess.run(cmd, cwd=HERE).returncode
        if rc != 0:
            print(f"compare: asv run exited {rc}", file=sys.stderr)
            return rc
    rb, rh = load_results(base, None), load_results(head, None)
    fails, lines = [], []
    for bench in sorted(set(rb) & set(rh)):
        k = kind(bench)
        for key in sorted(set(rb[bench]) & set(rh[bench]), key=str):
            old, new = rb[bench][key][0], rh[bench][key][0]
            if old is None or new is None or (isinstance(old, float) and math.isnan(old)):
                continue
            name = bench + (f"{list(key)}" if key else "")
            ratio = new / old if old else (1.0 if new == old else math.inf)
            if k == "count":
                bad = new - old > max(check.COUNT_REL * old, check.COUNT_ABS)
            elif k == "instructions":
                bad = ratio > 1 + check.INSTR_REL
            elif k == "error":
                bad = not (new <= old * (1 + check.ERROR_REL))
            elif k == "time":
                bad = ratio > factor and significant(rb[bench][key], rh[bench][key])
            else:
                bad = False
            line = f"{name}: {old:.6g} -> {new:.6g} (x{ratio:.3f})"
            if bad:
                fails.append(line)
            elif ratio != 1.0:
                lines.append(line)
    print(
        f"compare {base[:8]} (base) -> {head[:8]} (head); thresholds: counts +{check.COUNT_REL:.0%}, "
        f"instructions +{check.INSTR_REL:.1%}, errors +{check.ERROR_REL:.0%}, times x{factor} and significant"
    )
    for line in lines:
        print(f"  changed within threshold: {line}")
    for line in fails:
        print(f"  REGRESSION: {line}")
    print(f"compare: {'FAILED' if fails else 'passed'} ({len(fails)} regressions)")
    return 1 if fails else 0
