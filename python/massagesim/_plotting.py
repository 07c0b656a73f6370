"""The standard figure of a result, built with matplotlib's object API (no pyplot state, no GUI)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._units import unit_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._result import Result

#: Panels of the standard figure: title and the name fragments that select its outputs.
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Applied pressure", ("applied_pressure",)),
    ("Flows", ("inflow", "outflow", "flow_mL_per_min", "return_mL_per_min")),
    ("Lactate", ("lactate",)),
    ("Tone", ("tone", "activation", "stiffness", "reflex_gain", "spasm")),
)


def _segment_of(name: str) -> str | None:
    return name.split(".", 1)[0] if "." in name else None


def panel_outputs(names: list[str], segment: str | None = None) -> list[tuple[str, list[str]]]:
    """Assign output names to the standard panels (an output goes to the first panel it matches).

    Limb-level outputs (no ``segment.`` prefix) are always shown; of the per-segment ones
    (``distal_calf.venous_outflow_mL_per_min``) only those of one segment, unless ``segment="all"``.

    Parameters
    ----------
    names : list of str
    segment : str, optional
        Segment whose outputs to show (default: the first segment named), or ``"all"``.

    Returns
    -------
    list of (str, list of str)
        Panel title and its outputs, for every standard panel (possibly empty).
    """
    if segment is None:
        segment = next((s for s in map(_segment_of, names) if s is not None), None)
    taken: set[str] = set()
    out = []
    for title, keys in PANELS:
        matches = [n for n in names if n not in taken and any(k in n for k in keys)]
        taken.update(matches)
        chosen = [n for n in matches if segment == "all" or _segment_of(n) in (None, segment)]
        out.append((title, chosen))
    return out


def plot_result(
    result: Result, outputs: list[str] | None = None, *, segment: str | None = None, width_in: float = 9.0
) -> Figure:
    """Draw the standard figure of a result.

    Four panels sharing the time axis (minutes): applied pressure, flows, lactate, tone. Each
    output has its colour; arms differ by line style. A panel whose outputs were not saved says
    so. Uses :class:`matplotlib.figure.Figure` directly, so it needs no display and leaves no
    global pyplot state (save with ``fig.savefig(path)``; notebooks display the returned figure).

    Parameters
    ----------
    result : Result
    outputs : list of str, optional
        Restrict to these outputs (default: all saved).
    segment : str, optional
        Segment whose per-segment outputs are drawn (default: the first, i.e. most distal, one
        present); ``"all"`` draws every segment. Limb-level outputs are always drawn.
    width_in : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    names = outputs if outputs is not None else result.output_names
    panels = panel_outputs(names, segment)
    fig = Figure(figsize=(width_in, 2.2 * len(panels) + 0.6), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    styles = ["-", "--", ":", "-."]
    for ax, (title, chosen) in zip(axes, panels):
        units = sorted({unit_of(n) for n in chosen})
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylabel(", ".join(units) if units else "")
        if not chosen:
            ax.text(0.5, 0.5, "not in the saved outputs", transform=ax.transAxes, ha="center", va="center", color="0.5")
            continue
        for i_arm, arm in enumerate(result):
            for j, name in enumerate(chosen):
                if name not in arm.output_names:
                    continue
                ax.plot(
                    arm.t_s / 60.0,
                    arm.column(name),
                    linestyle=styles[i_arm % len(styles)],
                    color=f"C{j % 10}",
                    label=f"{name} ({arm.name})" if len(result) > 1 else name,
                    linewidth=1.0,
                )
        ax.legend(fontsize=7, loc="best")
    axes[-1].set_xlabel("time [min]")
    shown = sorted({_segment_of(n) for _t, ns in panels for n in ns} - {None})
    fig.suptitle(result.scenario_name + (f" (segment: {', '.join(shown)})" if len(shown) == 1 else ""))
    return fig


def save_figure(fig: Any, path: Any, dpi: int = 120) -> None:
    """Save a figure made by :func:`plot_result` (Agg canvas; no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=dpi)


# --- protocol and limb pictures ----------------------------------------------------------------------------
def _needed_assignments(graph: dict[str, Any], target_ids: list[str]) -> list[dict[str, Any]]:
    """Assignments (in the graph's order) that the targets depend on; raises if one reads a state."""
    import re

    by_id = {a["id"]: a for a in graph["assignments"]}
    state_ids = {s["id"] for s in graph["states"]}
    need: set[str] = set()
    todo = list(target_ids)
    while todo:
        sid = todo.pop()
        if sid in need:
            continue
        need.add(sid)
        for tok in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", by_id[sid]["python"])):
            if tok in state_ids:
                raise ValueError(
                    f"protocol_pressures: {target_ids[0]} depends on the state {tok!r}, so the protocol "
                    "cannot be drawn before running; run the scenario and plot applied_pressure_mmHg instead"
                )
            if tok in by_id and tok not in need:
                todo.append(tok)
    return [a for a in graph["assignments"] if a["id"] in need]


def protocol_pressures(scenario: Any, t_s: Any, *, arm: str = "") -> tuple[list[str], Any]:
    """Applied (external) pressure of every segment at the given times, without running the model.

    The pressure comes from the protocol alone: it is read from the recorded equations of the
    scenario (:func:`massagesim.model_graph`, the same C++ protocol code the solver calls) and
    evaluated at each time.

    Parameters
    ----------
    scenario : Scenario, dict, path or None
    t_s : array_like
        Times [s].
    arm : str
        Arm (default: the first).

    Returns
    -------
    (list of str, numpy.ndarray)
        Segment names (distal to proximal) and the pressures [mmHg], shape (n_segments, n_times).
    """
    import math

    import numpy as np

    from ._scenario import as_scenario
    from .sbml import model_graph

    sc = as_scenario(scenario)
    graph = model_graph(sc, arm=arm)
    segments = sc.segment_names
    have = {a["id"] for a in graph["assignments"]}
    # The recorder folds a pressure that never changes into a literal: every technique ramps up
    # from 0 within its phase, so a segment without an assignment is one no phase presses.
    targets = [f"{s}__applied_pressure_mmHg" for s in segments if f"{s}__applied_pressure_mmHg" in have]
    rows = [i for i, s in enumerate(segments) if f"{s}__applied_pressure_mmHg" in have]
    chain = _needed_assignments(graph, targets) if targets else []
    body = "\n".join(f"    {a['id']} = {a['python']}" for a in chain)
    src = f"def _p(t):\n{body}\n    return ({''.join(t + ', ' for t in targets)})\n"
    env: dict[str, Any] = {"math": math, "min": min, "max": max, "abs": abs}
    env.update({p["id"]: float(p["value"]) for p in graph["parameters"]})
    exec(compile(src, "<protocol>", "exec"), env)  # the graph's own expressions, t only
    fn = env["_p"]
    times = np.asarray(t_s, dtype=float)
    out = np.zeros((len(segments), times.size))
    if rows:
        for k, t in enumerate(times):
            out[rows, k] = fn(float(t))
    return segments, out


def plot_scenario(scenario: Any, *, arm: str = "", dt_s: float | None = None, width_in: float = 10.0) -> Figure:
    """Draw a scenario's protocol before running it.

    Top: applied pressure against time, one line per segment. Bottom: the same as a heat map,
    segments (distal at the bottom) against time. Phases are shaded and named.

    Parameters
    ----------
    scenario : Scenario, dict, path or None
    arm : str
        Arm whose protocol is drawn (default: the first).
    dt_s : float, optional
        Sampling interval [s] (default: fine enough to resolve 4 000 samples over the protocol,
        at most 0.25 s so strokes and kneading cycles show).
    width_in : float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.massagesim_t_s`` and ``fig.massagesim_pressure_mmHg`` hold the sampled times and
        the heat map's array (segments x times).
    """
    import numpy as np
    from matplotlib.figure import Figure

    from ._scenario import as_scenario

    sc = as_scenario(scenario)
    duration = sc.duration_s
    step = (
        dt_s if dt_s is not None else min(0.25, duration / 4000.0) if duration > 1000.0 else min(0.25, duration / 400.0)
    )
    step = max(step, duration / 20000.0)
    t = np.arange(0.0, duration + 0.5 * step, step)
    segments, p = protocol_pressures(sc, t, arm=arm)
    fig = Figure(figsize=(width_in, 5.2), layout="constrained")
    ax_line, ax_map = fig.subplots(2, 1, sharex=True, height_ratios=[1.0, 1.1])
    t_min = t / 60.0
    for i, seg in enumerate(segments):
        ax_line.plot(t_min, p[i], linewidth=0.7, color=f"C{i % 10}", label=seg)
    ax_line.set_ylabel("applied pressure [mmHg]")
    ax_line.legend(fontsize=7, loc="upper right", ncols=min(4, len(segments)))
    phases = sc.to_dict()["protocol"]
    t0 = 0.0
    for k, ph in enumerate(phases):
        t1 = t0 + float(ph["duration_s"])
        if k % 2:
            ax_line.axvspan(t0 / 60.0, t1 / 60.0, color="0.93", zorder=0)
        label = ph.get("technique") or ph["kind"]
        ax_line.text(
            (t0 + t1) / 120.0,
            1.01,
            label,
            transform=ax_line.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
            rotation=0 if (t1 - t0) / duration > 0.08 else 60,
        )
        t0 = t1
    edges_t = np.concatenate([t_min - step / 120.0, [t_min[-1] + step / 120.0]])
    mesh = ax_map.pcolormesh(edges_t, np.arange(len(segments) + 1), p, cmap="magma", shading="flat")
    ax_map.set_yticks(np.arange(len(segments)) + 0.5, segments, fontsize=8)
    ax_map.set_ylabel("segment (distal → proximal)")
    ax_map.set_xlabel("time [min]")
    fig.colorbar(mesh, ax=ax_map, label="applied pressure [mmHg]")
    arm_name = arm or (sc.arm_names[0] if sc.arm_names else "")
    fig.suptitle(f"{sc.name}: protocol" + (f" (arm {arm_name})" if arm_name else ""))
    fig.massagesim_t_s = t  # type: ignore[attr-defined]
    fig.massagesim_pressure_mmHg = p  # type: ignore[attr-defined]
    return fig


#: Quantities of the limb figure: panel title and the per-segment output (without the segment prefix).
LIMB_PANELS: tuple[tuple[str, str], ...] = (
    ("applied pressure", "applied_pressure_mmHg"),
    ("intramuscular pressure", "intramuscular_pressure_mmHg"),
    ("venous pressure", "venous_pressure_mmHg"),
    ("venous volume", "venous_volume_mL"),
    ("interstitial volume", "interstitial_volume_mL"),
    ("arterial inflow", "arterial_inflow_mL_per_min"),
    ("venous outflow", "venous_outflow_mL_per_min"),
    ("lymph flow", "lymph_flow_mL_per_min"),
)


def limb_outputs(segments: list[str], quantities: list[str] | None = None) -> list[str]:
    """The per-segment output names :func:`plot_limb` needs (pass them to ``simulate(outputs=...)``)."""
    qs = quantities if quantities is not None else [q for _t, q in LIMB_PANELS]
    return [f"{s}.{q}" for q in qs for s in segments]


def plot_limb(
    result: Result, t_s: Any, *, arm: str | None = None, quantities: list[str] | None = None, width_in: float = 10.0
) -> Figure:
    """Small multiples along the limb: pressures, volumes and flows per segment at chosen times.

    One panel per quantity; x is the segment (distal to proximal), one line per time. A quantity
    the run did not save is skipped (save them with ``simulate(outputs=limb_outputs(segments))``).

    Parameters
    ----------
    result : Result
    t_s : float or list of float
        Times [s]; each is taken at the nearest saved time.
    arm : str, optional
        Arm (default: the first).
    quantities : list of str, optional
        Per-segment outputs (default: those of :data:`LIMB_PANELS` that were saved).
    width_in : float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.massagesim_values`` maps each quantity to its array (times x segments), and
        ``fig.massagesim_t_s`` holds the saved times used.
    """
    import numpy as np
    from matplotlib.figure import Figure

    tr = result[arm] if arm is not None else next(iter(result))
    times = np.atleast_1d(np.asarray(t_s, dtype=float))
    if times.size == 0:
        raise ValueError("plot_limb: t_s is empty; give one or more times in seconds")
    lo, hi = float(tr.t_s[0]), float(tr.t_s[-1])
    bad = times[(times < lo) | (times > hi)]
    if bad.size:
        raise ValueError(f"plot_limb: t_s = {bad[0]:g} s is outside the saved times [{lo:g}, {hi:g}] s")
    idx = [int(np.argmin(np.abs(tr.t_s - t))) for t in times]
    segments: list[str] = []
    for n in tr.output_names:
        s = _segment_of(n)
        if s is not None and s not in segments:
            segments.append(s)
    if not segments:
        raise ValueError(
            "plot_limb: the result has no per-segment outputs; simulate with outputs=limb_outputs(segments)"
        )
    wanted = quantities if quantities is not None else [q for _t, q in LIMB_PANELS]
    titles = dict((q, t) for t, q in LIMB_PANELS)
    shown = [q for q in wanted if all(f"{s}.{q}" in tr.output_names for s in segments)]
    if not shown:
        raise ValueError(
            f"plot_limb: none of {', '.join(wanted)} is saved for every segment; "
            "simulate with outputs=massagesim._plotting.limb_outputs(segments)"
        )
    ncols = min(4, len(shown))
    nrows = -(-len(shown) // ncols)
    fig = Figure(figsize=(width_in, 2.4 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    x = np.arange(len(segments))
    values: dict[str, Any] = {}
    for ax, q in zip(axes, shown):
        arr = np.array([[tr.values[i, tr.output_names.index(f"{s}.{q}")] for s in segments] for i in idx])
        values[q] = arr
        for k, i in enumerate(idx):
            ax.plot(
                x,
                arr[k],
                marker="o",
                markersize=3,
                linewidth=1.0,
                color=f"C{k % 10}",
                label=f"t = {tr.t_s[i] / 60.0:.3g} min",
            )
        ax.set_title(titles.get(q, q), fontsize=9, loc="left")
        ax.set_ylabel(unit_of(q))
        ax.set_xticks(x, [s.replace("_", "\n") for s in segments], fontsize=7)
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{result.scenario_name}: along the limb (arm {tr.name}, distal → proximal)")
    fig.massagesim_values = values  # type: ignore[attr-defined]
    fig.massagesim_t_s = np.asarray([tr.t_s[i] for i in idx])  # type: ignore[attr-defined]
    return fig
