"""libRoadRunner runs of an exported model between the protocol's breakpoints. (part of :mod:`massagesim.sbml`)."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from typing import Any
import numpy as np

from ._writer import TIME_CAP_ID, _TIME_CAP_OFF

# --- libRoadRunner --------------------------------------------------------------------------------


def simulate_roadrunner(
    sbml: Any,
    times: Sequence[float] | np.ndarray,
    *,
    rtol: float,
    atol: float,
    breakpoints: Sequence[float] | np.ndarray | None = None,
    max_step: float | None = None,
    t0_s: float | None = None,
    state_ids: Sequence[str] | None = None,
    stiff: bool = True,
    max_num_steps: int = 1_000_000,
    recompile: bool = True,
) -> tuple[np.ndarray, dict[str, float]]:
    """Integrate an SBML model with libRoadRunner (LLVM-compiled, CVODE) and sample it at ``times``.

    Between consecutive breakpoints the integration is one CVODE run; at every breakpoint CVODE is
    restarted from the current state (a new ``RoadRunner.simulate`` call, which re-initialises the
    integrator without resetting the model), so its multistep history never spans a jump of the
    protocol.

    Parameters
    ----------
    sbml : str or roadrunner.RoadRunner
        SBML text, or an already loaded RoadRunner (reset to its initial state here; no load time).
    times : array of float
        Increasing output times [s], at or after the start time.
    rtol, atol : float
        CVODE relative and absolute tolerances (``relative_tolerance``, ``absolute_tolerance``).
    breakpoints : array of float, optional
        Times [s] where the equations jump or kink (the graph's ``breakpoints_s``); those inside the
        run restart the integrator.
    max_step : float, optional
        CVODE's maximum step [s] (``maximum_time_step``); default unlimited.
    t0_s : float, optional
        Time at which the initial values hold; default the ``t0_s`` of the document's massagesim
        annotation, else ``times[0]``.
    state_ids : sequence of str, optional
        States to return, in this order; default every rate-rule variable in document order
        (the order of ``graph["states"]`` for documents from :func:`graph_to_sbml`).
    stiff : bool
        CVODE BDF with Newton iterations (True, libRoadRunner's default) or Adams-Moulton.
    max_num_steps : int
        CVODE's step budget per output interval (libRoadRunner's default, 20 000, is too small
        for long protocols at tight tolerances).
    recompile : bool
        Compile the model even if libRoadRunner has it in its in-process cache, so that
        ``load_s`` measures a real load.

    Returns
    -------
    (states, timings)
        ``states``: array of shape (len(times), len(state_ids)); ``timings``: ``load_s`` and
        ``load_cpu_s`` (parse + LLVM compile, wall-clock and process CPU time), ``simulate_s``
        and ``simulate_cpu_s`` (integration and output), ``n_segments`` (CVODE runs).

    Raises
    ------
    ValueError
        For bad times, tolerances or state ids.
    RuntimeError
        When libRoadRunner fails to load or to integrate (its message included).
    """
    import roadrunner

    t_out = np.asarray(times, dtype=float)
    if t_out.ndim != 1 or t_out.size == 0 or not np.all(np.isfinite(t_out)):
        raise ValueError(f"simulate_roadrunner: times: expected a non-empty 1-D array of finite values, got {times!r}")
    if np.any(np.diff(t_out) <= 0):
        raise ValueError("simulate_roadrunner: times: expected strictly increasing values")
    for nm, v in (("rtol", rtol), ("atol", atol)):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"simulate_roadrunner: {nm}: expected > 0, got {v}")
    if max_step is not None and not (math.isfinite(max_step) and max_step > 0):
        raise ValueError(f"simulate_roadrunner: max_step: expected > 0, got {max_step}")

    timings: dict[str, float] = {"load_s": 0.0, "load_cpu_s": 0.0}
    if isinstance(sbml, str):
        cfg = roadrunner.Config
        old = cfg.getValue(cfg.LOADSBMLOPTIONS_RECOMPILE)
        cfg.setValue(cfg.LOADSBMLOPTIONS_RECOMPILE, bool(recompile))
        try:
            w0, c0 = time.perf_counter(), time.process_time()
            rr = roadrunner.RoadRunner(sbml)
            timings["load_s"], timings["load_cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
        except RuntimeError as e:
            raise RuntimeError(f"simulate_roadrunner: libRoadRunner cannot load the model: {e}") from e
        finally:
            cfg.setValue(cfg.LOADSBMLOPTIONS_RECOMPILE, old)
        text = sbml
    else:
        rr = sbml
        rr.resetAll()
        text = rr.getSBML()

    if state_ids is None:
        state_ids = list(rr.getRateRuleIds())
    state_ids = list(state_ids)
    known = set(rr.getRateRuleIds()) | set(rr.model.getGlobalParameterIds())
    unknown = [s for s in state_ids if s not in known]
    if unknown:
        raise ValueError(
            f"simulate_roadrunner: state_ids: unknown {unknown[:5]}; known rate-rule variables: "
            f"{list(rr.getRateRuleIds())[:10]}..."
        )
    if t0_s is None:
        t0_s = float(t_out[0])
        if text is not None:
            m = re.search(r'<massagesim:model\b[^>]*\bt0_s="([^"]*)"', text)
            if m:
                t0_s = float(m.group(1))
    if t_out[0] < t0_s:
        raise ValueError(f"simulate_roadrunner: times: expected >= t0_s = {t0_s:g}, got {t_out[0]:g}")

    integ = rr.integrator
    integ.setValue("relative_tolerance", float(rtol))
    integ.setValue("absolute_tolerance", float(atol))
    integ.setValue("stiff", bool(stiff))
    integ.setValue("maximum_num_steps", int(max_num_steps))
    integ.setValue("maximum_time_step", float(max_step) if max_step is not None else 0.0)
    integ.setValue("variable_step_size", False)

    t_end = float(t_out[-1])
    cuts = sorted({float(b) for b in (breakpoints if breakpoints is not None else []) if t0_s < float(b) < t_end})
    edges = [float(t0_s), *cuts, t_end]
    selections = ["time", *state_ids]
    out = np.empty((t_out.size, len(state_ids)))
    w0, c0 = time.perf_counter(), time.process_time()
    k = 0  # next output row
    n_runs = 0
    x_now = np.array([rr.getValue(s) for s in state_ids])
    while k < t_out.size and t_out[k] == edges[0]:
        out[k] = x_now
        k += 1
    # With the time cap (intermediates="functions"), the equations are frozen at the last double before
    # each breakpoint, so CVODE's last step, which ends past its output time, never meets the jump.
    has_cap = TIME_CAP_ID in set(rr.model.getGlobalParameterIds())
    try:
        for a, b in zip(edges[:-1], edges[1:]):
            if b <= a:
                continue
            if has_cap:
                rr.setValue(TIME_CAP_ID, float(np.nextafter(b, -np.inf)) if b < t_end else _TIME_CAP_OFF)
            j = int(np.searchsorted(t_out, b, side="right"))  # outputs k..j-1 lie in (a, b]
            inner = t_out[k:j]
            ends_on_output = bool(inner.size) and inner[-1] == b
            grid = np.concatenate(([a], inner, [] if ends_on_output else [b]))
            res = np.asarray(rr.simulate(times=grid.tolist(), selections=selections))
            n_runs += 1
            if res.shape[0] != grid.size:
                raise RuntimeError(
                    f"simulate_roadrunner: libRoadRunner returned {res.shape[0]} rows on [{a:g}, {b:g}] s, "
                    f"expected {grid.size}"
                )
            out[k:j] = res[1 : 1 + inner.size, 1:]
            k = j
    except RuntimeError as e:
        if str(e).startswith("simulate_roadrunner"):
            raise
        raise RuntimeError(f"simulate_roadrunner: libRoadRunner failed to integrate: {e}") from e
    finally:
        if has_cap:
            rr.setValue(TIME_CAP_ID, _TIME_CAP_OFF)
    timings["simulate_s"], timings["simulate_cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
    timings["n_segments"] = float(n_runs)
    return out, timings
