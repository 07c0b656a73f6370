#!/usr/bin/env python3
"""Speed regression checks for massagesim.

    python benchmarks/asv/check.py quick                  # deterministic figures vs the committed baseline (CI)
    python benchmarks/asv/check.py quick --inject-slowdown  # the same with one extra RHS per step: must fail
    python benchmarks/asv/check.py update --reason "..."  # re-measure, rewrite the baseline, declare why
    python benchmarks/asv/check.py reference              # rewrite the stored reference trajectories
    python benchmarks/asv/check.py compare BASE [HEAD]    # asv: both commits in one run, times included

`quick` measures, on the installed package, the work counters and achieved errors of fixed
workloads (benchmarks/asv/suite/workloads.py) and the instruction counts of the callgrind program
(suite/callgrind.py), and compares them with benchmarks/results/quick_baseline.json. It
exits 1 when a figure grew by more than its threshold (below), when a figure disappeared, or when
the baseline was edited without a matching entry in benchmarks/declared_changes.toml. A change
meant to move a figure runs `update --reason "one line"`, which rewrites the baseline and appends
the reason, the figures that moved and the new baseline's hash to the declared-change file.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

#: Outside asv's results_dir (results/asv), where asv reads every .json as a results file.
BASELINE = REPO / "benchmarks" / "results" / "quick_baseline.json"
DECLARED = REPO / "benchmarks" / "declared_changes.toml"

# --- thresholds (growth that fails the check), why these values: benchmarks/README.md ------------
#: Work counters (steps, rejected, RHS, Jacobians, LU). Identical from run to run of one build, so
#: any change means the solver took another path; 1 % keeps a 2 % regression visible, and the
#: absolute slack of 2 keeps a count of 3 rejected steps from failing on 3 -> 4.
COUNT_REL, COUNT_ABS = 0.01, 2
#: Instruction counts (callgrind). Identical from run to run of one build (measured: 0 difference
#: over repeated runs); they move with the compiler, the C library and the CPU's libm variant, so
#: they are only compared when those match the baseline's. 0.5 %: with the exact bordered Jacobian a
#: Rodas4 step costs ~200 RHS evaluations' worth of instructions, so one extra RHS per step adds only
#: ~0.65 %; run-to-run repeatability is ~1e-5, so 0.5 % is still far above noise.
INSTR_REL = 0.005
#: Achieved error against the stored reference. Deterministic too, but a refactor that reorders
#: floating-point operations moves the step sequence and with it the error by a few per cent
#: without making anything less accurate in a way users see; 10 %.
ERROR_REL = 0.10


def kind_of(name: str) -> str:
    if name.startswith("instructions."):
        return "instructions"
    if name.endswith(".error"):
        return "error"
    return "count"


def fingerprint() -> dict[str, str]:
    """What the instruction counts depend on besides our code."""
    import massagesim
    from suite import callgrind

    core = Path(massagesim._core.__file__)
    comment = re.findall(rb"GCC: \([^)]*\) [0-9.]+|clang version [0-9.]+", core.read_bytes())
    flags = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                have = set(line.split(":", 1)[1].split())
                # what glibc picks its libm variants by; valgrind hides AVX-512 from the program anyway
                flags = " ".join(f for f in ("avx", "avx2", "fma") if f in have)
                break
    except OSError:
        pass
    return {
        "massagesim": massagesim.__version__,
        "compiler": comment[0].decode() if comment else "unknown",
        "libc": " ".join(platform.libc_ver()),
        "cpu_flags": flags,
        "machine": platform.machine(),
        "valgrind": callgrind.valgrind_version(),
    }


#: Fingerprint fields that must match for instruction counts to be compared.
INSTR_KEYS = ("compiler", "libc", "cpu_flags", "machine")


def measure(instructions: bool, inject: bool) -> tuple[dict[str, float], dict[str, str]]:
    from suite import callgrind, workloads

    if inject:
        os.environ[workloads.INJECT_ENV] = "1"
    figures: dict[str, float] = {}
    for name, wl in workloads.workloads().items():
        wl.setup()
        for k, v in wl.figures().items():
            figures[f"{name}.{k}"] = v
    if instructions:
        for k, v in callgrind.instructions(inject=inject).items():
            figures[f"instructions.{k}"] = v
    return figures, fingerprint()


def figures_sha256(figures: dict[str, float]) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def load_declared() -> list[dict]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    if not DECLARED.exists():
        return []
    return list(tomllib.loads(DECLARED.read_text()).get("change", []))


def declared_problem(figures: dict[str, float], declared: list[dict]) -> str | None:
    """Why the baseline's figures are not the ones the last declared change recorded, or None."""
    sha = figures_sha256(figures)
    if not declared:
        return f"no declared change in {DECLARED.name} records this baseline (sha256 {sha[:12]})"
    if declared[-1].get("sha256") != sha:
        return (
            f"the baseline's figures (sha256 {sha[:12]}) are not the ones the last entry of {DECLARED.name} "
            f"records ({str(declared[-1].get('sha256'))[:12]}): edited without a declared reason"
        )
    return None


