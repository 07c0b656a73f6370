"""Command-line interface: ``massagesim run`` (the main job) and ``massagesim demo``."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Sequence


def _print_table(rows: list[dict[str, object]], columns: Sequence[str]) -> None:
    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3g}"
        return str(v)

    cells = [[fmt(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths)))


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import solver_demo

    rows = solver_demo(rtols=args.rtol, t1_s=args.t1_s)
    columns = ["stepper", "rtol", "steps", "rejected", "rhs_evals", "breakpoints", "max_error_mmHg"]
    print(f"Solver demo: compartment driven by 1 Hz square pressure pulses for {args.t1_s:g} s (exact solution known)")
    _print_table(rows, columns)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "solver_demo.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="massagesim", description="Simulate what massage does to the body.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"massagesim {__version__}")
    sub = parser.add_subparsers(dest="command")

    def add_demo_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--rtol", type=float, nargs="+", default=[1e-4, 1e-6, 1e-8], help="relative tolerances")
        p.add_argument("--t1-s", type=float, default=60.0, help="simulated time in seconds (default 60)")
        p.add_argument("--out-dir", default="out", help="directory for the CSV output (default ./out)")

    run = sub.add_parser("run", help="run the main job (for now: the solver demo)")
    add_demo_args(run)
    run.set_defaults(func=_cmd_demo)
    demo = sub.add_parser("demo", help="solver demo: each stepper on a pulsed compartment with a known solution")
    add_demo_args(demo)
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["run", *(argv or [])])
    from . import InvalidArgument

    try:
        return int(args.func(args))
    except InvalidArgument as exc:
        print(f"massagesim: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
