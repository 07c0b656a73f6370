"""The Python layer asks the core's catalogues (outputs, metrics, parameters, steppers) and keeps no
lists of its own: units of columns come from the output catalogue, never from name suffixes, and
every name `available_outputs()` / `parameters()` lists is accepted by scenario files and sweeps."""

from __future__ import annotations

import math

import pytest

import massagesim as ms
from massagesim import _core


def test_unit_of_is_the_catalogue_unit_for_every_output() -> None:
    catalogue = {name: unit for name, unit, _level, _ in _core.output_catalogue()}
    assert catalogue["arterial_inflow_mL_per_min_per_100g"] == "mL/min/100 g"
    for name in ms.available_outputs():
        bare = name if name in catalogue else name.split(".", 1)[1]
        assert ms.unit_of(name) == catalogue[bare], name
    # the bug the catalogue fixes: the suffix rule gave "1" for per-100 g flows
    assert ms.unit_of("distal_calf.arterial_inflow_mL_per_min_per_100g") == "mL/min/100 g"
    assert ms.unit_of("distal_calf__venous_volume_mL") == "mL"  # an exported identifier
    for name, unit, _ in _core.metric_info():
        assert ms.unit_of(name) == unit
    with pytest.raises(KeyError, match="not an output"):
        ms.unit_of("no_such_quantity_mL")


def test_xarray_columns_carry_catalogue_units(short_scenario: ms.Scenario) -> None:
    res = ms.simulate(short_scenario, outputs=["arterial_inflow_mL_per_min_per_100g", "blood_lactate_mmol_per_L"])
    ds = res.to_xarray()
    for name in ds.data_vars:
        assert ds[name].attrs["units"] == ms.unit_of(name)
    assert any(ds[n].attrs["units"] == "mL/min/100 g" for n in ds.data_vars)


def test_scenario_files_accept_every_available_output_and_limb_parameters(short_scenario: ms.Scenario) -> None:
    d = short_scenario.to_dict()
    seg = short_scenario.segment_names[-1]
    d["outputs"] = {"names": ["blood_lactate_mmol_per_L", f"{seg}.venous_outflow_mL_per_min"], "save_every_s": 10.0}
    d["parameters"] = [
        {"name": "systemic.mean_arterial_pressure_mmHg", "value": 95.0},
        {"name": "lactate_pool.pool_volume_L", "value": 14.0},
    ]
    sc = ms.Scenario.from_dict(d)
    res = ms.simulate(sc)
    arm = res[res.arm_names[0]]
    assert arm.output_names == ("blood_lactate_mmol_per_L", f"{seg}.venous_outflow_mL_per_min")
    assert ms.parameters(sc)["systemic.mean_arterial_pressure_mmHg"] == 95.0
    assert ms.parameters(sc)["mean_arterial_pressure_mmHg"] == 95.0  # a bare limb-level name resolves


def test_sweeps_take_limb_level_names(short_scenario: ms.Scenario) -> None:
    t = ms.sweep(short_scenario, {"lactate_pool.pool_volume_L": [10.0, 20.0]})
    assert set(t["lactate_pool.pool_volume_L"]) == {10.0, 20.0}
    peaks = t.groupby("lactate_pool.pool_volume_L")["peak_blood_lactate_mmol_per_L"].mean()
    assert peaks[10.0] > peaks[20.0]  # a larger lactate space dilutes the same load
    with pytest.raises(_core.InvalidArgument, match=r"\[8, 25\]"):
        ms.sweep(short_scenario, {"lactate_pool.pool_volume_L": [100.0]})
    with pytest.raises(_core.UnknownName, match="systemic.mean_arterial_pressure_mmHg"):
        ms.sweep(short_scenario, {"systemic.mean_arterial_presure_mmHg": [90.0]})


def test_parameters_list_the_limb_level_modules() -> None:
    p = ms.parameters()
    info = p.info("mean_arterial_pressure_mmHg")
    assert info.name == "systemic.mean_arterial_pressure_mmHg" and info.level == "limb"
    assert p.range("lactate_pool.pool_volume_L") == (8.0, 25.0)
    assert not math.isnan(p["lactate_pool.clearance_km_mmol_per_L"])


def test_cli_stepper_choices_are_the_core_table() -> None:
    from massagesim import cli

    assert cli._stepper_names() == list(_core.stepper_names())
