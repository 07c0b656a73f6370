"""Shared fixtures: the toy facade (tests/python/fake_facade.py) and short scenarios of the real model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import massagesim as ms
from massagesim import _backend


@pytest.fixture
def fake() -> Iterator[Any]:
    """Route the Python layer to the toy facade for the duration of a test."""
    import fake_facade

    old = _backend._override
    _backend._override = fake_facade
    try:
        yield fake_facade
    finally:
        _backend._override = old


@pytest.fixture(scope="session")
def short_scenario() -> ms.Scenario:
    """A 2-minute, one-segment scenario (rest, exercise, massage vs passive): a fraction of a
    second per run of the real model, so the suite stays fast."""
    return ms.Scenario.build(
        [
            ms.phase("rest", 30.0),
            ms.phase("exercise", 30.0, intensity_fraction_VO2max=0.8),
            ms.phase("massage", 30.0, technique="petrissage", depth_mmHg=40.0, baseline_mmHg=10.0, rate_Hz=0.5),
            ms.phase("passive_recovery", 30.0),
        ],
        name="short_recovery",
        limb={"segment_names": ["calf"], "segment_lengths_cm": [40.0]},
        arms=[
            {"name": "massage"},
            {"name": "passive", "replace_kinds": ["massage"], "replace_with": "passive_recovery"},
        ],
        outputs=["applied_pressure_mmHg", "venous_outflow_mL_per_min"],
        save_every_s=5.0,
    )
