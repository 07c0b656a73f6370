"""Sensitivity of the summary metrics to named parameters: Sobol and Morris (SALib), local (finite differences)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._parameters import Parameters
from ._scenario import ScenarioLike
from ._simulate import Simulator
from ._sweep import sweep

if TYPE_CHECKING:
    import pandas as pd


def _problem(sim: Simulator, parameters: Sequence[str] | Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """SALib problem: names and bounds (the physiological ranges unless given), checked against the ranges."""
    info = Parameters()
    names = list(parameters)
    if not names:
        raise _core.InvalidArgument("sensitivity: expected at least one parameter name, got none")
    bounds = []
    for n in names:
        lo, hi = parameters[n] if isinstance(parameters, Mapping) else info.range(n)
        info.check(n, lo)
        info.check(n, hi)
        if not lo < hi:
            raise _core.InvalidArgument(f"sensitivity: parameter {n}: expected bounds lo < hi, got [{lo}, {hi}]")
        bounds.append([float(lo), float(hi)])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def _metric_matrix(table: pd.DataFrame, metrics: Sequence[str], n_runs: int) -> dict[tuple[str, str], np.ndarray]:
    failed = table[table["status"] != "success"]
    if len(failed):
        first = failed.iloc[0]
        raise _core.SolverError(
            f"sensitivity: {failed['run'].nunique()} of {n_runs} runs failed (e.g. run {first['run']}, arm "
            f"{first['arm']}: {first['message']}); narrow the bounds or tighten the solver options"
        )
    missing = [m for m in metrics if m not in table.columns]
    if missing:
        raise _core.UnknownName(
            f"sensitivity: unknown metric(s) {missing}; known: {[c for c in table.columns if c not in ('run', 'arm', 'status', 'message')]}"
        )
    out = {}
    for arm, g in table.groupby("arm", sort=False):
        g = g.sort_values("run")
        for m in metrics:
            out[(m, str(arm))] = g[m].to_numpy(dtype=float)
    return out


def _as_list(metrics: str | Sequence[str]) -> list[str]:
    return [metrics] if isinstance(metrics, str) else list(metrics)


def sobol(
    base: ScenarioLike | Simulator,
    parameters: Sequence[str] | Mapping[str, tuple[float, float]],
    metrics: str | Sequence[str],
    *,
    n: int = 64,
    seed: int = 1,
    n_threads: int = 0,
    progress: bool = False,
    client: Any = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of metrics over parameters within their ranges (SALib).

    Saltelli/Sobol' sampling with ``n * (k + 2)`` runs for k parameters (second-order indices
    not computed), run as one :func:`sweep`.

    Parameters
    ----------
    base : Scenario, dict, path, None or Simulator
    parameters : list of str, or dict of name -> (lo, hi)
        Names (bounds: the physiological ranges) or explicit bounds inside those ranges.
    metrics : str or list of str
        Metric names (see :func:`massagesim.metric_names`).
    n : int
        Base sample size; a power of 2.
    seed : int
        Seed of the sampler and of the bootstrap confidence intervals.
    n_threads, progress, client
        As in :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (metric, arm, parameter) with ``S1, S1_conf, ST, ST_conf``.
    """
    import pandas as pd
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    sim = base if isinstance(base, Simulator) else Simulator(base)
    problem = _problem(sim, parameters)
    if n < 2 or n & (n - 1):
        raise _core.InvalidArgument(f"sobol: n: expected a power of 2 >= 2, got {n}")
    X = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    table = sweep(sim, pd.DataFrame(X, columns=problem["names"]), n_threads=n_threads, progress=progress, client=client)
    rows = []
    for (m, arm), y in _metric_matrix(table, _as_list(metrics), len(X)).items():
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed, print_to_console=False)
        for j, name in enumerate(problem["names"]):
            rows.append(
                {
                    "metric": m,
                    "arm": arm,
                    "parameter": name,
                    "S1": res["S1"][j],
                    "S1_conf": res["S1_conf"][j],
                    "ST": res["ST"][j],
                    "ST_conf": res["ST_conf"][j],
                }
            )
    return pd.DataFrame(rows)