def compare(base: dict[str, float], new: dict[str, float], instr_comparable: bool) -> tuple[list[str], list[str]]:
    """(failures, notes): failures are regressions beyond the thresholds or vanished figures."""
    fails, notes = [], []
    for name, old in sorted(base.items()):
        kind = kind_of(name)
        if kind == "instructions" and not instr_comparable:
            continue
        if name not in new:
            if kind == "instructions" and not any(k.startswith("instructions.") for k in new):
                continue  # not measured in this run (--no-instructions)
            fails.append(f"{name}: in the baseline ({old:.6g}) but not measured now")
            continue
        cur = new[name]
        rel = (cur - old) / old if old else (0.0 if cur == old else float("inf"))
        if kind == "count":
            bad = cur - old > max(COUNT_REL * old, COUNT_ABS)
            limit = f"> {COUNT_REL:.0%} and > {COUNT_ABS}"
        elif kind == "instructions":
            bad = rel > INSTR_REL
            limit = f"> {INSTR_REL:.1%}"
        else:
            bad = not (cur <= old * (1 + ERROR_REL))  # also catches NaN / inf
            limit = f"> {ERROR_REL:.0%}"
        line = f"{name}: {old:.6g} -> {cur:.6g} ({rel:+.2%})"
        if bad:
            fails.append(f"{line}  grew {limit}")
        elif cur != old:
            notes.append(line)
    for name in sorted(set(new) - set(base)):
        notes.append(f"{name}: new figure {new[name]:.6g} (not in the baseline)")
    return fails, notes


