"""Model parameters by name: value, unit, physiological range and source."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import _core

if TYPE_CHECKING:
    import pandas as pd

    from ._scenario import Scenario


def _check_name(name: str) -> str:
    # C++ messages are C strings: a NUL would cut the message short, so refuse it here.
    if not isinstance(name, str):
        raise TypeError(f"parameter name: expected a str, got {type(name).__name__}")
    if "\x00" in name:
        raise _core.UnknownName(
            f"unknown parameter {name!r}: a name contains no NUL character; nearest: see parameters()"
        )
    return name


class Parameters(Mapping[str, float]):
    """Read-only mapping ``name -> value`` of the segment model's parameters, with metadata.

    Each name is unit-suffixed (``venous_compliance_mL_per_mmHg``). Besides the mapping
    interface, :meth:`info`, :meth:`unit`, :meth:`range` and :meth:`source` give the metadata
    and :meth:`to_frame` the whole table. Change values through a scenario
    (:meth:`Scenario.with_parameters`) or the ``parameters=`` argument of
    :func:`massagesim.simulate`; both are range-checked in C++.

    Parameters
    ----------
    values : sequence of (str, float)
        (name, value) pairs in module order, as returned by ``_core.preset_parameters``.
    """

    def __init__(self, values: list[tuple[str, float]] | None = None) -> None:
        self._info = {i.name: i for i in _core.parameter_info()}
        pairs = values if values is not None else [(n, i.default_value) for n, i in self._info.items()]
        self._values = dict(pairs)

    @classmethod
    def of_preset(cls, preset: str = "default_calf") -> Parameters:
        """Return the parameter values of a subject preset (``default_calf``, ``default_forearm``)."""
        return cls(_core.preset_parameters(preset))

    @classmethod
    def of_scenario(cls, scenario: Scenario | Any) -> Parameters:
        """Return the values a scenario's subject runs with (preset plus the scenario's overrides)."""
        from ._scenario import as_scenario

        return cls(_core.subject_parameters(as_scenario(scenario)._cpp))

    def __getitem__(self, name: str) -> float:
        return self._values[self._id(name)]  # UnknownName (a KeyError) lists the nearest ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"<Parameters: {len(self)} parameters>"

    def _id(self, name: str) -> str:
        """The catalogue id of ``name`` (a bare limb-level name gets its module)."""
        if name in self._info:
            return name
        return str(_core.canonical_parameter_id(_check_name(name)))

    def info(self, name: str) -> _core.ParameterInfo:
        """Return the metadata of ``name`` (unit, default, min, max, source, description, module).

        Raises
        ------
        UnknownName
            For an unknown name (also a KeyError); the message lists the nearest names.
        """
        return self._info[self._id(name)]

    def unit(self, name: str) -> str:
        """Return the unit of ``name``."""
        return self.info(name).unit

    def range(self, name: str) -> tuple[float, float]:
        """Return the physiological range ``(min, max)`` of ``name``."""
        i = self.info(name)
        return (i.min, i.max)

    def source(self, name: str) -> str:
        """Return the source (citation or calibration target) of ``name``."""
        return self.info(name).source

    def check(self, name: str, value: float, allow_out_of_range: bool = False) -> None:
        """Validate ``value`` for ``name`` as a scenario override would be.

        Raises
        ------
        UnknownName
            For an unknown name.
        InvalidArgument
            For a non-finite value, or one outside the range unless ``allow_out_of_range``.
        """
        _core.check_parameter(_check_name(name), float(value), allow_out_of_range)

    def to_frame(self) -> pd.DataFrame:
        """Return the table of parameters.

        Returns
        -------
        pandas.DataFrame
            Index ``name``; columns ``value, unit, default_value, min, max, module, source, description``.
        """
        import pandas as pd

        rows = []
        for name, value in self._values.items():
            i = self._info[name]
            rows.append(
                {
                    "name": name,
                    "value": value,
                    "unit": i.unit,
                    "default_value": i.default_value,
                    "min": i.min,
                    "max": i.max,
                    "module": i.module,
                    "source": i.source,
                    "description": i.description,
                }
            )
        return pd.DataFrame(rows).set_index("name")


def parameters(scenario: Scenario | Any = None, *, preset: str | None = None) -> Parameters:
    """Return the model parameters.

    Parameters
    ----------
    scenario : Scenario, dict, path or None
        With a scenario: its subject's values (preset plus overrides).
    preset : str, optional
        Without a scenario: the values of this preset (default ``"default_calf"``).

    Returns
    -------
    Parameters
    """
    if scenario is not None:
        return Parameters.of_scenario(scenario)
    return Parameters.of_preset(preset or "default_calf")


def check_ranges(values: Mapping[str, float], *, allow_out_of_range: bool = False) -> None:
    """Validate several (name, value) pairs; raises like :meth:`Parameters.check`."""
    for name, value in values.items():
        _core.check_parameter(_check_name(str(name)), float(value), allow_out_of_range)
