"""Parameters by name: values, units, ranges, sources, the pandas table, and the errors."""

from __future__ import annotations

import pytest

import massagesim as ms
from massagesim import _core


def test_registry_metadata_is_complete_and_consistent() -> None:
    infos = _core.parameter_info()
    assert len(infos) > 20
    names = [i.name for i in infos]
    assert len(names) == len(set(names))
    for i in infos:
        assert i.unit and i.source, i.name
        assert i.min <= i.default_value <= i.max, i.name
        assert i.module in {
            "tissue",
            "hemodynamics",
            "interstitium_lymph",
            "metabolites",
            "muscle_tone",
            "systemic",
            "lactate_pool",
        }
        assert (i.level == "limb") == ("." in i.name), i.name  # limb-level ids are "<module>.<name>"


def test_parameters_mapping_and_metadata() -> None:
    p = ms.parameters()
    assert len(p) == len(_core.parameter_info())
    assert p["tissue_mass_g"] == 2000.0
    assert p.unit("tissue_mass_g") == "g"
    lo, hi = p.range("tissue_mass_g")
    assert lo < p["tissue_mass_g"] < hi
    assert p.source("tissue_mass_g")
    assert "tissue_mass_g" in p and "no_such_parameter" not in p


def test_presets_differ_where_documented() -> None:
    calf, forearm = ms.parameters(preset="default_calf"), ms.parameters(preset="default_forearm")
    assert calf["tissue_mass_g"] == 2000.0 and forearm["tissue_mass_g"] == 1000.0
    assert set(_core.preset_names()) == {"default_calf", "default_forearm"}
    with pytest.raises(ms.UnknownName, match="unknown subject preset 'elbow'"):
        ms.parameters(preset="elbow")


def test_to_frame_columns_and_units() -> None:
    df = ms.parameters().to_frame()
    assert df.index.name == "name"
    assert list(df.columns) == ["value", "unit", "default_value", "min", "max", "module", "source", "description"]
    assert (df["min"] <= df["value"]).all() and (df["value"] <= df["max"]).all()
    assert df.loc["tissue_mass_g", "unit"] == "g"


def test_unknown_name_is_keyerror_with_nearest_names() -> None:
    p = ms.parameters()
    with pytest.raises(KeyError):
        p["tissue_mass"]
    with pytest.raises(ms.UnknownName, match=r"unknown parameter 'tissue_mass'; nearest: 'tissue_mass_g'"):
        p.info("tissue_mass")


def test_out_of_range_message_gives_range_and_source() -> None:
    p = ms.parameters()
    lo, hi = p.range("tissue_mass_g")
    with pytest.raises(
        ms.InvalidArgument, match=r"tissue_mass_g \[g\]: expected a value in \[.*\(source: .*got 1000000"
    ):
        p.check("tissue_mass_g", 1e6)
    p.check("tissue_mass_g", 1e6, allow_out_of_range=True)
    with pytest.raises(ValueError, match="expected a finite value"):
        p.check("tissue_mass_g", float("nan"))
    p.check("tissue_mass_g", lo)
    p.check("tissue_mass_g", hi)


def test_scenario_overrides_change_the_values_seen() -> None:
    sc = ms.Scenario.default().with_parameters(tissue_mass_g=1500.0)
    assert ms.parameters(sc)["tissue_mass_g"] == 1500.0
    assert sc.parameter_overrides == {"tissue_mass_g": 1500.0}
