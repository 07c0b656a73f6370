"""A thigh cuff throttles the segments distal to it (issue 12, item 4), on the path users run: the shipped
scenario scenarios/thigh_cuff_occlusion.json through `ms.simulate` and through `massagesim run`.

Phases of the scenario: rest 0-120 s; cuff at 50 mmHg 120-300.5 s (venous occlusion plethysmography);
rest to 600.5 s; cuff at 220 mmHg 600.5-901 s (above systolic); rest to 1501 s.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import massagesim as ms

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "thigh_cuff_occlusion.json"


@pytest.fixture(scope="module")
def arm() -> ms.ArmTrace:
    result = ms.simulate(ms.Scenario.from_file(SCENARIO))
    assert result.ok
    return list(result)[0]


def window(arm: ms.ArmTrace, name: str, a_s: float, b_s: float) -> np.ndarray:
    t = np.asarray(arm.t_s)
    return np.asarray(arm.column(name))[(t >= a_s) & (t <= b_s)]


def at(arm: ms.ArmTrace, name: str, t_s: float) -> float:
    return float(np.interp(t_s, arm.t_s, arm.column(name)))


def test_venous_occlusion_fills_the_calf_and_keeps_arterial_inflow(arm: ms.ArmTrace) -> None:
    q = "calf.arterial_inflow_mL_per_min"
    rest_q = at(arm, q, 119.0)
    # Arterial inflow mostly intact while the veins fill (a cuff below diastolic leaves the artery open).
    assert window(arm, q, 121.0, 130.0).mean() > 0.8 * rest_q
    # Calf veins fill toward the pressure under the cuff (kappa 0.8 x 50 mmHg), calf blood volume rises.
    assert at(arm, "calf.venous_pressure_mmHg", 295.0) > at(arm, "calf.venous_pressure_mmHg", 119.0) + 20.0
    assert at(arm, "calf.blood_volume_mL", 295.0) - at(arm, "calf.blood_volume_mL", 119.0) > 20.0
    # ... and drain again after release.
    assert at(arm, "calf.venous_pressure_mmHg", 590.0) < at(arm, "calf.venous_pressure_mmHg", 119.0) + 2.0


def test_suprasystolic_cuff_stops_distal_inflow_then_reactive_hyperaemia(arm: ms.ArmTrace) -> None:
    for seg in ("foot", "calf"):
        q = f"{seg}.arterial_inflow_mL_per_min"
        rest_q = at(arm, q, 599.0)
        assert np.abs(window(arm, q, 700.0, 895.0)).mean() < 0.02 * rest_q, seg
        # Reactive hyperaemia on release after 5 min (physiology.md 1C R1, R2: leg peak ~4x rest).
        assert window(arm, q, 902.0, 1000.0).max() > 2.0 * rest_q, seg
        # ... decaying back toward rest within the 10 min that follow.
        assert at(arm, q, 1500.0) < 1.3 * rest_q, seg


def test_fluid_is_conserved(arm: ms.ArmTrace) -> None:
    assert np.abs(arm.column("limb_fluid_balance_residual_mL")).max() < 1e-3


def test_scenario_runs_through_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "massagesim", "run", str(SCENARIO), "--out-dir", str(tmp_path), "--no-plot"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (traces,) = tmp_path.glob("*_traces.csv")
    table = pd.read_csv(traces)
    cols = [c for c in table.columns if "calf" in c and "arterial_inflow" in c]
    assert cols, list(table.columns)
    t = table.iloc[:, 0].to_numpy()
    q = table[cols[0]].to_numpy()
    assert np.abs(q[(t >= 700) & (t <= 895)]).mean() < 0.02 * q[(t >= 100) & (t <= 119)].mean()
