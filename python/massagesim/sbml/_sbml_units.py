"""Unit strings of the model to SBML unit definitions. (part of :mod:`massagesim.sbml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass


# --- units -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitFactor:
    """One SBML ``<unit>``: (multiplier * 10**scale * kind) ** exponent."""

    kind: str
    multiplier: float = 1.0
    scale: int = 0
    exponent: float = 1.0


# Unit symbols the model headers use, as (SBML base kind, multiplier, scale).
_BASE_UNITS: dict[str, tuple[str, float, int]] = {
    "mmHg": ("pascal", 133.322387415, 0),
    "Pa": ("pascal", 1.0, 0),
    "kPa": ("pascal", 1.0, 3),
    "cmH2O": ("pascal", 98.0665, 0),
    "L": ("litre", 1.0, 0),
    "dL": ("litre", 1.0, -1),
    "mL": ("litre", 1.0, -3),
    "uL": ("litre", 1.0, -6),
    "s": ("second", 1.0, 0),
    "ms": ("second", 1.0, -3),
    "min": ("second", 60.0, 0),
    "h": ("second", 3600.0, 0),
    "Hz": ("hertz", 1.0, 0),
    "kg": ("kilogram", 1.0, 0),
    "g": ("gram", 1.0, 0),
    "mg": ("gram", 1.0, -3),
    "mol": ("mole", 1.0, 0),
    "mmol": ("mole", 1.0, -3),
    "umol": ("mole", 1.0, -6),
    "m": ("metre", 1.0, 0),
    "cm": ("metre", 1.0, -2),
    "mm": ("metre", 1.0, -3),
    "N": ("newton", 1.0, 0),
    "J": ("joule", 1.0, 0),
    "W": ("watt", 1.0, 0),
    "K": ("kelvin", 1.0, 0),
    "%": ("dimensionless", 0.01, 0),
}
_DIMENSIONLESS = {"", "1", "dimensionless", "-"}
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_POWER = re.compile(r"^(?P<sym>[A-Za-z%]+?)(?:\^(?P<e1>[-+]?[0-9]+)|(?P<e2>[23]))?$")


def _parse_unit(unit: str) -> tuple[list[_UnitFactor], list[str]] | None:
    """Parse a unit string such as ``"mL/min/mmHg/100g"`` into SBML unit factors.

    The first ``/``-separated part is the numerator, each further part a denominator. A part is a
    product of symbols separated by spaces, ``*`` or ``·``; a leading number multiplies the next
    symbol (``100g``, ``100 g``); ``cm2`` / ``cm^2`` are powers. A word that follows a unit and is
    not one (``mL O2``, ``mL blood``) qualifies it and is returned as a qualifier.

    Returns
    -------
    (factors, qualifiers) or None
        None when the string cannot be expressed in SBML units. An empty factor list means
        dimensionless.
    """
    text = unit.strip()
    if text in _DIMENSIONLESS:
        return [], []
    parts = text.split("/")
    factors: list[_UnitFactor] = []
    qualifiers: list[str] = []
    for i, part in enumerate(parts):
        sign = 1.0 if i == 0 else -1.0
        tokens = [t for t in re.split(r"[\s*·]+", part.strip()) if t]
        if not tokens:
            return None
        if i == 0 and tokens == ["1"]:
            continue
        number = 1.0
        had_unit = False
        for tok in tokens:
            m = _NUMBER.match(tok)
            if m:
                number *= float(m.group(0))
                tok = tok[m.end() :]
                if not tok:
                    continue
            pm = _POWER.match(tok)
            if pm is not None and pm.group("sym") in _BASE_UNITS:
                kind, mult, scale = _BASE_UNITS[pm.group("sym")]
                power = float(pm.group("e1") or pm.group("e2") or 1)
                if number != 1.0:
                    mult = mult * number ** (1.0 / power)
                    number = 1.0
                _add_factor(factors, _UnitFactor(kind, mult, scale, sign * power))
                had_unit = True
            elif had_unit and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", tok):
                qualifiers.append(tok)
            else:
                return None
        if number != 1.0:  # a bare number: "1/100" or "mL/100"
            _add_factor(factors, _UnitFactor("dimensionless", number, 0, sign))
    return [f for f in factors if f.exponent != 0.0], qualifiers


def _add_factor(factors: list[_UnitFactor], f: _UnitFactor) -> None:
    """Append ``f``, merging it with an equal unit already there (``mL O2/mL blood`` -> 1)."""
    for i, g in enumerate(factors):
        if (g.kind, g.multiplier, g.scale) == (f.kind, f.multiplier, f.scale):
            factors[i] = _UnitFactor(g.kind, g.multiplier, g.scale, g.exponent + f.exponent)
            return
    factors.append(f)


def _unit_sid(unit: str) -> str:
    sid = unit.strip().replace("/", "_per_").replace("%", "percent").replace("^", "")
    sid = re.sub(r"[^A-Za-z0-9_]+", "_", sid).strip("_")
    return "u_" + (sid or "unit")
