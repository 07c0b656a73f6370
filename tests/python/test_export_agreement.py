"""The exported equations, integrated by an independent engine, reproduce massagesim's trajectories.

The default scenario's limb (81 states; rest, exercise at 95 % VO2max, effleurage) is recorded from
the C++ right-hand side (`massagesim._core.model_graph_json`), turned into a pure-Python right-hand
side (`massagesim.sbml.graph_to_python`, the same code path as the SBML export) and integrated by
SciPy's LSODA, restarted at every protocol breakpoint. massagesim integrates the same arm with its
own Dopri5. Both run at tight tolerances, so any difference above them is a difference of equations
(export, protocol, initial state) or of integration.

libRoadRunner is not the independent engine here: it inlines every assignment rule at each use, so
the exported DAG (~14 kB of SBML infix for a segment) unfolds to ~6e8 characters and does not
compile in reasonable time (see benchmarks/README.md); its agreement with SciPy is tested on a small
model in test_sbml.py.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from massagesim import _core, sbml

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
        ours = np.asarray(_core.bench_prepared_rhs(prep, x, t))
        # prepared_rhs freezes nothing for doubles: the same equations, the same inputs at t.
        np.testing.assert_allclose(f(t, x), ours, rtol=1e-12, atol=1e-300)


def test_scipy_on_the_exported_equations_matches_massagesim(exported) -> None:
    graph, prep = exported
    f, _ = sbml.graph_to_python(graph)
    ts = np.arange(0.0, T_END_S + 1e-9, 5.0)
    ours = _core.bench_prepared_solve(prep, "dopri5", 1e-10, 1e-13, list(ts))
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
    assert main(["export", "-o", str(py), "--format", "python", "--kind", "segment", "--t1-s", "300"]) == 0
    namespace: dict = {}
    exec(compile(py.read_text(), str(py), "exec"), namespace)  # the file is a module defining rhs(t, y)
    assert callable(namespace["rhs"])
    assert main(["export", "-o", str(js), "--format", "json", "--arm", "passive"]) == 0
    g = json.loads(js.read_text())
    assert g["format"] == "massagesim-model-graph" and g["name"].endswith("passive")
    assert main(["export", "-o", str(js), "--arm", "no_such_arm"]) == 2  # bad input: a clear error, exit 2
