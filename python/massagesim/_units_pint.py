"""Results as pint quantities, where the user asks (optional: pint, pint-pandas, pint-xarray).

Units come from the package's unit lookup, :func:`massagesim.unit_of` (the printable unit of an
output name), translated here into pint's syntax. Imported only by ``to_pandas(units=True)``,
``to_xarray(units=True)`` and ``ArmTrace.quantity``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pint
    import xarray as xr

#: Printable units (as unit_of writes them) that pint spells differently.
_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("·", "*"),
    ("/100 g", "/hg"),  # per 100 g of tissue = per hectogram
    ("/100g", "/hg"),
)
_DIMENSIONLESS = {"", "1", "fraction of VO2max", "fraction", "rel"}


def _need(module: str, pip_name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"units=True needs {pip_name} (pip install {pip_name}, or pip install 'massagesim[units]')"
        ) from None


def unit_registry() -> pint.UnitRegistry:
    """The pint registry results are expressed in (pint's application registry, which pint-pandas
    and pint-xarray use too)."""
    pint = _need("pint", "pint")
    return pint.get_application_registry()


def pint_unit(unit: str) -> pint.Unit:
    """Translate a printable unit (``"mL/100 g/min"``, ``"mmHg·s"``, ``"1"``) into a pint unit.

    Raises
    ------
    ValueError
        When pint does not understand it (the message names the unit).
    """
    ureg = unit_registry()
    text = unit.strip()
    if text in _DIMENSIONLESS:
        return ureg.Unit("dimensionless")
    for old, new in _SPELLINGS:
        text = text.replace(old, new)
    try:
        return ureg.Unit(text)
    except Exception as exc:  # pint raises several kinds (UndefinedUnitError, DefinitionSyntaxError, ...)
        raise ValueError(f"unit {unit!r} is not understood by pint (as {text!r}): {exc}") from None


def unit_for(name: str) -> pint.Unit:
    """The pint unit of an output or metric name, from :func:`massagesim.unit_of`."""
    import massagesim

    return pint_unit(massagesim.unit_of(name))


def quantity(values: Any, name: str) -> pint.Quantity:
    """``values`` (array or number) as a pint quantity in the unit of output ``name``."""
    return unit_registry().Quantity(values, unit_for(name))


def frame_with_units(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a result frame whose columns are pint-pandas arrays (``dtype pint[mL/min]``).

    The column's output name is its last level (``(arm, output)`` columns work too); the time
    index ``t_s`` stays in seconds.
    """
    import pandas as pd

    _need("pint_pandas", "pint-pandas")
    out = {}
    for col in frame.columns:
        name = col[-1] if isinstance(col, tuple) else col
        unit = unit_for(str(name))
        out[col] = pd.Series(frame[col].to_numpy(dtype=float), index=frame.index, dtype=f"pint[{unit}]")
    result = pd.DataFrame(out, index=frame.index)
    result.columns = frame.columns
    return result


def dataset_with_units(ds: xr.Dataset) -> xr.Dataset:
    """The dataset with every variable (and ``t_s``) as a pint quantity (pint-xarray's ``quantify``)."""
    _need("pint_xarray", "pint-xarray")
    units = {name: unit_for(str(name)) for name in ds.data_vars}
    units["t_s"] = unit_registry().Unit("s")
    return ds.pint.quantify(units)
