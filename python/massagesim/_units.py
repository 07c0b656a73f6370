"""Units of names, from the core's catalogues (outputs, summary metrics, parameters): never from suffixes."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    from . import _core  # here, not at import: massagesim.sbml imports this module without the core

    units: dict[str, str] = {"t_s": "s"}
    for i in _core.parameter_info():
        units[i.name] = i.unit
        units.setdefault(i.name.split(".", 1)[-1], i.unit)
    if hasattr(_core, "metric_info"):
        for name, unit, _ in _core.metric_info():
            units[name] = unit
    if hasattr(_core, "state_catalogue"):
        for name, unit, *_ in _core.state_catalogue():
            units[name] = unit
    if hasattr(_core, "output_catalogue"):
        for name, unit, _level, _ in _core.output_catalogue():
            units[name] = unit  # outputs win over parameters of the same name (e.g. mean_arterial_pressure_mmHg)
    return units


def unit_of(name: str) -> str:
    """Return the unit of an output, summary metric or parameter, from the core's catalogues.

    Parameters
    ----------
    name : str
        E.g. ``"venous_outflow_mL_per_min"``, ``"distal_calf.venous_outflow_mL_per_min"`` (a segment
        prefix), ``"distal_calf__venous_volume_mL"`` (an exported identifier) or a metric name.

    Returns
    -------
    str
        E.g. ``"mL/min"``; ``"1"`` for dimensionless quantities.

    Raises
    ------
    KeyError
        When the name is in no catalogue (the message names the catalogues).
    """
    table = _table()
    if name in table:
        return table[name]
    # A qualified name: "<segment>.<quantity>", "<segment>/<quantity>" or an identifier "<segment>__<quantity>".
    parts = re.split(r"[/.:]|__", name)
    for k in range(1, len(parts)):
        tail = ".".join(parts[k:])
        if tail in table:
            return table[tail]
    raise KeyError(f"unit_of: {name!r} is not an output (available_outputs()), summary metric or parameter")
