"""Command-line interface.

``massagesim run [SCENARIO]`` (the main job: summary table, CSV and PNG), ``massagesim params``
(parameters with units, ranges and sources), ``massagesim validate`` (the validation report,
when the compiled core provides one) and ``massagesim demo`` (the solver demo).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from pathlib import Path
from typing import Any, Sequence


def _stepper_names() -> list[str]:
    """The core's one table of steppers (simulation/stepper_table.hpp)."""
    from . import _core

    return list(_core.stepper_names())


def _fmt(v: object) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return f"{v:.4g}"
    return str(v)


def _print_table(rows: list[dict[str, object]], columns: Sequence[str]) -> None:
    cells = [[_fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(columns, widths))))
    for row in cells:
        print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))


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


#: Outputs the figure of `massagesim run` adds to the scenario's own, when the model has them.
FIGURE_EXTRAS = (
    "blood_lactate_mmol_per_L",
    "central_venous_return_mL_per_min",
    "muscle_activation",
    "passive_stiffness_rel",
)


def _plot_outputs(scenario: Any) -> list[str] | None:
    """The scenario's outputs plus the available ones the standard figure shows (lactate, tone)."""
    from ._simulate import available_outputs

    wanted = list(scenario.output_names)
    if not wanted:
        return None
    available = available_outputs(scenario)
    bases = {n.split(".", 1)[-1] for n in available}
    wanted += [n for n in FIGURE_EXTRAS if n not in wanted and (n in available or n in bases)]
    return wanted


def _write_table(df: Any, out_dir: Path, stem: str, fmt: str) -> Path:
    """Write under a temporary name, then rename: a stopped run leaves no half-written table."""
    from ._safe_io import atomic_write, confined

    if fmt == "parquet":
        return atomic_write(confined(out_dir, stem + ".parquet"), lambda tmp: df.to_parquet(tmp))
    return atomic_write(confined(out_dir, stem + ".csv"), lambda tmp: df.to_csv(tmp))


def _cmd_run(args: argparse.Namespace) -> int:
    import pandas as pd

    from ._plotting import save_figure
    from ._safe_io import atomic_write, confined, safe_stem
    from ._scenario import Scenario
    from ._simulate import simulate

    if args.format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            try:
                import fastparquet  # noqa: F401
            except ImportError:
                print(
                    "massagesim: error: --format parquet needs pyarrow or fastparquet; use --format csv",
                    file=sys.stderr,
                )
                return 2
    sc = Scenario.from_file(args.scenario) if args.scenario else Scenario.default()
    solver = {k: getattr(args, k) for k in ("stepper", "rtol", "save_every_s") if getattr(args, k) is not None}
    print(f"Scenario: {sc.name} ({'embedded default' if not args.scenario else args.scenario})")
    print(
        f"  {sc.duration_s / 60:g} min; arms: {', '.join(sc.arm_names) or 'the protocol as written'}; "
        f"segments: {', '.join(sc.segment_names)}"
    )
    # Before the run: a bad --out-dir is reported at once, not after minutes of simulation.
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(
            f"massagesim: error: --out-dir {out_dir}: {exc.strerror}; expected a directory (created if missing)",
            file=sys.stderr,
        )
        return 2
    res = simulate(sc, outputs=_plot_outputs(sc), progress="auto", **solver)
    for arm in res:
        status = "ok" if arm.status == "success" else f"{arm.status}: {arm.message}"
        print(f"  arm {arm.name}: {status}; {arm.stats.get('n_steps', 0)} steps, {arm.wall_time_s:.2f} s")
    summary = res.summary()
    print()
    print("Summary (metrics per arm" + (", and their difference)" if summary.shape[1] == 3 else ")"))
    rows = [{"metric": str(m), **{str(c): float(v) for c, v in summary.loc[m].items()}} for m in summary.index]
    _print_table(rows, ["metric", *[str(c) for c in summary.columns]])

    stem = safe_stem(sc.name)  # the name is checked at load; this keeps any stem inside --out-dir
    traces = pd.concat([res.to_pandas(a).assign(arm=a).set_index("arm", append=True) for a in res.arm_names])
    written = [
        _write_table(traces, out_dir, f"{stem}_traces", args.format),
        _write_table(res.metrics(), out_dir, f"{stem}_metrics", args.format),
    ]
    if not args.no_plot:
        fig = res.plot()
        written.append(atomic_write(confined(out_dir, f"{stem}.png"), lambda tmp: save_figure(fig, tmp)))
    print()
    for p in written:
        print(f"wrote {p}")
    return 0 if res.ok else 1