def morris(
    base: ScenarioLike | Simulator,
    parameters: Sequence[str] | Mapping[str, tuple[float, float]],
    metrics: str | Sequence[str],
    *,
    trajectories: int = 10,
    num_levels: int = 4,
    seed: int = 1,
    n_threads: int = 0,
    progress: bool = False,
    client: Any = None,
) -> pd.DataFrame:
    """Morris elementary effects of metrics over parameters within their ranges (SALib).

    ``trajectories * (k + 1)`` runs for k parameters, run as one :func:`sweep`.

    Parameters
    ----------
    base, parameters, metrics
        As in :func:`sobol`.
    trajectories : int
        Number of trajectories r.
    num_levels : int
        Grid levels p.
    seed : int
    n_threads, progress, client
        As in :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (metric, arm, parameter) with ``mu, mu_star, sigma, mu_star_conf``.
    """
    import pandas as pd
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    sim = base if isinstance(base, Simulator) else Simulator(base)
    problem = _problem(sim, parameters)
    X = morris_sample.sample(problem, trajectories, num_levels=num_levels, seed=seed)
    table = sweep(sim, pd.DataFrame(X, columns=problem["names"]), n_threads=n_threads, progress=progress, client=client)
    rows = []
    for (m, arm), y in _metric_matrix(table, _as_list(metrics), len(X)).items():
        res = morris_analyze.analyze(problem, X, y, num_levels=num_levels, seed=seed, print_to_console=False)
        for j, name in enumerate(problem["names"]):
            rows.append(
                {
                    "metric": m,
                    "arm": arm,
                    "parameter": name,
                    "mu": float(res["mu"][j]),
                    "mu_star": float(res["mu_star"][j]),
                    "sigma": float(res["sigma"][j]),
                    "mu_star_conf": float(res["mu_star_conf"][j]),
                }
            )
    return pd.DataFrame(rows)


def local_sensitivity(
    base: ScenarioLike | Simulator,
    parameters: Sequence[str],
    metrics: str | Sequence[str],
    *,
    rel_step: float = 1e-3,
    n_threads: int = 0,
) -> pd.DataFrame:
    """Local sensitivities d(metric)/d(parameter) at the scenario's parameter values.

    Central finite differences over C++ runs (one batch of 2k + 1 runs), one-sided at a range
    limit. The C++ automatic-differentiation path is not exposed by the simulation facade, so
    this is finite differences; choose ``rel_step`` well above the solver tolerance.

    Parameters
    ----------
    base : Scenario, dict, path, None or Simulator
    parameters : list of str
    metrics : str or list of str
    rel_step : float
        Step as a fraction of the parameter's range width.
    n_threads : int

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (metric, arm, parameter) with ``value`` (the parameter), ``metric_value``,
        ``derivative`` (metric units per parameter unit) and ``elasticity`` (d ln metric / d ln parameter).
    """
    import pandas as pd

    sim = base if isinstance(base, Simulator) else Simulator(base)
    if not 0 < rel_step < 0.5:
        raise _core.InvalidArgument(f"local_sensitivity: rel_step: expected in (0, 0.5), got {rel_step}")
    current = Parameters.of_scenario(sim.scenario)
    sets: list[dict[str, float]] = [{}]
    steps = []
    for name in parameters:
        lo, hi = current.range(name)
        x = current[name]
        h = rel_step * (hi - lo)
        up, down = min(x + h, hi), max(x - h, lo)
        sets += [{name: up}, {name: down}]
        steps.append((name, x, up, down))
    results = sim.run_batch(sets, n_threads=n_threads, keep_traces=False)
    for r, p in zip(results, sets):
        if getattr(r, "error", "") or not r.arms:
            raise _core.SolverError(
                f"local_sensitivity: the run with {p or 'the base values'} failed: {getattr(r, 'error', '')}"
            )
    rows = []
    base_metrics = {a.arm: dict(a.metrics) for a in results[0].arms}
    for m in _as_list(metrics):
        for arm, known in base_metrics.items():
            if m not in known:
                raise _core.UnknownName(f"local_sensitivity: unknown metric {m!r}; known: {list(known)}")
    for k, (name, x, up, down) in enumerate(steps):
        r_up, r_down = results[1 + 2 * k], results[2 + 2 * k]
        for a_up, a_down in zip(r_up.arms, r_down.arms):
            if a_up.status != "success" or a_down.status != "success":
                raise _core.SolverError(
                    f"local_sensitivity: a run around {name} = {x} failed: {a_up.message or a_down.message}"
                )
            for m in _as_list(metrics):
                mu, md = dict(a_up.metrics)[m], dict(a_down.metrics)[m]
                d = (mu - md) / (up - down)
                m0 = base_metrics[a_up.arm][m]
                rows.append(
                    {
                        "metric": m,
                        "arm": a_up.arm,
                        "parameter": name,
                        "value": x,
                        "metric_value": m0,
                        "derivative": d,
                        "elasticity": d * x / m0 if m0 != 0 else np.nan,
                    }
                )
    return pd.DataFrame(rows)
