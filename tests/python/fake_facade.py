"""A stand-in for the simulation facade of massagesim._core (simulate, simulate_batch, ...).

It lets the pure-Python layer (results, pandas/xarray, plotting, sweeps, Dask, SALib, fitting,
CLI) be tested on its own, with outputs whose exact values are known:
blood lactate L(t) = 1 + 8 exp(-t / tau) mmol/L with tau = 600 s * (93 / MAP) (* 0.8 in an arm
whose name contains "massage"), MAP = systemic.mean_arterial_pressure_mmHg after overrides; venous
outflow 50 * MAP / 93 mL/min. Scenarios, parameter names and ranges are the real ones (the
C++ scenario and registry check them); only the model is a toy.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from massagesim import _core

OUTPUTS = ["applied_pressure_mmHg", "venous_outflow_mL_per_min", "blood_lactate_mmol_per_L", "muscle_activation"]
METRICS = ["blood_lactate_half_time_s", "venous_outflow_area_mL", "peak_applied_pressure_mmHg"]
STEPPERS = ("rodas4", "dopri5", "fehlberg78")


@dataclass
class SimulationOptions:
    stepper: Optional[str] = None
    rtol: Optional[float] = None
    atol: Optional[float] = None
    dt_max_s: Optional[float] = None
    save_every_s: Optional[float] = None
    outputs: Optional[list] = None
    parameter_overrides: list = field(default_factory=list)
    arms: list = field(default_factory=list)
    keep_traces: bool = True
    throw_on_failure: bool = True


@dataclass
class ArmResult:
    arm: str
    t_s: np.ndarray
    output_names: list
    values: np.ndarray
    metrics: list
    stats: dict
    status: str = "success"
    message: str = ""
    wall_time_s: float = 0.0


@dataclass
class SimulationResult:
    scenario_name: str
    arms: list
    error: str = ""


def tau_s(map_mmHg: float, arm: str) -> float:
    return 600.0 * (93.0 / map_mmHg) * (0.8 if "massage" in arm else 1.0)


def available_outputs(scenario: Any) -> list:
    return list(OUTPUTS) + [n for n in _core.known_output_names() if n not in OUTPUTS]


def metric_names() -> list:
    return list(METRICS)


def simulate(scenario: Any, options: Any = None) -> SimulationResult:
    o = options or SimulationOptions()
    if o.stepper is not None and o.stepper not in STEPPERS:
        raise _core.UnknownName(f"stepper: unknown stepper '{o.stepper}'; expected one of: {', '.join(STEPPERS)}")
    if o.rtol is not None and not (0 < o.rtol < 1):
        raise _core.InvalidArgument(f"tolerance rtol: expected > 0 and < 1, got {o.rtol}")
    dt = o.save_every_s if o.save_every_s is not None else scenario.save_every_s
    if not dt > 0:
        raise _core.InvalidArgument(f"save_every_s: expected > 0, got {dt}")
    if o.outputs is None:
        names = list(scenario.output_names) or list(OUTPUTS)
    else:
        names = list(o.outputs) or list(OUTPUTS)
    known = set(OUTPUTS) | set(_core.known_output_names())
    for n in names:
        if n not in known:
            raise _core.UnknownName(f"unknown output '{n}'")
    values = dict(_core.subject_parameters(scenario))
    for k, v in o.parameter_overrides:
        _core.check_parameter(k, v, False)
        values[_core.canonical_parameter_id(k)] = v
    arms = list(o.arms) or list(scenario.arm_names) or ["as_written"]
    n = int(math.floor(scenario.duration_s / dt + 1e-9)) + 1
    t = np.arange(n) * dt
    out = []
    for arm in arms:
        tau = tau_s(values["systemic.mean_arterial_pressure_mmHg"], arm)
        lac = 1.0 + 8.0 * np.exp(-t / tau)
        cols = {
            "applied_pressure_mmHg": np.where(("massage" in arm) & (t > 0.25 * t[-1]) & (t < 0.5 * t[-1]), 40.0, 0.0),
            "venous_outflow_mL_per_min": np.full(n, 50.0 * values["systemic.mean_arterial_pressure_mmHg"] / 93.0),
            "blood_lactate_mmol_per_L": lac,
            "muscle_activation": 0.05 + 0.01 * np.exp(-t / tau),
        }
        metrics = [
            ("blood_lactate_half_time_s", tau * math.log(2.0)),
            ("venous_outflow_area_mL", float(cols["venous_outflow_mL_per_min"][0] * t[-1] / 60.0)),
            ("peak_applied_pressure_mmHg", float(cols["applied_pressure_mmHg"].max())),
        ]
        v = np.column_stack([cols.get(c, np.zeros(n)) for c in names]) if o.keep_traces else np.empty((0, len(names)))
        out.append(ArmResult(arm, t if o.keep_traces else np.empty(0), names, v, metrics, {"n_steps": n}))
    return SimulationResult(scenario.name, out)


def simulate_batch(
    scenario: Any, runs: list, n_threads: int = 0, progress: Optional[Callable[[int], None]] = None
) -> list:
    results: list = [None] * len(runs)
    lock = threading.Lock()
    done = [0]

    def work(idx: list) -> None:
        for i in idx:
            try:
                results[i] = simulate(scenario, runs[i])
            except Exception as e:  # as the facade: the run's error, not an exception
                results[i] = SimulationResult(scenario.name, [], str(e))
            with lock:
                done[0] += 1
                if progress is not None:
                    progress(done[0])

    k = max(1, n_threads or 2)
    threads = [threading.Thread(target=work, args=(list(range(j, len(runs), k)),)) for j in range(k)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results
