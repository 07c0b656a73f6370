"""Fit chosen parameters to a measured time series (scipy.optimize.least_squares, bounds from the ranges)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._parameters import Parameters
from ._result import ArmTrace
from ._scenario import ScenarioLike
from ._simulate import Simulator

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class FitResult:
    """Outcome of :func:`fit`.

    Attributes
    ----------
    estimates : pandas.DataFrame
        Index ``parameter``; columns ``estimate, stderr, ci95_low, ci95_high, lower_bound,
        upper_bound, unit, initial``.
    covariance : numpy.ndarray
        Covariance of the estimates, ``s^2 (J^T J)^-1`` at the optimum (s^2: residual variance).
    residuals : numpy.ndarray
        Model minus data at the optimum.
    cost : float
        Half the sum of squared residuals.
    success : bool
    message : str
    n_evaluations : int
        Model runs (including those for the Jacobian).
    optimizer : Any
        The :class:`scipy.optimize.OptimizeResult`.
    """

    estimates: pd.DataFrame
    covariance: np.ndarray
    residuals: np.ndarray
    cost: float
    success: bool
    message: str
    n_evaluations: int
    optimizer: Any


def fit(
    base: ScenarioLike | Simulator,
    parameters: Sequence[str] | Mapping[str, float],
    t_s: Sequence[float] | np.ndarray,
    data: Sequence[float] | np.ndarray,
    output: str,
    *,
    arm: str | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    rel_step: float = 1e-4,
    n_threads: int = 0,
    max_nfev: int = 50,
    **least_squares_kw: Any,
) -> FitResult:
    """Fit parameters so that one output of one arm matches a time series.

    The model output is linearly interpolated at ``t_s``. Bounds default to the parameters'
    physiological ranges; the Jacobian is central finite differences computed as one C++ batch
    on ``n_threads`` threads per iteration. Uncertainty: standard errors from the covariance
    ``s^2 (J^T J)^-1`` at the optimum, with ``s^2 = sum(residuals^2) / (m - k)``.

    Parameters
    ----------
    base : Scenario, dict, path, None or Simulator
        Must save ``output`` (give ``outputs=[...]`` to a Simulator otherwise).
    parameters : list of str, or dict of name -> initial value
        Parameters to fit (initial values: the scenario's values unless given).
    t_s, data : array_like
        Measurement times [s] (inside the protocol) and values (the output's unit).
    output : str
        Output name, e.g. ``"blood_lactate_mmol_per_L"``.
    arm : str, optional
        Arm to fit (default: the first).
    bounds : dict of name -> (lo, hi), optional
        Tighter bounds (must lie within the ranges).
    rel_step : float
        Finite-difference step as a fraction of each bound width.
    n_threads : int
    max_nfev : int
        Iteration budget of least_squares.
    **least_squares_kw
        Passed on (``loss``, ``f_scale``, ``xtol``, ...).

    Returns
    -------
    FitResult
    """
    import pandas as pd
    from scipy.optimize import least_squares

    sim = base if isinstance(base, Simulator) else Simulator(base, outputs=[output])
    info = Parameters.of_scenario(sim.scenario)
    names = list(parameters)
    if not names:
        raise _core.InvalidArgument("fit: expected at least one parameter, got none")
    x0 = np.array([float(parameters[n]) if isinstance(parameters, Mapping) else info[n] for n in names])
    lo = np.empty(len(names))
    hi = np.empty(len(names))
    for k, n in enumerate(names):
        rlo, rhi = info.range(n)
        blo, bhi = (bounds or {}).get(n, (rlo, rhi))
        info.check(n, blo)
        info.check(n, bhi)
        lo[k], hi[k] = blo, bhi
        info.check(n, x0[k])
    x0 = np.clip(x0, lo, hi)
    t = np.asarray(t_s, dtype=float)
    y = np.asarray(data, dtype=float)
    if t.ndim != 1 or t.shape != y.shape or t.size <= len(names):
        raise _core.InvalidArgument(
            f"fit: expected 1-D t_s and data of equal length > number of parameters ({len(names)}), got {t.shape} and {y.shape}"
        )
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(y))):
        raise _core.InvalidArgument("fit: t_s and data must be finite")
    n_runs = 0

    def model(results: list[Any]) -> np.ndarray:
        out = np.empty((len(results), t.size))
        for i, r in enumerate(results):
            if getattr(r, "error", "") or not r.arms:
                raise _core.SolverError(
                    f"fit: a run failed before integrating: {getattr(r, 'error', '') or 'no arm ran'}"
                )
            arms = {a.arm: a for a in r.arms}
            if arm is not None and arm not in arms:
                raise _core.UnknownName(f"fit: no arm {arm!r}; arms: {list(arms)}")
            a = arms[arm] if arm is not None else r.arms[0]
            if a.status != "success":
                raise _core.SolverError(f"fit: a run failed: {a.message}")
            try:
                column = ArmTrace.from_core(a).column(output)
            except KeyError as exc:
                raise _core.UnknownName(f"fit: {exc.args[0]}") from None
            out[i] = np.interp(t, np.asarray(a.t_s), column)
        return out

    def run(points: list[np.ndarray]) -> np.ndarray:
        nonlocal n_runs
        n_runs += len(points)
        sets = [dict(zip(names, map(float, p))) for p in points]
        return model(sim.run_batch(sets, n_threads=n_threads, keep_traces=True))

    widths = hi - lo
    h = rel_step * widths

    def steps(x: np.ndarray) -> list[np.ndarray]:
        pts = []
        for k in range(len(names)):
            e = np.zeros_like(x)
            e[k] = h[k]
            pts += [np.minimum(x + e, hi), np.maximum(x - e, lo)]
        return pts

    cache: dict[bytes, np.ndarray] = {}

    def residuals(x: np.ndarray) -> np.ndarray:
        key = x.tobytes()
        if key not in cache:
            cache[key] = run([x])[0] - y
        return cache[key]

    def jacobian(x: np.ndarray) -> np.ndarray:
        pts = steps(x)
        vals = run(pts)
        J = np.empty((t.size, len(names)))
        for k in range(len(names)):
            J[:, k] = (vals[2 * k] - vals[2 * k + 1]) / (pts[2 * k][k] - pts[2 * k + 1][k])
        return J

    opt = least_squares(
        residuals, x0, jac=jacobian, bounds=(lo, hi), x_scale=widths, max_nfev=max_nfev, **least_squares_kw
    )
    J = jacobian(opt.x)
    r = residuals(opt.x)
    dof = max(1, t.size - len(names))
    s2 = float(r @ r) / dof
    try:
        cov = s2 * np.linalg.inv(J.T @ J)
    except np.linalg.LinAlgError:
        cov = np.full((len(names), len(names)), np.inf)
    se = np.sqrt(np.clip(np.diag(cov), 0, np.inf))
    est = pd.DataFrame(
        {
            "parameter": names,
            "estimate": opt.x,
            "stderr": se,
            "ci95_low": opt.x - 1.96 * se,
            "ci95_high": opt.x + 1.96 * se,
            "lower_bound": lo,
            "upper_bound": hi,
            "unit": [info.unit(n) for n in names],
            "initial": x0,
        }
    ).set_index("parameter")
    return FitResult(est, cov, r, float(opt.cost), bool(opt.success), str(opt.message), n_runs, opt)
