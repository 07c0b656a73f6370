"""Results of a simulation: per-arm NumPy arrays (views of the C++ result), pandas, xarray, metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._units import unit_of

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class ArmTrace:
    """One arm of a run.

    Attributes
    ----------
    name : str
        Arm name (e.g. ``"massage"``, ``"passive"``).
    t_s : numpy.ndarray
        Output times [s], shape (n_times,). Read-only view of the C++ result (no copy).
    output_names : tuple of str
        Unit-suffixed output names (columns of ``values``).
    values : numpy.ndarray
        Shape (n_times, n_outputs). Read-only view of the C++ result (no copy).
    metrics : dict
        Unit-suffixed summary metrics, in the facade's order.
    status : str
        ``"success"`` or the failure kind; ``message`` says more.
    message : str
    stats : dict
        Solver work counters: n_steps (accepted), n_rejected, n_rhs, n_jac, n_lu, n_linear_solves,
        n_breakpoints, and for the Rosenbrock steppers' pattern-coloured Jacobian n_pattern_checks (full
        Jacobians that check the pattern; part of n_jac) and n_pattern_widenings (checks that found an
        entry outside it); n_lu_pivot_fallbacks: factorisations by the sparse pattern LU (the bdf stepper's)
        whose static pivots were rejected and that fell back to dense partial pivoting (part of n_lu).
    wall_time_s : float
        Time spent integrating this arm.
    """

    name: str
    t_s: np.ndarray
    output_names: tuple[str, ...]
    values: np.ndarray
    metrics: dict[str, float] = field(default_factory=dict)
    status: str = "success"
    message: str = ""
    stats: dict[str, int] = field(default_factory=dict)
    wall_time_s: float = 0.0

    @classmethod
    def from_core(cls, arm: Any) -> ArmTrace:
        """Wrap an ``ArmResult`` of the compiled core without copying its arrays."""
        return cls(
            name=str(arm.arm),
            t_s=np.asarray(arm.t_s),
            output_names=tuple(arm.output_names),
            values=np.asarray(arm.values),
            metrics=dict(arm.metrics),
            status=str(arm.status),
            message=str(arm.message),
            stats=dict(arm.stats),
            wall_time_s=float(arm.wall_time_s),
        )

    def column_name(self, name: str) -> str:
        """Return the saved column called ``name``, or the only one ending in ``"." + name``
        (a per-segment quantity of a one-segment limb, e.g. ``calf.venous_outflow_mL_per_min``).

        Raises
        ------
        KeyError
            For an output not saved, or ambiguous (the message lists the candidates).
        """
        if name in self.output_names:
            return name
        hits = [n for n in self.output_names if n.endswith("." + name)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise KeyError(f"output {name!r} is saved for several segments: {', '.join(hits)}; name one")
        raise KeyError(f"output {name!r} not in this result; saved: {', '.join(self.output_names)}")

    def column(self, name: str) -> np.ndarray:
        """Return the series of output ``name`` (a view); see :meth:`column_name`."""
        return self.values[:, self.output_names.index(self.column_name(name))]

    def quantity(self, name: str) -> Any:
        """Return output ``name`` as a pint quantity in its unit (needs pint; a copy)."""
        from ._units_pint import quantity

        return quantity(np.array(self.column(name)), self.column_name(name))


class Result:
    """Result of :func:`massagesim.simulate`: one :class:`ArmTrace` per arm.

    Arrays are read-only NumPy views of the C++ result (kept alive by them), so a result costs
    no copy until converted. Picklable (arrays are then copied).

    Parameters
    ----------
    scenario_name : str
    arms : list of ArmTrace
    """

    def __init__(self, scenario_name: str, arms: list[ArmTrace]) -> None:
        self.scenario_name = scenario_name
        self.arms: dict[str, ArmTrace] = {a.name: a for a in arms}

    @classmethod
    def from_core(cls, result: Any) -> Result:
        """Wrap a ``SimulationResult`` of the compiled core (no copy)."""
        return cls(str(result.scenario_name), [ArmTrace.from_core(a) for a in result.arms])

    # --- access ---------------------------------------------------------------------------------
    @property
    def arm_names(self) -> list[str]:
        """Arm names, in the order run."""
        return list(self.arms)

    @property
    def output_names(self) -> list[str]:
        """Output names of the first arm (all arms save the same outputs)."""
        first = next(iter(self.arms.values()), None)
        return list(first.output_names) if first else []

    @property
    def ok(self) -> bool:
        """True when every arm succeeded."""
        return all(a.status == "success" for a in self.arms.values())

    def __getitem__(self, arm: str) -> ArmTrace:
        try:
            return self.arms[arm]
        except KeyError:
            raise KeyError(f"no arm {arm!r}; arms: {', '.join(self.arms)}") from None

    def __iter__(self) -> Any:
        return iter(self.arms.values())

    def __len__(self) -> int:
        return len(self.arms)

    def __repr__(self) -> str:
        n = next(iter(self.arms.values())).t_s.size if self.arms else 0
        return f"<Result {self.scenario_name!r}: arms {self.arm_names}, {n} times x {len(self.output_names)} outputs>"

    # --- conversions ----------------------------------------------------------------------------
    def to_pandas(self, arm: str | None = None, *, units: bool = False) -> pd.DataFrame:
        """Return the outputs as a DataFrame (time index ``t_s`` in seconds, unit-suffixed columns).

        Parameters
        ----------
        arm : str, optional
            One arm: a frame sharing memory with the C++ result. None: all arms side by side,
            columns a MultiIndex ``(arm, output)`` (a copy).
        units : bool
            True: columns are pint quantities (pint-pandas ``pint[unit]`` dtypes, a copy), units
            from :func:`massagesim.unit_of`. Needs pint and pint-pandas.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        if units:
            from ._units_pint import frame_with_units

            return frame_with_units(self.to_pandas(arm))
        if arm is not None:
            a = self[arm]
            return pd.DataFrame(a.values, index=pd.Index(a.t_s, name="t_s"), columns=list(a.output_names), copy=False)
        frames = {name: self.to_pandas(name) for name in self.arms}
        out = pd.concat(frames, axis=1, names=["arm", "output"])
        out.index.name = "t_s"
        return out

    to_dataframe = to_pandas

    def to_xarray(self, *, units: bool = False) -> xr.Dataset:
        """Return the outputs as an :class:`xarray.Dataset` (dims ``arm``, ``t_s``; one variable per output).

        Each variable has a ``units`` attribute taken from its name. Requires xarray
        (``pip install xarray``; imported only here). ``units=True`` returns pint quantities
        (pint-xarray's ``quantify``; needs pint and pint-xarray).

        Returns
        -------
        xarray.Dataset
        """
        import xarray as xr

        arms = list(self.arms.values())
        t = arms[0].t_s
        for a in arms[1:]:
            if a.t_s.shape != t.shape or not np.array_equal(a.t_s, t):
                raise ValueError("to_xarray: the arms have different output times; use to_pandas(arm) per arm")
        stacked = np.stack([a.values for a in arms])  # arm x t x output
        data_vars = {
            name: (("arm", "t_s"), stacked[:, :, j], {"units": unit_of(name)})
            for j, name in enumerate(arms[0].output_names)
        }
        ds = xr.Dataset(
            data_vars,
            coords={"arm": [a.name for a in arms], "t_s": ("t_s", np.asarray(t), {"units": "s"})},
            attrs={"scenario": self.scenario_name},
        )
        if units:
            from ._units_pint import dataset_with_units

            return dataset_with_units(ds)
        return ds

    def metrics(self) -> pd.DataFrame:
        """Return the summary metrics: one row per arm, unit-suffixed metric columns.

        Returns
        -------
        pandas.DataFrame
            Index ``arm``; metric columns in the facade's order.
        """
        import pandas as pd

        rows = [{"arm": a.name, **a.metrics} for a in self.arms.values()]
        return pd.DataFrame(rows).set_index("arm")

    def summary(self) -> pd.DataFrame:
        """Return the metrics with arms as columns and, for two arms, their difference.

        Returns
        -------
        pandas.DataFrame
            Index ``metric``; one column per arm plus ``"<first> - <second>"`` when there are two.
        """
        table = self.metrics().T
        table.index.name = "metric"
        if table.shape[1] == 2:
            a, b = table.columns
            table[f"{a} - {b}"] = table[a] - table[b]
        return table

    def plot(self, outputs: list[str] | None = None, **kwargs: Any) -> Figure:
        """Return the standard multi-panel figure (applied pressure, flows, lactate, tone).

        See :func:`massagesim.plot_result`.
        """
        from ._plotting import plot_result

        return plot_result(self, outputs=outputs, **kwargs)

    def plot_limb(self, t_s: Any, **kwargs: Any) -> Figure:
        """Small multiples along the limb (pressures, volumes, flows per segment) at times ``t_s``.

        See :func:`massagesim._plotting.plot_limb` (``arm=``, ``quantities=``).
        """
        from ._plotting import plot_limb

        return plot_limb(self, t_s, **kwargs)
