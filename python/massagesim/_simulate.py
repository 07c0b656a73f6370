"""simulate(): one scenario run through the C++ facade (GIL released), and the picklable Simulator."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import _backend
from ._result import ArmTrace, Result
from ._scenario import Scenario, ScenarioLike, as_scenario

#: Keyword arguments that set solver/output options of a run.
SOLVER_OPTIONS = ("stepper", "rtol", "atol", "dt_max_s", "save_every_s")


def _check_solver_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(SOLVER_OPTIONS)
    if unknown:
        raise TypeError(f"unknown solver option(s) {sorted(unknown)}; expected some of {list(SOLVER_OPTIONS)}")
    return {k: v for k, v in options.items() if v is not None}


def make_options(
    *,
    parameters: Mapping[str, float] | None = None,
    outputs: Sequence[str] | None = None,
    arms: Sequence[str] | None = None,
    keep_traces: bool = True,
    throw_on_failure: bool = True,
    **solver: Any,
) -> Any:
    """Build a ``SimulationOptions`` of the compiled core.

    Parameters
    ----------
    parameters : dict, optional
        ``{name: value}`` overrides, applied after the scenario's own (range-checked in C++).
    outputs : list of str, optional
        Output names; ``[]`` = every available output; None = the scenario's.
    arms : list of str, optional
        Arms to run (None: all).
    keep_traces : bool
        False keeps only metrics (bounded memory in sweeps).
    throw_on_failure : bool
        False records failures per arm (status, message) instead of raising.
    **solver
        ``stepper``, ``rtol``, ``atol``, ``dt_max_s``, ``save_every_s``.
    """
    core = _backend.require_simulation()
    opts = core.SimulationOptions()
    for k, v in _check_solver_options(solver).items():
        setattr(opts, k, v if k == "stepper" else float(v))
    if outputs is not None:
        if isinstance(outputs, str):
            raise TypeError("outputs: expected a list of names, got a str")
        opts.outputs = [str(o) for o in outputs]
    if parameters:
        opts.parameter_overrides = [(str(k), float(v)) for k, v in parameters.items()]
    if arms is not None:
        if isinstance(arms, str):
            raise TypeError("arms: expected a list of names, got a str")
        opts.arms = [str(a) for a in arms]
    opts.keep_traces = bool(keep_traces)
    opts.throw_on_failure = bool(throw_on_failure)
    return opts


def _grid_step(t_eval: np.ndarray) -> float | None:
    """The spacing h if every t_eval is a non-negative multiple of h = min spacing, else None."""
    if t_eval.size < 2:
        return None
    h = float(np.min(np.diff(t_eval)))
    k = t_eval / h
    return h if np.allclose(k, np.round(k), rtol=0.0, atol=1e-9) else None


def _at_times(result: Result, t_eval: np.ndarray) -> Result:
    arms = []
    for a in result:
        if a.values.size == 0:
            arms.append(a)
            continue
        idx = np.searchsorted(a.t_s, t_eval)
        exact = (idx < a.t_s.size) & np.isclose(a.t_s[np.minimum(idx, a.t_s.size - 1)], t_eval, rtol=0, atol=1e-9)
        if exact.all():
            t, v = a.t_s[idx], a.values[idx, :]
        else:  # linear interpolation between saved points
            t = t_eval.copy()
            v = np.column_stack([np.interp(t_eval, a.t_s, a.values[:, j]) for j in range(a.values.shape[1])])
        arms.append(ArmTrace(a.name, t, a.output_names, v, a.metrics, a.status, a.message, a.stats, a.wall_time_s))
    return Result(result.scenario_name, arms)


def simulate(
    scenario: ScenarioLike = None,
    *,
    t_eval: Iterable[float] | None = None,
    outputs: Sequence[str] | None = None,
    parameters: Mapping[str, float] | None = None,
    arms: Sequence[str] | None = None,
    throw_on_failure: bool = True,
    **solver: Any,
) -> Result:
    """Simulate a scenario (every arm) in C++ with the GIL released.

    Parameters
    ----------
    scenario : Scenario, dict, path or None
        None runs the embedded default scenario; a path may be JSON or YAML.
    t_eval : array_like, optional
        Output times [s]. On a uniform grid (multiples of its smallest spacing) they are saved
        exactly (the run saves every that spacing); otherwise outputs are linearly interpolated
        from a run saved at the smallest spacing. Default: every ``save_every_s`` of the scenario.
    outputs : list of str, optional
        Output names (see :func:`massagesim.available_outputs`); ``[]`` = all; None = the scenario's.
    parameters : dict, optional
        ``{name: value}`` overrides (range-checked; see :func:`massagesim.parameters`).
    arms : list of str, optional
        Arms to run (default: all).
    throw_on_failure : bool
        False records a failed integration in the arm's ``status``/``message`` instead of raising.
    **solver
        ``stepper`` ("rodas4" | "dopri5" | "fehlberg78"), ``rtol``, ``atol``, ``dt_max_s``, ``save_every_s``.

    Returns
    -------
    Result

    Raises
    ------
    InvalidArgument, UnknownName
        Bad scenario, option, output or parameter (ValueError / KeyError subclasses).
    SolverError
        A subclass (RuntimeError) when an integration fails and ``throw_on_failure``.
    SimulationUnavailable
        When the compiled core was built without the simulation facade.
    """
    sc = as_scenario(scenario)
    times = None
    if t_eval is not None:
        times = np.asarray(list(t_eval) if not isinstance(t_eval, np.ndarray) else t_eval, dtype=float)
        if times.ndim != 1 or times.size == 0 or not np.all(np.isfinite(times)) or np.any(np.diff(times) <= 0):
            raise _backend._core.InvalidArgument("t_eval: expected a non-empty, finite, strictly increasing 1-D array")
        if times[0] < 0 or times[-1] > sc.duration_s + 1e-9:
            raise _backend._core.InvalidArgument(
                f"t_eval: expected times within [0, {sc.duration_s:g}] s (the protocol), got [{times[0]:g}, {times[-1]:g}]"
            )
        step = _grid_step(times)
        if step is None:  # off-grid times: save at the smallest spacing, then interpolate
            step = float(np.min(np.diff(times))) if times.size > 1 else sc.save_every_s
        solver = {**solver, "save_every_s": step}
    opts = make_options(parameters=parameters, outputs=outputs, arms=arms, throw_on_failure=throw_on_failure, **solver)
    core = _backend.require_simulation()
    res = Result.from_core(core.simulate(sc._cpp, opts))
    return _at_times(res, times) if times is not None else res


def available_outputs(scenario: ScenarioLike = None) -> list[str]:
    """Return the output names available for a scenario (states, derived signals, inputs)."""
    return list(_backend.require_simulation().available_outputs(as_scenario(scenario)._cpp))


def metric_names() -> list[str]:
    """Return the names of the summary metrics, in the order results list them."""
    return list(_backend.require_simulation().metric_names())


class Simulator:
    """A scenario plus fixed run options; picklable, so it can be shipped to Dask workers.

    Parameters
    ----------
    scenario : Scenario, dict, path or None
    outputs : list of str, optional
    arms : list of str, optional
    **solver
        ``stepper``, ``rtol``, ``atol``, ``dt_max_s``, ``save_every_s``.
    """

    def __init__(
        self,
        scenario: ScenarioLike = None,
        *,
        outputs: Sequence[str] | None = None,
        arms: Sequence[str] | None = None,
        **solver: Any,
    ) -> None:
        self.scenario: Scenario = as_scenario(scenario)
        self.outputs = list(outputs) if outputs is not None else None
        self.arms = list(arms) if arms is not None else None
        self.solver = _check_solver_options(solver)

    def __repr__(self) -> str:
        return f"Simulator({self.scenario!r}, outputs={self.outputs}, arms={self.arms}, **{self.solver})"

    def run(self, parameters: Mapping[str, float] | None = None, *, throw_on_failure: bool = True) -> Result:
        """Run the scenario once with optional parameter overrides; see :func:`simulate`."""
        return simulate(
            self.scenario,
            outputs=self.outputs,
            parameters=parameters,
            arms=self.arms,
            throw_on_failure=throw_on_failure,
            **self.solver,
        )

    def run_batch(
        self,
        parameter_sets: Sequence[Mapping[str, float]],
        *,
        n_threads: int = 0,
        keep_traces: bool = False,
        progress: Any = None,
    ) -> list[Any]:
        """Run one variant per parameter set on C++ threads (GIL released); failures recorded per arm.

        Parameters
        ----------
        parameter_sets : list of dict
        n_threads : int
            0 = all cores. Results do not depend on it.
        keep_traces : bool
            False: metrics only.
        progress : callable(int), optional
            Called (throttled) with the number of finished runs.

        Returns
        -------
        list of SimulationResult
            The compiled core's results, in input order.
        """
        core = _backend.require_simulation()
        runs = [
            make_options(
                parameters=p,
                outputs=self.outputs,
                arms=self.arms,
                keep_traces=keep_traces,
                throw_on_failure=False,
                **self.solver,
            )
            for p in parameter_sets
        ]
        return list(core.simulate_batch(self.scenario._cpp, runs, int(n_threads), progress))
