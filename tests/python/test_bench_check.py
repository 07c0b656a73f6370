"""The speed regression check (benchmarks/asv/check.py): its thresholds, the declared-change guard,
and that `check.py quick` fails on a deliberate slowdown (one extra RHS evaluation per step).

The passing run against the committed baseline is the last step of scripts/run_tests.sh."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]
CHECK = REPO / "benchmarks" / "asv" / "check.py"


def _load_check():
    spec = importlib.util.spec_from_file_location("massagesim_bench_check", CHECK)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


check = _load_check()


def test_count_growth_beyond_threshold_fails_and_within_passes():
    base = {"w.massage.n_rhs": 10000, "w.massage.n_rejected": 3}
    fails, _ = check.compare(base, {"w.massage.n_rhs": 10201, "w.massage.n_rejected": 3}, True)
    assert [f.split(":")[0] for f in fails] == ["w.massage.n_rhs"]  # +2.01 % > 1 %
    fails, notes = check.compare(base, {"w.massage.n_rhs": 10050, "w.massage.n_rejected": 5}, True)
    assert fails == [] and len(notes) == 2  # +0.5 %, and +2 rejected is within the absolute slack
    fails, _ = check.compare(base, {"w.massage.n_rhs": 9000, "w.massage.n_rejected": 0}, True)
    assert fails == []  # fewer is never a regression


def test_instructions_compared_only_on_a_matching_build():
    base = {"instructions.x": 1_000_000}
    assert check.compare(base, {"instructions.x": 1_020_001}, True)[0]
    assert not check.compare(base, {"instructions.x": 1_004_000}, True)[0]  # +0.4 %: within the 0.5 % threshold
    assert check.compare(base, {"instructions.x": 1_006_000}, True)[0]  # +0.6 %: beyond it
    assert not check.compare(base, {"instructions.x": 2_000_000}, False)[0]  # other compiler / libc / CPU


def test_error_growth_and_non_finite_error_fail():
    base = {"w.a.error": 1e-6}
    assert not check.compare(base, {"w.a.error": 1.05e-6}, True)[0]
    assert check.compare(base, {"w.a.error": 1.2e-6}, True)[0]
    assert check.compare(base, {"w.a.error": float("nan")}, True)[0]


def test_vanished_figure_fails():
    fails, _ = check.compare({"w.a.n_steps": 5, "w.b.n_steps": 5}, {"w.a.n_steps": 5}, True)
    assert fails and "w.b.n_steps" in fails[0]


def test_baseline_edited_without_declared_change_is_caught():
    figures = {"w.a.n_steps": 5}
    entry = {"reason": "x", "sha256": check.figures_sha256(figures)}
    assert check.declared_problem(figures, [entry]) is None
    assert check.declared_problem({"w.a.n_steps": 6}, [entry]) is not None
    assert check.declared_problem(figures, []) is not None


def test_committed_baseline_is_declared():
    import json

    baseline = json.loads(check.BASELINE.read_text())
    assert check.declared_problem(baseline["figures"], check.load_declared()) is None


def test_quick_check_fails_on_an_injected_extra_rhs_per_step():
    """One extra RHS evaluation per accepted step (real C++ work, workloads.INJECT_ENV) must fail
    the check on the RHS counts and, where valgrind runs and the build matches the baseline's, on
    the instruction counts of the solves."""
    cmd = [sys.executable, str(CHECK), "quick", "--inject-slowdown"]
    if shutil.which("valgrind") is None:
        cmd.append("--no-instructions")
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    out = p.stdout + p.stderr
    print(out)  # the demonstration (pytest -rP shows it)
    assert p.returncode == 1, out
    regressions = [line for line in out.splitlines() if "REGRESSION:" in line]
    for stepper in ("dopri5", "fehlberg78", "rodas4"):
        for arm in ("massage", "passive"):
            assert any(f"short_{stepper}.{arm}.n_rhs" in r for r in regressions), out
    if "--no-instructions" not in cmd and "NOT compared" not in out:
        for stepper in ("dopri5", "fehlberg78", "rodas4"):
            assert any(f"instructions.solve_short_massage_{stepper}" in r for r in regressions), out
    # the slowdown touches nothing else: step counts and errors stay as in the baseline
    assert not any(".n_steps" in r or ".error" in r for r in regressions), out
