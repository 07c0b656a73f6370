"""simulate(): one scenario run through the C++ facade (GIL released), and the picklable Simulator."""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _backend, _safe_io
from ._result import ArmTrace, Result
from ._scenario import Scenario, ScenarioLike, as_scenario

#: Keyword arguments that set solver/output options of a run.
SOLVER_OPTIONS = ("stepper", "rtol", "atol", "dt_max_s", "save_every_s")


def _check_solver_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(SOLVER_OPTIONS)
    if unknown:
        raise TypeError(f"unknown solver option(s) {sorted(unknown)}; expected some of {list(SOLVER_OPTIONS)}")
    given = {k: v for k, v in options.items() if v is not None}
    if "stepper" in given and not isinstance(given["stepper"], str):
        raise _backend._core.InvalidArgument(f"stepper: expected a name (str), got {type(given['stepper']).__name__}")
    return _safe_io.check_solver_values(given, "")


# ---- limits and estimates -----------------------------------------------------------------------
# The estimate and the limits are the C++ facade's (simulation/run_estimate.hpp): simulate() refuses a
# run past them on every route (C++, Python, command line); here they also size the progress bar.

#: Environment variable raising the memory limit of one run [MB] (default 2048).
MAX_OUTPUT_MB_ENV = "MASSAGESIM_MAX_OUTPUT_MB"
#: Environment variable raising the work limit of one run [estimated solver steps x limb segments] (default 1e8).
MAX_STEPS_ENV = "MASSAGESIM_MAX_STEPS"
#: Runs estimated to take longer than this show a progress bar in the command line [s].
PROGRESS_AFTER_S = 2.0
#: Wall time per solver step and limb segment [s], updated from finished runs (a running mean).
_cost = {"s_per_step_segment": 5e-5}
#: How long a Ctrl-C waits for the C++ run to stop at its next solver step [s].
_CANCEL_WAIT_S = 5.0


@dataclass(frozen=True)
class RunEstimate:
    """What a run will cost, estimated before it starts (the C++ estimate plus the wall time)."""

    n_arms: int
    duration_s: float
    save_every_s: float
    n_saves: float  #: save points per arm
    n_values: int  #: values per save point (states kept by the solver, plus the outputs)
    memory_MB: float
    solver_steps: float
    n_segments: int
    wall_s: float


def _core_options(opts: Any) -> Any:
    """``opts`` as a compiled SimulationOptions (tests may pass the toy facade's dataclass)."""
    if isinstance(opts, _backend._core.SimulationOptions):
        return opts
    real = _backend._core.SimulationOptions()
    for k in (
        "stepper",
        "rtol",
        "atol",
        "dt_max_s",
        "save_every_s",
        "outputs",
        "parameter_overrides",
        "arms",
        "keep_traces",
    ):
        setattr(real, k, getattr(opts, k))
    return real


def estimate_run(sc: Scenario, opts: Any) -> RunEstimate:
    """Memory and work of a run of ``sc`` with the options ``opts`` (a SimulationOptions)."""
    e = _backend._core.estimate_run(sc._cpp, _core_options(opts))
    wall_s = e.work_steps * _cost["s_per_step_segment"]
    return RunEstimate(
        e.n_arms, e.duration_s, e.save_every_s, e.n_saves, e.n_values, e.memory_MB, e.solver_steps, e.n_segments, wall_s
    )


def _fmt_s(s: float) -> str:
    if not math.isfinite(s):
        return "forever"
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.3g} days"


def _learn_cost(result: Result, n_segments: int) -> None:
    """Update the wall time per step and segment from a finished run (running mean in log space)."""
    steps = sum(a.stats.get("n_steps", 0) for a in result)
    wall = sum(a.wall_time_s for a in result)
    if steps >= 100 and wall > 0:
        per = wall / steps / max(1, n_segments)
        _cost["s_per_step_segment"] = math.exp(0.5 * math.log(_cost["s_per_step_segment"]) + 0.5 * math.log(per))


# ---- running, visibly and stoppably ---------------------------------------------------------------


#: Completion events of the simulation threads simulate() started that have not finished.
_running: set[threading.Event] = set()


def run_in_progress() -> bool:
    """True while a simulation thread started by :func:`simulate` has not finished (after Ctrl-C:
    one whose C++ part could not be cancelled in time, e.g. a long Jacobian of a large limb)."""
    return any(not done.is_set() for done in list(_running))


def _run_stoppable(call: Any, est: RunEstimate | None, show: bool, label: str, cancel: Any = None) -> Any:
    """Run ``call()`` (C++ with the GIL released) on a helper thread while the main thread waits in
    short slices, so Ctrl-C (KeyboardInterrupt) reaches this thread within ~0.1 s. Then ``cancel`` (a
    CancelFlag the call's options carry) is set, the C++ run stops at its next solver step, and the
    helper thread has finished before KeyboardInterrupt goes on to the caller: nothing keeps running.

    The wait is on a bare lock the helper releases, not ``Thread.join`` (a join interrupted by
    KeyboardInterrupt marks a still-running thread as finished in CPython 3.11: bpo-45274) and not
    ``Event.wait`` (an interrupt that lands after its Condition has let go of its lock, and before the
    wait proper, surfaces as ``RuntimeError: release unlocked lock``: about 1 in 20000 interrupted
    waits here, which failed the Ctrl-C test once in a CI run). A lock's acquire either takes the lock
    or raises, and leaves nothing half done."""
    if threading.current_thread() is not threading.main_thread() and not show:
        return call()  # signals only reach the main thread: nothing to wait for
    box: dict[str, Any] = {}
    done = threading.Event()
    finished = threading.Lock()
    finished.acquire()  # released by the helper when the call returns

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()
            _running.discard(done)
            finished.release()

    worker = threading.Thread(target=target, name="massagesim-simulate", daemon=True)
    bar = None
    start = time.monotonic()
    _running.add(done)
    worker.start()
    try:
        while not finished.acquire(timeout=0.1):
            if show and bar is None:
                bar = _ProgressBar(est.wall_s if est else 0.0, label)
            if bar is not None:
                bar.update(time.monotonic() - start)
    except KeyboardInterrupt:
        if cancel is None:
            raise
        cancel.set()
        # done.is_set(): the interrupt may land just after the acquire above took the lock.
        stopped = (done.is_set() or finished.acquire(timeout=_CANCEL_WAIT_S)) and box.get("error")
        if isinstance(stopped, _backend._core.Cancelled):
            raise KeyboardInterrupt(str(stopped)) from None
        raise
    finally:
        if bar is not None:
            bar.close(done="error" not in box and done.is_set())
    if "error" in box:
        raise box["error"]
    return box["value"]