def _cmd_params(args: argparse.Namespace) -> int:
    from ._parameters import parameters

    table = parameters(args.scenario, preset=args.preset).to_frame()
    if args.module:
        table = table[table["module"] == args.module]
    if args.csv:
        table.to_csv(sys.stdout)
        return 0
    rows = [
        {
            "name": n,
            "value": r["value"],
            "unit": r["unit"],
            "min": r["min"],
            "max": r["max"],
            "source": r["source"] if len(r["source"]) <= 70 else r["source"][:67] + "...",
        }
        for n, r in table.iterrows()
    ]
    _print_table(rows, ["name", "value", "unit", "min", "max", "source"])
    print(f"{len(rows)} parameters")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from ._validation import validate

    from . import _core

    rows = validate(args.prefixes)
    text = str(_core.validation_report(args.format, list(args.prefixes)))
    print(text, end="" if text.endswith("\n") else "\n")
    if args.html:
        print(f"wrote {rows.to_html(args.html)}")
    bad = rows[~rows["ok"].astype(bool)]
    if len(bad):
        print(
            f"massagesim validate: {len(bad)} target(s) FAIL or XPASS: {', '.join(map(str, bad.index))}",
            file=sys.stderr,
        )
    return 1 if len(bad) else 0


def _cmd_export(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from . import sbml

    graph = sbml.model_graph(args.scenario, arm=args.arm or "", kind=args.kind, t1_s=args.t1_s)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "sbml":
        out.write_text(sbml.graph_to_sbml(graph, intermediates=args.sbml_form))
    elif args.format == "python":
        out.write_text(sbml.graph_to_python(graph)[1])
    else:
        out.write_text(json.dumps(graph, indent=1))
    n_struct = sum(1 for p in graph["parameters"] if p.get("structural"))
    print(
        f"{graph['name']}: {len(graph['states'])} states, {len(graph['parameters'])} parameters "
        f"({n_struct} structural), {len(graph['assignments'])} assignments, "
        f"{len(graph['breakpoints_s'])} protocol breakpoints, t in [{graph['t0_s']}, {graph['t1_s']}] s"
    )
    print(f"wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``massagesim`` command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="massagesim",
        description="Simulate what massage does to the body. Without a command: `massagesim run` (the default scenario).",
    )
    parser.add_argument("--version", action="version", version=f"massagesim {__version__}")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser(
        "run",
        help="run a scenario (default: the embedded one): summary table, CSV and PNG",
        description="Run a scenario file (JSON or YAML; default: the embedded post-exercise leg recovery, "
        "massage vs passive). Prints the summary metrics per arm and their difference, writes the traces "
        "and metrics as tables and the standard figure as PNG into --out-dir, and says where.",
    )
    run.add_argument("scenario", nargs="?", help="scenario file (.json, .yaml, .yml); omit for the default scenario")
    run.add_argument("--out-dir", default="out", help="output directory (default ./out, created if missing)")
    run.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default="csv",
        help="table format (default csv; parquet needs pyarrow or fastparquet)",
    )
    run.add_argument("--no-plot", action="store_true", help="do not draw the PNG figure")
    run.add_argument("--stepper", choices=_stepper_names(), help="override the scenario's stepper")
    run.add_argument("--rtol", type=float, help="override the relative tolerance")
    run.add_argument("--save-every-s", type=float, help="override the output interval [s]")
    run.set_defaults(func=_cmd_run)

    params = sub.add_parser("params", help="list the model parameters with units, ranges and sources")
    params.add_argument("scenario", nargs="?", help="show this scenario's values (preset plus overrides)")
    params.add_argument("--preset", default=None, help="subject preset (default_calf, default_forearm)")
    params.add_argument("--module", help="only this module (segment, hemodynamics, interstitium_lymph, ...)")
    params.add_argument("--csv", action="store_true", help="print the full table as CSV")
    params.set_defaults(func=_cmd_params)

    validate = sub.add_parser(
        "validate",
        help="run the validation report: model vs published data, target by target",
        description="Run the validation targets (validation.md) and print the report. Exit status 1 when a "
        "target FAILs or passes unexpectedly (XPASS), 3 when this build has no validation report.",
    )
    validate.add_argument("prefixes", nargs="*", help="only targets whose id starts with one of these (e.g. L2 B1)")
    validate.add_argument("--format", choices=["text", "csv", "markdown"], default="text", help="report format")
    validate.add_argument(
        "--html",
        metavar="DIR",
        help="also write the visual report (one self-contained page with "
        "a figure per study) to DIR/index.html, or to DIR itself if it ends in .html",
    )
    validate.set_defaults(func=_cmd_validate)

    export = sub.add_parser(
        "export",
        help="export a scenario's equations as SBML (COPASI, Tellurium), a Python RHS or the model graph",
        description="Record one arm of a scenario from the C++ right-hand side (the protocol as functions of "
        "time, parameters with units, ranges and sources) and write it as SBML Level 3 Version 2, as a "
        "pure-Python rhs(t, y) for scipy.integrate.solve_ivp, or as the model-graph JSON.",
    )
    export.add_argument("scenario", nargs="?", help="scenario file (.json, .yaml, .yml); omit for the default scenario")
    export.add_argument("-o", "--output", required=True, help="output file")
    export.add_argument(
        "--format", choices=["sbml", "python", "json"], default="sbml", help="output format (default sbml)"
    )
    export.add_argument("--arm", help="arm name (default: the first arm)")
    export.add_argument(
        "--kind",
        choices=["limb", "segment"],
        default="limb",
        help="the whole limb with the lactate pool (default) or its first segment alone",
    )
    export.add_argument("--t1-s", type=float, help="end time [s] (default: the end of the protocol)")
    export.add_argument(
        "--sbml-form",
        choices=["rules", "functions"],
        default="rules",
        help="SBML only: shared sub-expressions as assignment rules (default; COPASI, Tellurium, "
        "reading) or as function-argument chains (libRoadRunner, which cannot compile the rules "
        "form of these models; integrate it with massagesim.sbml.simulate_roadrunner)",
    )
    export.set_defaults(func=_cmd_export)

    demo = sub.add_parser("demo", help="solver demo: each stepper on a pulsed compartment with a known solution")
    demo.add_argument("--rtol", type=float, nargs="+", default=[1e-4, 1e-6, 1e-8], help="relative tolerances")
    demo.add_argument("--t1-s", type=float, default=60.0, help="simulated time in seconds (default 60)")
    demo.add_argument("--out-dir", default="out", help="directory for the CSV output (default ./out)")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 a run failed, 2 bad input, 3 unavailable)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["run", *(argv or [])])
    from . import InvalidArgument, SolverError

    try:
        return int(args.func(args))
    except KeyboardInterrupt as exc:
        # simulate() has cancelled the C++ run (it stops at its next solver step) and joined its
        # thread. Output files are written under temporary names and renamed, so none is left
        # half-written.
        print(f"\nmassagesim: interrupted{'; ' + str(exc) if str(exc) else ''}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        from ._simulate import run_in_progress

        if run_in_progress():
            os._exit(130)  # safety net: a C++ part did not stop in time (it checks the flag between evaluations)
        return 130
    except InvalidArgument as exc:
        print(f"massagesim: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except SolverError as exc:
        print(f"massagesim: solver failure: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
