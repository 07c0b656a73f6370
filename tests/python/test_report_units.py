"""Results as pint quantities where the user asks: Result.to_pandas(units=True), to_xarray(units=True),
ArmTrace.quantity; units from massagesim.unit_of."""

from __future__ import annotations

import numpy as np
import pytest

import massagesim as ms
from massagesim._units_pint import pint_unit, unit_for

pint = pytest.importorskip("pint")


@pytest.mark.parametrize(
    ("unit", "same_as"),
    [
        ("mL/min", "milliliter / minute"),
        ("mmHg", "millimeter_Hg"),
        ("mmol/L", "millimole / liter"),
        ("mL/100 g/min", "milliliter / hectogram / minute"),
        ("mmHg·s", "millimeter_Hg * second"),
        ("1", "dimensionless"),
        ("fraction of VO2max", "dimensionless"),
        ("1/s", "1 / second"),
    ],
)
def test_printable_units_translate_to_pint(unit: str, same_as: str) -> None:
    assert pint_unit(unit) == pint_unit(same_as)


def test_pint_conversions_mean_what_the_names_say() -> None:
    ureg = pint.get_application_registry()
    q = ureg.Quantity(3.0, unit_for("distal_calf.venous_outflow_mL_per_min"))
    assert q.to("L/h").magnitude == pytest.approx(0.18)
    p = ureg.Quantity(760.0, unit_for("applied_pressure_mmHg"))
    assert p.to("kPa").magnitude == pytest.approx(101.325, rel=1e-3)
    assert ureg.Quantity(1.0, pint_unit("mL/100 g/min")).to("mL/g/min").magnitude == pytest.approx(0.01)


def test_an_unknown_unit_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unit 'widgets/min' is not understood by pint"):
        pint_unit("widgets/min")


def test_every_unit_the_lookup_gives_for_the_outputs_parses() -> None:
    names = list(ms.metric_names()) + ms.available_outputs(ms.Scenario.default())
    for name in names:
        unit_for(name)  # raises ValueError naming the unit otherwise


def test_to_pandas_with_units(short_scenario: ms.Scenario) -> None:
    pytest.importorskip("pint_pandas")
    res = ms.simulate(short_scenario)
    plain = res.to_pandas("massage")
    df = res.to_pandas("massage", units=True)
    col = df["calf.venous_outflow_mL_per_min"]
    assert str(col.pint.units) == "milliliter / minute"
    np.testing.assert_allclose(
        col.pint.to("L/h").pint.magnitude.to_numpy(dtype=float),
        plain["calf.venous_outflow_mL_per_min"].to_numpy() * 60.0 / 1000.0,
    )
    assert str(df["calf.applied_pressure_mmHg"].pint.units) == "millimeter_Hg"
    both = res.to_pandas(units=True)
    assert str(both[("passive", "calf.applied_pressure_mmHg")].pint.units) == "millimeter_Hg"
    q = res["massage"].quantity("venous_outflow_mL_per_min")
    np.testing.assert_allclose(q.to("mL/s").magnitude, plain["calf.venous_outflow_mL_per_min"].to_numpy() / 60.0)


def test_to_xarray_with_units(short_scenario: ms.Scenario) -> None:
    pytest.importorskip("pint_xarray")
    pytest.importorskip("xarray")
    res = ms.simulate(short_scenario)
    ds = res.to_xarray(units=True)
    da = ds["calf.venous_outflow_mL_per_min"]
    assert str(da.pint.units) == "milliliter / minute"
    np.testing.assert_allclose(
        da.pint.to("mL/s").pint.magnitude[0], res["massage"].column("venous_outflow_mL_per_min") / 60.0
    )
    assert str(ds["t_s"].pint.units) == "second"