class _ProgressBar:
    """Elapsed against estimated wall time on stderr (tqdm when available); the estimate is
    stretched when a run outlasts it, so the bar never claims to be done early."""

    def __init__(self, estimate_s: float, label: str) -> None:
        self.estimate_s = max(estimate_s, 0.5)
        self.label = label
        self.last = 0.0
        self.tq: Any = None
        try:
            from tqdm import tqdm

            self.tq = tqdm(
                total=round(self.estimate_s, 1),
                unit="s",
                desc=label,
                file=sys.stderr,
                leave=False,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s est. [{elapsed}<{remaining}]",
            )
        except ImportError:  # pragma: no cover - tqdm is a dependency
            print(f"{label}: estimated {_fmt_s(self.estimate_s)}; Ctrl-C stops it", file=sys.stderr)

    def update(self, elapsed_s: float) -> None:
        if self.tq is None:
            return
        if elapsed_s > 0.95 * self.estimate_s:  # outlasting the estimate: stretch it
            self.estimate_s = elapsed_s / 0.95
            self.tq.total = round(self.estimate_s, 1)
        self.tq.update(elapsed_s - self.last)
        self.last = elapsed_s

    def close(self, done: bool) -> None:
        if self.tq is not None:
            if done:
                self.tq.update(max(0.0, self.tq.total - self.last))
            self.tq.close()


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
    core = _backend.core()
    opts = core.SimulationOptions()
    for k, v in _check_solver_options(solver).items():
        setattr(opts, k, v if k == "stepper" else float(v))
    if outputs is not None:
        if isinstance(outputs, str):
            raise TypeError("outputs: expected a list of names, got a str")
        opts.outputs = [str(o) for o in outputs]
    if parameters:
        opts.parameter_overrides = [(str(k), _safe_io._number(v, f"parameters[{k!r}]")) for k, v in parameters.items()]
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
    progress: bool | str = False,
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
    progress : bool or "auto"
        True shows a progress bar with the estimated time on stderr; "auto" only for runs expected
        to take more than a few seconds. Either way Ctrl-C stops the C++ run at its next solver step
        and raises KeyboardInterrupt within a second (the rest-state search before the first arm stops
        at its next evaluation too).
    **solver
        ``stepper`` (a name of ``_core.stepper_names()``: "rodas4", "rodas4p2", "bdf", "dopri5", "dop853", "fehlberg78"), ``rtol`` (in [1e-12, 0.1]), ``atol``
        (in [1e-15, 1e-2]), ``dt_max_s``, ``save_every_s``.

    Before running, memory (save points x values) and work (solver steps) are estimated; a run
    past a limit is refused with :class:`InvalidArgument` saying how to raise it
    (``MASSAGESIM_MAX_OUTPUT_MB``, ``MASSAGESIM_MAX_STEPS``).

    Returns
    -------
    Result

    Raises
    ------
    InvalidArgument, UnknownName
        Bad scenario, option, output or parameter (ValueError / KeyError subclasses).
    SolverError
        A subclass (RuntimeError) when an integration fails and ``throw_on_failure``.
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
    core = _backend.core()
    est = estimate_run(sc, opts)  # the limits themselves are checked by the C++ simulate, first thing
    show = bool(progress) and (progress != "auto" or est.wall_s > PROGRESS_AFTER_S)
    cancel = _backend._core.CancelFlag()
    opts.cancel = cancel  # Ctrl-C sets it: the C++ run stops at its next solver step
    raw = _run_stoppable(lambda: core.simulate(sc._cpp, opts), est, show, f"simulating {sc.name[:30]}", cancel)
    res = Result.from_core(raw)
    _learn_cost(res, len(sc.segment_names))
    return _at_times(res, times) if times is not None else res


def available_outputs(scenario: ScenarioLike = None) -> list[str]:
    """Return the output names available for a scenario (states, derived signals, inputs)."""
    return list(_backend.core().available_outputs(as_scenario(scenario)._cpp))


def metric_names() -> list[str]:
    """Return the names of the summary metrics, in the order results list them."""
    return list(_backend.core().metric_names())


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
        core = _backend.core()
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
        # Ctrl-C sets the flag every run shares: running runs stop at their next solver step, the
        # others before their start, and KeyboardInterrupt follows once the C++ threads are done.
        cancel = _backend._core.CancelFlag()
        for r in runs:
            r.cancel = cancel
        call = lambda: core.simulate_batch(self.scenario._cpp, runs, int(n_threads), progress)  # noqa: E731
        return list(_run_stoppable(call, None, False, "", cancel))
