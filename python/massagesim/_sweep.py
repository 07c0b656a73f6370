"""Parameter sweeps: C++ threads locally (GIL released), or chunks of C++ batches on a Dask cluster."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._result import Result
from ._scenario import ScenarioLike
from ._simulate import Simulator

if TYPE_CHECKING:
    import pandas as pd

#: Runs per call into C++ in a local sweep: bounds the memory of results held at once.
LOCAL_CHUNK = 2048


def parameter_table(parameters: Mapping[str, Sequence[float]] | pd.DataFrame) -> pd.DataFrame:
    """Return the table of parameter sets of a sweep.

    Parameters
    ----------
    parameters : dict of name -> values, or DataFrame
        A dict gives the full factorial grid (every combination, the last name varying fastest);
        a DataFrame is taken as is, one row per run, one column per parameter.

    Returns
    -------
    pandas.DataFrame
        One row per run (index 0..n-1), one float column per parameter.
    """
    import pandas as pd

    if isinstance(parameters, pd.DataFrame):
        table = parameters.reset_index(drop=True).astype(float)
    elif isinstance(parameters, Mapping):
        names = list(parameters)
        values = []
        for n in names:
            v = parameters[n]
            if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
                raise _core.InvalidArgument(f"sweep: parameter {n!r}: expected a sequence of values, got {v!r}")
            values.append([float(x) for x in v])
        table = pd.DataFrame(list(itertools.product(*values)), columns=names, dtype=float)
    else:
        raise TypeError(f"sweep: expected a dict of name -> values or a DataFrame, got {type(parameters).__name__}")
    if table.shape[1] == 0 or table.shape[0] == 0:
        raise _core.InvalidArgument("sweep: expected at least one parameter and one value, got none")
    return table


def _precheck(sim: Simulator, table: pd.DataFrame) -> None:
    """Check names and ranges before anything runs, with the core's one parameter catalogue: segment
    parameters plain (every segment) or segment-qualified (``distal_calf.tissue_mass_g``), and the
    limb-level modules' (``systemic.…``, ``lactate_pool.…``)."""
    segments = list(sim.scenario.segment_names)
    for name in map(str, table.columns):
        for v in np.unique(table[name].to_numpy(dtype=float)):
            _core.check_parameter(name, float(v), False, segments)  # UnknownName lists the nearest ids


def _rows(
    run_ids: Sequence[int], sets: Sequence[Mapping[str, float]], results: Sequence[Any], keep: bool
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, p, r in zip(run_ids, sets, results):
        wrapped = Result.from_core(r) if keep else None
        error = str(getattr(r, "error", "") or "")
        if error or not r.arms:  # stopped before any arm ran (bad options, no resting steady state)
            row_e: dict[str, Any] = {"run": i, **p, "arm": None, "status": "error", "message": error or "no arm ran"}
            if keep:
                row_e["result"] = wrapped
            rows.append(row_e)
            continue
        for a in r.arms:
            row: dict[str, Any] = {"run": i, **p, "arm": str(a.arm), **dict(a.metrics)}
            row["status"] = str(a.status)
            row["message"] = str(a.message)
            if keep:
                row["result"] = wrapped
            rows.append(row)
    return rows


def _run_chunk(
    sim: Simulator, run_ids: list[int], sets: list[dict[str, float]], n_threads: int
) -> list[dict[str, Any]]:
    """One Dask task: a batch of runs in C++, returned as plain metric rows (small to ship back)."""
    return _rows(run_ids, sets, sim.run_batch(sets, n_threads=n_threads, keep_traces=False), keep=False)


def sweep(
    base: ScenarioLike | Simulator,
    parameters: Mapping[str, Sequence[float]] | pd.DataFrame,
    *,
    n_threads: int = 0,
    progress: bool = False,
    keep_traces: bool = False,
    outputs: Sequence[str] | None = None,
    arms: Sequence[str] | None = None,
    client: Any = None,
    chunk_size: int | None = None,
    **solver: Any,
) -> pd.DataFrame:
    """Run a scenario for many parameter sets and return a tidy metrics table.

    Each run is deterministic, so the table is identical whatever ``n_threads``, the chunking,
    or whether it ran locally or on Dask.

    Parameters
    ----------
    base : Scenario, dict, path, None or Simulator
        The scenario (None: the default) or a :class:`Simulator` carrying run options.
    parameters : dict of name -> values, or DataFrame
        A dict gives the full factorial grid; a DataFrame one run per row (see :func:`parameter_table`).
        Values are range-checked before anything runs.
    n_threads : int
        C++ worker threads (0: all cores) locally; per task on Dask (0 there means 1).
    progress : bool
        Show a tqdm progress bar (updated from the C++ threads at most every 0.1 s).
    keep_traces : bool
        False (default): metrics only, so memory stays bounded. True: also a ``result`` column
        holding each run's :class:`Result` (local runs only).
    outputs, arms : list of str, optional
        As in :func:`massagesim.simulate`.
    client : dask.distributed.Client, optional
        Run on this Dask cluster: the runs are cut into chunks, each a task that runs one C++ batch.
    chunk_size : int, optional
        Runs per Dask task (default: about four tasks per worker).
    **solver
        ``stepper``, ``rtol``, ``atol``, ``dt_max_s``, ``save_every_s``.

    Returns
    -------
    pandas.DataFrame
        One row per (run, arm): ``run``, the parameter columns, ``arm``, the metrics (unit-suffixed),
        ``status``, ``message`` (and ``result`` with ``keep_traces``).

    Raises
    ------
    UnknownName, InvalidArgument
        For an unknown parameter or a value outside its range (before any run).
    """
    import pandas as pd

    sim = base if isinstance(base, Simulator) else Simulator(base, outputs=outputs, arms=arms, **solver)
    table = parameter_table(parameters)
    _precheck(sim, table)
    sets = [{str(k): float(v) for k, v in row.items()} for row in table.to_dict(orient="records")]
    ids = list(range(len(sets)))
    rows: list[dict[str, Any]] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(sets), desc="sweep", unit="run")
    try:
        if client is None:
            for start in range(0, len(sets), LOCAL_CHUNK):
                chunk = sets[start : start + LOCAL_CHUNK]
                done_before = start

                def hook(done: int, _b: int = done_before) -> None:
                    if bar is not None:
                        bar.update(_b + done - bar.n)

                results = sim.run_batch(
                    chunk, n_threads=n_threads, keep_traces=keep_traces, progress=hook if bar else None
                )
                rows += _rows(ids[start : start + len(chunk)], chunk, results, keep_traces)
                if bar is not None:
                    bar.update(start + len(chunk) - bar.n)
        else:
            if keep_traces:
                raise _core.InvalidArgument(
                    "sweep: keep_traces=True is for local sweeps; on Dask only metrics come back"
                )
            from dask.distributed import as_completed

            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            size = chunk_size or max(1, math.ceil(len(sets) / (4 * n_workers)))
            sim_future = client.scatter(sim, broadcast=True)
            futures = [
                client.submit(
                    _run_chunk, sim_future, ids[s : s + size], sets[s : s + size], max(1, n_threads), pure=False
                )
                for s in range(0, len(sets), size)
            ]
            by_start: dict[int, list[dict[str, Any]]] = {}
            for fut in as_completed(futures):
                chunk_rows = fut.result()
                if chunk_rows:
                    by_start[int(chunk_rows[0]["run"])] = chunk_rows
                if bar is not None:
                    bar.update(len({r["run"] for r in chunk_rows}))
            for k in sorted(by_start):
                rows += by_start[k]
    finally:
        if bar is not None:
            bar.close()
    return pd.DataFrame(rows)
