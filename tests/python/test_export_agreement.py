"""The exported equations, integrated by independent engines, reproduce massagesim's trajectories.

SciPy: the default scenario's limb (81 states; rest, exercise at 95 % VO2max, effleurage) is recorded
from the C++ right-hand side (`massagesim._core.model_graph_json`), turned into a pure-Python right-hand
side (`massagesim.sbml.graph_to_python`, the same code path as the SBML export) and integrated by
SciPy's LSODA, restarted at every protocol breakpoint. massagesim integrates the same arm with its
own Dopri5. Both run at tight tolerances, so any difference above them is a difference of equations
(export, protocol, initial state) or of integration.

libRoadRunner: the SBML export itself (``intermediates="functions"``, the form libRoadRunner can
compile: it inlines assignment rules at every use, so the default form of our DAG unfolds
exponentially; see benchmarks/README.md), loaded and integrated by libRoadRunner's LLVM code and
CVODE, on limbs of one and two segments driven by every technique of the default scenario. The
default 4-segment limb is the benchmark's (benchmarks/python/compare_peers.py): its SBML is 21 MB
and takes about 30 s to compile, too long for the suite.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import massagesim as ms
from massagesim import _bench, _core, sbml

T_END_S = 600.0  # 300 s rest, 180 s exercise, 120 s of effleurage (69 intervals between breakpoints)


@pytest.fixture(scope="module")
def exported() -> tuple[dict, object]:
    sc = _core.Scenario.default()
    graph = json.loads(_core.model_graph_json(sc, "massage", "limb", T_END_S))
    return graph, _core.prepare_arm(sc, "massage")


def test_initial_state_and_rates_are_massagesims(exported) -> None:
    graph, prep = exported
    y0 = np.array([s["initial_value"] for s in graph["states"]])
    np.testing.assert_array_equal(y0, np.asarray(prep.rest_state))
    f, _ = sbml.graph_to_python(graph)
    rng = np.random.default_rng(3)
    for t in list(rng.uniform(0.0, T_END_S, 10)) + [b + 1e-6 for b in graph["breakpoints_s"][:10]]:
        x = y0 * rng.uniform(0.7, 1.3, y0.size)
        ours = np.asarray(_bench.bench_prepared_rhs(prep, x, t))
        # prepared_rhs freezes nothing for doubles: the same equations, the same inputs at t.
        np.testing.assert_allclose(f(t, x), ours, rtol=1e-12, atol=1e-300)


def test_scipy_on_the_exported_equations_matches_massagesim(exported) -> None:
    graph, prep = exported
    f, _ = sbml.graph_to_python(graph)
    ts = np.arange(0.0, T_END_S + 1e-9, 5.0)
    ours = _bench.bench_prepared_solve(prep, "dopri5", 1e-10, 1e-13, list(ts))
    assert ours["ok"], ours["message"]
    y_ms = np.asarray(ours["y"])
    y = np.array([s["initial_value"] for s in graph["states"]])
    edges = [0.0] + [b for b in graph["breakpoints_s"] if 0.0 < b < T_END_S] + [T_END_S]
    assert len(edges) > 30  # the protocol really jumps and kinks in this window
    out = np.empty_like(y_ms)
    out[0] = y
    for a, b in zip(edges[:-1], edges[1:]):
        sel = (ts > a) & (ts <= b)
        t_eval = ts[sel] if sel.any() and ts[sel][-1] == b else np.r_[ts[sel], b]
        r = solve_ivp(f, (a, b), y, method="LSODA", rtol=1e-9, atol=1e-12, t_eval=t_eval)
        assert r.success, r.message
        out[sel] = r.y[:, : int(sel.sum())].T
        y = r.y[:, -1]
    scale = np.maximum(np.abs(y_ms).max(axis=0), 1e-12)
    err = np.abs(out - y_ms) / scale
    worst = int(np.argmax(err.max(axis=0)))
    # Measured 7e-9 (both engines at tolerances ~1e-9); the bound leaves room for other BLAS/libm builds.
    assert err.max() < 1e-6, f"{graph['states'][worst]['id']}: {err.max():.2e}"


def test_command_line_export_writes_sbml_python_and_json(tmp_path) -> None:
    from massagesim.cli import main

    xml, py, js = tmp_path / "m.xml", tmp_path / "rhs.py", tmp_path / "g.json"
    assert main(["export", "-o", str(xml), "--kind", "segment", "--t1-s", "300"]) == 0
    doc = sbml.load_sbml(xml.read_text())
    assert len(doc["states"]) == 19
    fn = tmp_path / "m_fn.xml"
    assert main(["export", "-o", str(fn), "--kind", "segment", "--t1-s", "300", "--sbml-form", "functions"]) == 0
    assert sbml.TIME_CAP_ID in fn.read_text() and sbml.TIME_CAP_ID not in xml.read_text()
    assert main(["export", "-o", str(py), "--format", "python", "--kind", "segment", "--t1-s", "300"]) == 0
    namespace: dict = {}
    exec(compile(py.read_text(), str(py), "exec"), namespace)  # the file is a module defining rhs(t, y)
    assert callable(namespace["rhs"])
    assert main(["export", "-o", str(js), "--format", "json", "--arm", "passive"]) == 0
    g = json.loads(js.read_text())
    assert g["format"] == "massagesim-model-graph" and g["name"].endswith("passive")
    assert main(["export", "-o", str(js), "--arm", "no_such_arm"]) == 2  # bad input: a clear error, exit 2


def _short_limb_scenario(segments: list[tuple[str, float]]) -> "ms.Scenario":
    """Every phase kind and technique of the default scenario, shortened (150 s in all)."""
    import massagesim as ms

    return ms.Scenario.build(
        [
            ms.phase("rest", 30.0),
            ms.phase("exercise", 30.0, intensity_fraction_VO2max=0.95),
            ms.phase(
                "massage",
                30.0,
                technique="effleurage",
                pressure_mmHg=60.0,
                speed_cm_per_s=5.0,
                direction="toward_heart",
                contact_length_cm=10.0,
                ramp_s=0.5,
                pause_s=2.0,
            ),
            ms.phase("massage", 30.0, technique="petrissage", depth_mmHg=50.0, baseline_mmHg=10.0, rate_Hz=0.5),
            ms.phase("passive_recovery", 30.0),
        ],
        name="short_limb",
        limb={"segment_names": [n for n, _ in segments], "segment_lengths_cm": [c for _, c in segments]},
        arms=[{"name": "massage"}],
        outputs=["applied_pressure_mmHg"],
        save_every_s=5.0,
    )


@pytest.mark.parametrize(
    "segments",
    [[("calf", 40.0)], [("calf", 40.0), ("thigh", 50.0)]],
    ids=["limb1", "limb2"],
)
def test_roadrunner_on_the_sbml_export_matches_massagesim(segments) -> None:
    pytest.importorskip("roadrunner")
    _roadrunner_agrees(_short_limb_scenario(segments), "massage", 150.0, min_breakpoints=11)


def test_roadrunner_on_a_cuffed_limb_matches_massagesim() -> None:
    """The conduit terms (issue 12, item 4: a thigh cuff at 50 then 180 mmHg throttles the calf's veins,
    then its arteries) and the circumferential-pressure input survive the export."""
    pytest.importorskip("roadrunner")

    def cuff(p_mmHg: float) -> dict:
        return ms.phase(
            "compression",
            30.5,
            technique="occlusion_cuff",
            pressure_mmHg=p_mmHg,
            segment=-1,
            inflation_s=0.5,
            hold_s=30.0,
        )

    sc = ms.Scenario.build(
        [ms.phase("rest", 10.0), cuff(50.0), ms.phase("rest", 10.0), cuff(180.0), ms.phase("rest", 20.0)],
        name="cuffed_limb",
        limb={"segment_names": ["calf", "thigh"], "segment_lengths_cm": [40.0, 40.0]},
        arms=[{"name": "cuff"}],
        outputs=["applied_pressure_mmHg"],
        save_every_s=5.0,
    )
    _roadrunner_agrees(sc, "cuff", 100.0, min_breakpoints=4)


def _roadrunner_agrees(sc, arm: str, t_end: float, min_breakpoints: int) -> None:
    import roadrunner

    graph = sbml.model_graph(sc, arm=arm, kind="limb", t1_s=t_end)
    assert len(graph["breakpoints_s"]) >= min_breakpoints  # the protocol really jumps and kinks
    text = sbml.graph_to_sbml(graph, intermediates="functions")
    rr = roadrunner.RoadRunner(text)
    ids = [s["id"] for s in graph["states"]]
    assert list(rr.getRateRuleIds()) == ids

    ts = np.arange(0.0, t_end + 1e-9, 5.0)
    ours = _bench.bench_prepared_solve(_core.prepare_arm(sc._cpp, arm), "dopri5", 1e-10, 1e-13, list(ts))
    assert ours["ok"], ours["message"]
    y_ms = np.asarray(ours["y"])
    np.testing.assert_array_equal(y_ms[0], [s["initial_value"] for s in graph["states"]])
    scale = np.maximum(np.abs(y_ms).max(axis=0), 1e-12)
    for stiff in (True, False):  # CVODE BDF (Newton) and Adams (functional iteration)
        y_rr, timing = sbml.simulate_roadrunner(
            rr, ts, rtol=1e-10, atol=1e-13, breakpoints=graph["breakpoints_s"], max_step=10.0, stiff=stiff
        )
        assert timing["n_segments"] == len([b for b in graph["breakpoints_s"] if 0.0 < b < t_end]) + 1
        err = np.abs(y_rr - y_ms) / scale
        worst = int(np.argmax(err.max(axis=0)))
        # Measured (limb1): 1.9e-8 BDF, 4.7e-9 Adams; both engines at rtol 1e-10.
        assert err.max() < 1e-6, f"{'BDF' if stiff else 'Adams'}: {ids[worst]}: {err.max():.2e}"
    assert rr.getValue(sbml.TIME_CAP_ID) == 1e300  # the cap is lifted again after the run


def test_roadrunner_without_the_time_cap_fails_at_the_exercise_jump() -> None:
    """Why the time cap exists: CVODE, as libRoadRunner drives it, steps past its output time; at
    tight tolerances its last step before the exercise onset then meets the jump in the equations and
    cannot pass it (its step shrinks to below one ulp of t)."""
    roadrunner = pytest.importorskip("roadrunner")
    sc = _short_limb_scenario([("calf", 40.0)])
    graph = sbml.model_graph(sc, arm="massage", kind="limb", t1_s=60.0)
    rr = roadrunner.RoadRunner(sbml.graph_to_sbml(graph, intermediates="functions", validate=False))
    integ = rr.integrator
    # At 1e-8/1e-11 it used to fail too; since exercise dilation (issue 12) it passes there, at 1e-10 not.
    integ.setValue("relative_tolerance", 1e-10)
    integ.setValue("absolute_tolerance", 1e-13)
    integ.setValue("maximum_num_steps", 20000)
    integ.setValue("variable_step_size", False)
    with pytest.raises(RuntimeError, match="CV_TOO_MUCH_WORK|mxstep"):
        rr.simulate(times=[0.0, 10.0, 20.0, 30.0], selections=["time"])  # onset at 30 s, cap off
    rr.resetAll()
    rr.setValue(sbml.TIME_CAP_ID, float(np.nextafter(30.0, 0.0)))
    res = np.asarray(rr.simulate(times=[0.0, 10.0, 20.0, 30.0], selections=["time"]))
    assert res[-1, 0] == 30.0
