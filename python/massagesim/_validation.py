"""The validation report (targets from validation.md run against the model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import _core

if TYPE_CHECKING:
    from ._report import ValidationTable


def validate(prefixes: Sequence[str] = ()) -> ValidationTable:
    """Run validation targets and return one row per target.

    Parameters
    ----------
    prefixes : list of str
        Run the targets whose id starts with one of these (all if empty), e.g. ``["L2", "B1"]``.

    Returns
    -------
    pandas.DataFrame
        Index ``target``; citation, quantity, unit, data, model, error_pct, band_lo, band_hi,
        band_rule, status (PASS, EXPECTED-FAIL, FAIL, XPASS), ok, expected_failure_reason, ...
        Its ``to_html(path)`` writes the visual report (one self-contained page with a figure per
        study; see :class:`massagesim._report.ValidationTable`).
    """
    from ._report import ValidationTable

    return ValidationTable(_core.validation_rows(list(prefixes))).set_index("target")


def validation_report(prefixes: Sequence[str] = (), fmt: str = "text") -> str:
    """Return the validation table as ``"text"``, ``"csv"`` or ``"markdown"`` (runs the targets)."""
    return str(_core.validation_report(fmt, list(prefixes)))