def cmd_quick(args: argparse.Namespace) -> int:
    baseline_path = Path(args.baseline)
    if not baseline_path.exists():
        print(f"check: no baseline at {baseline_path}; create it with `check.py update --reason ...`", file=sys.stderr)
        return 2
    baseline = json.loads(baseline_path.read_text())
    fails: list[str] = []
    problem = declared_problem(baseline["figures"], load_declared()) if baseline_path == BASELINE else None
    if problem:
        fails.append(f"{baseline_path.name}: {problem}; use `check.py update --reason ...`")
    figures, fp = measure(instructions=not args.no_instructions, inject=args.inject_slowdown)
    comparable = all(fp.get(k) == baseline["measured_on"].get(k) for k in INSTR_KEYS)
    f2, notes = compare(baseline["figures"], figures, comparable)
    fails += f2
    if args.output:
        Path(args.output).write_text(json.dumps({"measured_on": fp, "figures": figures}, indent=1, sort_keys=True))
    n_instr = sum(1 for k in figures if k.startswith("instructions."))
    print(
        f"check quick: {len(figures)} figures measured ({n_instr} instruction counts)"
        + (" WITH THE INJECTED SLOWDOWN (one extra RHS per step)" if args.inject_slowdown else "")
    )
    if n_instr and not comparable:
        diff = {
            k: (baseline["measured_on"].get(k), fp.get(k))
            for k in INSTR_KEYS
            if fp.get(k) != baseline["measured_on"].get(k)
        }
        print(f"  instruction counts NOT compared: built/run differently from the baseline {diff}")
    for line in notes:
        print(f"  changed within threshold: {line}")
    for line in fails:
        print(f"  REGRESSION: {line}")
    if fails:
        print(
            f"check quick: FAILED ({len(fails)}). If the change is intended, run\n"
            f'  python benchmarks/asv/check.py update --reason "<one line: why>"'
        )
        return 1
    print("check quick: passed")
    return 0


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def cmd_update(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        print("check update: --reason must say why the figures move", file=sys.stderr)
        return 2
    figures, fp = measure(instructions=not args.no_instructions, inject=False)
    old = json.loads(BASELINE.read_text())["figures"] if BASELINE.exists() else {}
    if args.no_instructions:  # keep the stored instruction counts
        figures.update({k: v for k, v in old.items() if k.startswith("instructions.")})
    moved = [f"{k}: {old[k]:.6g} -> {figures[k]:.6g}" for k in sorted(figures) if k in old and old[k] != figures[k]]
    moved += [f"{k}: new {figures[k]:.6g}" for k in sorted(set(figures) - set(old))]
    moved += [f"{k}: removed" for k in sorted(set(old) - set(figures))]
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(
        json.dumps(
            {
                "about": "Deterministic figures of benchmarks/asv/check.py quick; change only with `check.py update --reason`.",
                "measured_on": fp,
                "figures": figures,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    entry = [
        "",
        "[[change]]",
        f"date = {toml_str(_dt.date.today().isoformat())}",
        f"measured_at = {toml_str(commit)}  # HEAD when measured (the change itself is the next commit)",
        f"reason = {toml_str(args.reason.strip())}",
        f"sha256 = {toml_str(figures_sha256(figures))}",
        "moved = [",
        *[
            f"  {toml_str(m)},"
            for m in (moved if len(moved) <= 60 else moved[:60] + [f"... and {len(moved) - 60} more"])
        ],
        "]",
    ]
    if not DECLARED.exists():
        DECLARED.write_text(DECLARED_HEADER)
    with DECLARED.open("a") as f:
        f.write("\n".join(entry) + "\n")
    print(
        f"check update: {BASELINE.relative_to(REPO)} rewritten ({len(moved)} figures moved); "
        f"reason appended to {DECLARED.relative_to(REPO)}"
    )
    return 0


DECLARED_HEADER = """\
# Declared changes of massagesim's tracked deterministic figures (benchmarks/asv/check.py).
#
# Each [[change]] is appended by `python benchmarks/asv/check.py update --reason "..."` when a
# change is meant to move a figure (a new model term, a tighter default tolerance, a new compiler):
# it says why, lists what moved (old -> new), and carries the sha256 of the baseline's figures, so
# `check.py quick` fails when benchmarks/results/quick_baseline.json is edited by hand or when
# a figure regresses without an entry here. Newest last; never edit old entries.
"""


def cmd_reference(args: argparse.Namespace) -> int:
    from suite import workloads

    workloads.REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    for which in args.which or workloads.REFERENCES:
        p = workloads.reference_path(which)
        p.write_text(json.dumps(workloads.reference_run(which), separators=(",", ":")) + "\n")
        print(f"check reference: wrote {p.relative_to(REPO)}")
    return 0


def cmd_machine(args: argparse.Namespace) -> int:
    """Register a committed machine description in ~/.asv-machine.json (asv's machine file), so that
    `asv run --machine NAME` stores results beside that machine's committed history. (`asv machine
    --yes --arch ... --num_cpu ...` drops every value equal to what asv detects, and the results'
    machine.json would then lose them.)"""
    src = REPO / "benchmarks" / "results" / "asv" / args.name / "machine.json"
    if not src.exists():
        known = sorted(p.parent.name for p in src.parent.parent.glob("*/machine.json"))
        print(f"check machine: no {src.relative_to(REPO)}; committed machines: {', '.join(known) or 'none'}")
        return 2
    desc = {k: v for k, v in json.loads(src.read_text()).items() if k != "version"}
    path = Path.home() / ".asv-machine.json"
    data = json.loads(path.read_text()) if path.exists() else {"version": 1}
    data[args.name] = desc
    path.write_text(json.dumps(data, indent=4, sort_keys=True) + "\n")
    print(f"check machine: {path} describes {args.name} as {src.relative_to(REPO)} does")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    import asv_compare

    return asv_compare.main(args)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quick", help="deterministic figures vs the committed baseline (CI)")
    q.add_argument("--baseline", default=str(BASELINE))
    q.add_argument("--no-instructions", action="store_true", help="skip the callgrind part")
    q.add_argument(
        "--inject-slowdown",
        action="store_true",
        help="one extra RHS evaluation per step in the solver workloads (to show the check fails)",
    )
    q.add_argument("--output", help="also write the measured figures here (JSON)")
    u = sub.add_parser("update", help="re-measure and rewrite the baseline, with a declared reason")
    u.add_argument("--reason", required=True)
    u.add_argument("--no-instructions", action="store_true", help="keep the stored instruction counts")
    r = sub.add_parser("reference", help="rewrite the stored reference trajectories")
    r.add_argument("which", nargs="*", help="short, default (default: both)")
    c = sub.add_parser("compare", help="asv run of BASE and HEAD, then per-kind thresholds")
    c.add_argument("base")
    c.add_argument("head", nargs="?", default="HEAD")
    c.add_argument("--bench", default=None, help="asv benchmark regex (default: all)")
    c.add_argument(
        "--time-factor", type=float, default=None, help="time ratio that fails (default: asv_compare.TIME_FACTOR)"
    )
    c.add_argument("--no-run", action="store_true", help="compare stored results only")
    m = sub.add_parser("machine", help="register a committed machine description for asv (~/.asv-machine.json)")
    m.add_argument("name", nargs="?", default="shared-2core-epyc")
    args = ap.parse_args(argv)
    return {
        "machine": cmd_machine,
        "quick": cmd_quick,
        "update": cmd_update,
        "reference": cmd_reference,
        "compare": cmd_compare,
    }[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
