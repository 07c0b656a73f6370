"""Units from unit-suffixed names (style.md §3.6: every physical name carries its unit)."""

from __future__ import annotations

import re

# Longest suffixes first; each maps the name suffix to a printable unit.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_mL_per_100g_per_min", "mL/100 g/min"),
    ("_mmol_per_L_per_min", "mmol/L/min"),
    ("_mmol_per_min", "mmol/min"),
    ("_mL_per_min_per_mmHg", "mL/min/mmHg"),
    ("_mL_per_mmHg", "mL/mmHg"),
    ("_mL_per_min", "mL/min"),
    ("_mmol_per_L", "mmol/L"),
    ("_mmol_per_kg", "mmol/kg"),
    ("_mmHg_per_mL", "mmHg/mL"),
    ("_mmHg_s", "mmHg·s"),
    ("_mmol", "mmol"),
    ("_mmHg", "mmHg"),
    ("_cm_per_s", "cm/s"),
    ("_per_s", "1/s"),
    ("_per_min", "1/min"),
    ("_mL", "mL"),
    ("_cm", "cm"),
    ("_kg", "kg"),
    ("_g", "g"),
    ("_min", "min"),
    ("_Hz", "Hz"),
    ("_s", "s"),
    ("_VO2max", "fraction of VO2max"),
)


def unit_of(name: str) -> str:
    """Return the unit encoded in a unit-suffixed name, or ``"1"`` (dimensionless).

    Parameters
    ----------
    name : str
        E.g. ``"venous_outflow_mL_per_min"``; a segment prefix such as ``"distal_calf/"`` is ignored.

    Returns
    -------
    str
        E.g. ``"mL/min"``; ``"1"`` when no known suffix matches.
    """
    base = re.split(r"[/.:]", name)[-1]
    for suffix, unit in _SUFFIXES:
        if base.endswith(suffix):
            return unit
    return "1"
