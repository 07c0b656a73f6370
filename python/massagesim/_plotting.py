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
