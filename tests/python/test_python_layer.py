"""The Python layer on the toy facade (fake_facade.py), whose outputs are known exactly:
results to pandas/xarray/metrics/plot, t_eval, sweeps (threads, progress, Dask), Sobol/Morris,
local sensitivities and fitting. The same code paths run on the real C++ facade in test_facade.py."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import massagesim as ms


def test_result_pandas_shares_memory_and_has_units(fake: Any) -> None:
    res = ms.simulate(outputs=fake.OUTPUTS)
    assert res.arm_names == ["massage", "passive"]
    df = res.to_pandas("massage")
    assert df.index.name == "t_s"
    assert list(df.columns) == fake.OUTPUTS
    arm = res["massage"]
    assert np.shares_memory(df.to_numpy(), arm.values)  # no copy
    wide = res.to_pandas()
    assert wide.columns.names == ["arm", "output"]
    assert wide[("passive", "blood_lactate_mmol_per_L")].iloc[0] == pytest.approx(9.0)
    t = df.index.to_numpy()
    tau = fake.tau_s(93.0, "massage")
    np.testing.assert_allclose(df["blood_lactate_mmol_per_L"], 1 + 8 * np.exp(-t / tau))


def test_metrics_summary_and_xarray(fake: Any) -> None:
    res = ms.simulate(outputs=[])  # [] = every output
    m = res.metrics()
    assert list(m.index) == ["massage", "passive"] and list(m.columns) == fake.METRICS
    assert m.loc["passive", "blood_lactate_half_time_s"] == pytest.approx(600 * math.log(2))
    s = res.summary()
    assert list(s.columns) == ["massage", "passive", "massage - passive"]
    assert s.loc["blood_lactate_half_time_s", "massage - passive"] == pytest.approx(-120 * math.log(2))
    ds = res.to_xarray()
    assert dict(ds.sizes) == {"arm": 2, "t_s": res["massage"].t_s.size}
    assert ds["venous_outflow_mL_per_min"].attrs["units"] == "mL/min"
    assert ds["blood_lactate_mmol_per_L"].attrs["units"] == "mmol/L"
    np.testing.assert_array_equal(
        ds["blood_lactate_mmol_per_L"].sel(arm="passive").values, res["passive"].column("blood_lactate_mmol_per_L")
    )


def test_result_pickles_with_its_arrays(fake: Any) -> None:
    res = ms.simulate()
    back = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(back["massage"].values, res["massage"].values)
    assert back.metrics().equals(res.metrics())


def test_plot_has_the_four_standard_panels(fake: Any, tmp_path: Path) -> None:
    from massagesim._plotting import save_figure

    fig = ms.simulate(outputs=fake.OUTPUTS).plot()
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["Applied pressure", "Flows", "Lactate", "Tone"]
    assert all(len(ax.lines) == 2 for ax in fig.axes)  # one output per panel, two arms
    save_figure(fig, tmp_path / "f.png")
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


def test_t_eval_on_grid_and_off_grid(fake: Any) -> None:
    on = ms.simulate(t_eval=np.arange(0, 600.1, 30.0), outputs=fake.OUTPUTS)
    np.testing.assert_array_equal(on["passive"].t_s, np.arange(0, 600.1, 30.0))
    off = ms.simulate(t_eval=[0.0, 7.0, 12.5, 100.0], outputs=fake.OUTPUTS)
    tau = fake.tau_s(93.0, "passive")
    lac = off["passive"].column("blood_lactate_mmol_per_L")
    np.testing.assert_allclose(lac, 1 + 8 * np.exp(-np.array([0, 7, 12.5, 100]) / tau), rtol=1e-4)
    with pytest.raises(ms.InvalidArgument, match="t_eval"):
        ms.simulate(t_eval=[5.0, 1.0])
    with pytest.raises(ms.InvalidArgument, match="within"):
        ms.simulate(t_eval=[0.0, 1e9])


def test_options_reach_the_facade_and_bad_ones_fail_clearly(fake: Any) -> None:
    res = ms.simulate(
        outputs=["blood_lactate_mmol_per_L"],
        arms=["passive"],
        save_every_s=60.0,
        parameters={"mean_arterial_pressure_mmHg": 100.0},
    )
    assert res.arm_names == ["passive"] and res.output_names == ["blood_lactate_mmol_per_L"]
    assert res.metrics().loc["passive", "blood_lactate_half_time_s"] == pytest.approx(600 * 93 / 100 * math.log(2))
    with pytest.raises(TypeError, match="unknown solver option"):
        ms.simulate(rtoll=1e-3)
    with pytest.raises(ms.UnknownName):
        ms.simulate(outputs=["nope"])
    with pytest.raises(ms.InvalidArgument, match="rtol"):
        ms.simulate(rtol=2.0)
    with pytest.raises(TypeError):
        ms.simulate(outputs="blood_lactate_mmol_per_L")


def test_simulator_is_picklable(fake: Any) -> None:
    sim = ms.Simulator(outputs=["blood_lactate_mmol_per_L"], rtol=1e-5)
    back = pickle.loads(pickle.dumps(sim))
    assert back.scenario == sim.scenario and back.solver == {"rtol": 1e-5}
    assert back.run().metrics().equals(sim.run().metrics())


def test_sweep_grid_table_and_thread_independence(fake: Any) -> None:
    grid = {"mean_arterial_pressure_mmHg": [80.0, 93.0, 100.0], "tissue_mass_g": [1500.0, 2500.0]}
    t1 = ms.sweep(None, grid, n_threads=1)
    t2 = ms.sweep(None, grid, n_threads=2)
    pd.testing.assert_frame_equal(t1, t2)
    assert len(t1) == 3 * 2 * 2  # runs x arms
    assert list(t1.columns[:4]) == ["run", "mean_arterial_pressure_mmHg", "tissue_mass_g", "arm"]
    row = t1[(t1["run"] == 0) & (t1["arm"] == "passive")].iloc[0]
    assert row["blood_lactate_half_time_s"] == pytest.approx(600 * 93 / 80 * math.log(2))
    assert (t1["status"] == "success").all() and "result" not in t1
    table = pd.DataFrame({"mean_arterial_pressure_mmHg": [80.0, 100.0]})
    t3 = ms.sweep(None, table)
    assert t3["run"].tolist() == [0, 0, 1, 1]


def test_sweep_keep_traces_and_progress(fake: Any, capsys: pytest.CaptureFixture[str]) -> None:
    t = ms.sweep(None, {"mean_arterial_pressure_mmHg": [80.0, 90.0]}, keep_traces=True, progress=True)
    assert isinstance(t.loc[0, "result"], ms.Result)
    assert "2/2" in capsys.readouterr().err  # the tqdm bar reached the end


def test_sweep_rejects_bad_parameters_before_running(fake: Any) -> None:
    with pytest.raises(ms.UnknownName, match="nearest"):
        ms.sweep(None, {"tissue_mass": [1.0]})
    with pytest.raises(ms.InvalidArgument, match="expected a value in"):
        ms.sweep(None, {"tissue_mass_g": [1.0]})
    with pytest.raises(ms.InvalidArgument, match="sequence"):
        ms.sweep(None, {"tissue_mass_g": 1500.0})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        ms.sweep(None, [1, 2])  # type: ignore[arg-type]


def test_sweep_on_dask_equals_local(fake: Any) -> None:
    distributed = pytest.importorskip("dask.distributed")
    grid = {"mean_arterial_pressure_mmHg": [75.0, 85.0, 95.0, 105.0], "tissue_mass_g": [1500.0, 2500.0]}
    local = ms.sweep(None, grid, n_threads=1)
    # Threads, not processes: the toy facade lives in this process only (test_facade.py runs the
    # real core on worker processes).
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            remote = ms.sweep(None, grid, client=client, chunk_size=3)
    pd.testing.assert_frame_equal(local, remote)


def test_sobol_and_morris_tidy_tables(fake: Any) -> None:
    pytest.importorskip("SALib")
    params = ["mean_arterial_pressure_mmHg", "tissue_mass_g"]
    s = ms.sobol(None, params, "blood_lactate_half_time_s", n=16, seed=3)
    assert list(s.columns) == ["metric", "arm", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(s) == 2 * 2
    by = s.set_index(["arm", "parameter"])
    # the toy half-time depends on MAP only
    assert by.loc[("passive", "mean_arterial_pressure_mmHg"), "ST"] > 0.8
    assert abs(by.loc[("passive", "tissue_mass_g"), "ST"]) < 1e-9
    m = ms.morris(None, params, ["blood_lactate_half_time_s", "venous_outflow_area_mL"], trajectories=4, seed=3)
    assert set(m["metric"]) == {"blood_lactate_half_time_s", "venous_outflow_area_mL"}
    mb = m.set_index(["metric", "arm", "parameter"])
    assert mb.loc[("blood_lactate_half_time_s", "massage", "tissue_mass_g"), "mu_star"] == 0.0
    assert mb.loc[("blood_lactate_half_time_s", "massage", "mean_arterial_pressure_mmHg"), "mu_star"] > 0
    with pytest.raises(ms.InvalidArgument, match="power of 2"):
        ms.sobol(None, params, "blood_lactate_half_time_s", n=10)
    with pytest.raises(ms.UnknownName):
        ms.sobol(None, params, "no_metric", n=4)


def test_local_sensitivity_matches_the_analytic_derivative(fake: Any) -> None:
    t = ms.local_sensitivity(None, ["mean_arterial_pressure_mmHg", "tissue_mass_g"], "blood_lactate_half_time_s")
    row = t.set_index(["arm", "parameter"]).loc[("passive", "mean_arterial_pressure_mmHg")]
    # half-time = 600 ln2 * 93 / MAP: derivative -600 ln2 * 93 / MAP^2, elasticity -1
    assert row["derivative"] == pytest.approx(-600 * math.log(2) / 93, rel=1e-5)
    assert row["elasticity"] == pytest.approx(-1.0, rel=1e-5)
    assert t.set_index(["arm", "parameter"]).loc[("passive", "tissue_mass_g"), "derivative"] == 0.0


def test_fit_recovers_a_parameter_with_uncertainty(fake: Any) -> None:
    rng = np.random.default_rng(0)
    truth = 100.0
    t = np.linspace(0, 1800, 40)
    data = 1 + 8 * np.exp(-t / fake.tau_s(truth, "passive")) + rng.normal(0, 0.02, t.size)
    sim = ms.Simulator(outputs=["blood_lactate_mmol_per_L"], arms=["passive"])
    fit = ms.fit(sim, {"mean_arterial_pressure_mmHg": 80.0}, t, data, "blood_lactate_mmol_per_L")
    est = fit.estimates.loc["mean_arterial_pressure_mmHg"]
    assert fit.success
    assert 0 < est["stderr"] < 2.0
    assert abs(est["estimate"] - truth) < 4 * est["stderr"]
    lo, hi = ms.parameters().range("mean_arterial_pressure_mmHg")
    assert (est["lower_bound"], est["upper_bound"]) == (lo, hi) and est["unit"] == "mmHg"
    with pytest.raises(ms.InvalidArgument):
        ms.fit(sim, ["mean_arterial_pressure_mmHg"], t[:1], data[:1], "blood_lactate_mmol_per_L")
