"""The command line: run (default scenario and a file; summary, CSV, PNG), params, validate, demo, --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import massagesim as ms
from massagesim import cli


def test_help_explains_the_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "massagesim", "run", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--out-dir", "--format", "csv", "parquet", "scenario", "default"):
        assert word in out
    top = subprocess.run(
        [sys.executable, "-m", "massagesim", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for cmd in ("run", "params", "validate", "demo"):
        assert cmd in top


def test_run_default_writes_tables_and_figure(fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "embedded default" in out and "massage - passive" in out and "blood_lactate_half_time_s" in out
    stem = ms.Scenario.default().name
    traces = pd.read_csv(tmp_path / f"{stem}_traces.csv", index_col=[0, 1])
    assert traces.index.names == ["t_s", "arm"]
    assert set(traces.index.get_level_values("arm")) == {"massage", "passive"}
    metrics = pd.read_csv(tmp_path / f"{stem}_metrics.csv", index_col=0)
    assert list(metrics.index) == ["massage", "passive"]
    assert (tmp_path / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
    for suffix in ("_traces.csv", "_metrics.csv", ".png"):
        assert f"wrote {tmp_path / (stem + suffix)}" in out


def test_run_a_yaml_file_without_plot(fake: Any, tmp_path: Path) -> None:
    sc = ms.Scenario.default().with_solver(rtol=1e-5)
    path = sc.save(tmp_path / "mine.yaml")
    assert cli.main(["run", str(path), "--out-dir", str(tmp_path / "o"), "--no-plot", "--save-every-s", "60"]) == 0
    assert not list((tmp_path / "o").glob("*.png"))
    traces = pd.read_csv(tmp_path / "o" / f"{sc.name}_traces.csv", index_col=[0, 1])
    assert traces.index.get_level_values("t_s")[1] == 60.0


def test_run_bad_input_exit_code_and_message(fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(tmp_path / "missing.json")]) == 2
    assert "cannot open" in capsys.readouterr().err


def test_params_lists_units_ranges_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["params"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0].split()
    assert first == ["name", "value", "unit", "min", "max", "source"]
    assert "tissue_mass_g" in out and f"{len(ms.parameters())} parameters" in out
    assert cli.main(["params", "--csv", "--preset", "default_forearm"]) == 0
    csv = capsys.readouterr().out
    assert "tissue_mass_g,1000.0,g" in csv


def test_validate_help_explains_the_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "massagesim", "validate", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--format", "markdown", "prefixes", "XPASS"):
        assert word in out


def test_demo_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--rtol", "1e-6", "--t1-s", "5", "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "solver_demo.csv").exists()


def test_run_default_scenario_end_to_end(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "massagesim", "run", "--out-dir", str(tmp_path), "--save-every-s", "30"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    assert list(tmp_path.glob("*.png")) and list(tmp_path.glob("*_traces.csv"))
