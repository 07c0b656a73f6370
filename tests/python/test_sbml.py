"""SBML export (python-libsbml), generated SciPy right-hand side and libRoadRunner runs of a model
graph (massagesim.sbml).

A small hand-written graph (a damped oscillator forced by pressure pulses that switch on and off
with time, with shared sub-expressions and parameters with units) exercises everything without
the C++ export; the real models' graphs (`massagesim._core.model_graph_json`) are checked when
the compiled core has it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import libsbml
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import massagesim as ms
from massagesim import _core, sbml

ROOT = Path(__file__).resolve().parents[2]
HAVE_GRAPH = hasattr(_core, "model_graph_json")
needs_graph = pytest.mark.skipif(
    not HAVE_GRAPH, reason="massagesim._core has no model_graph_json (src/model_export.cpp not in this build yet)"
)

PERIOD_S = 2.5  # pulse period of the toy model; the pulse is on for the first half of each period


def toy_graph() -> dict[str, Any]:
    """x' = v; v' = -k w1 - 2 c v + gain p(t) exp(-c t), w1 = k x + small smooth terms; p(t) pulses."""

    def par(pid: str, value: float, unit: str, lo: float, hi: float, what: str) -> dict[str, Any]:
        return {
            "id": pid,
            "value": value,
            "unit": unit,
            "min": lo,
            "max": hi,
            "source": "[test] hand-written <toy> & co",
            "description": what,
        }

    rate_v = (
        "((((-w_1) * osc__stiffness_per_s) - ((2 * osc__damping_per_s) * osc__velocity_cm_per_s)) + "
        "((osc__gain_cm_per_s2_per_mmHg * osc__applied_pressure_mmHg) * w_0))"
    )
    return {
        "format": "massagesim-model-graph",
        "version": 1,
        "name": "forced_damped_oscillator",
        "description": "a damped oscillator forced by pressure pulses",
        "t0_s": 0.0,
        "t1_s": 10.0,
        "breakpoints_s": [0.0, 1.25, 2.5, 3.75, 5.0, 6.25, 7.5, 8.75, 10.0],
        "states": [
            {
                "id": "osc__position_cm",
                "name": "osc.position_cm",
                "initial_value": 0.1,
                "rate": {"sbml": "osc__velocity_cm_per_s", "python": "osc__velocity_cm_per_s"},
            },
            {
                "id": "osc__velocity_cm_per_s",
                "name": "osc.velocity_cm_per_s",
                "initial_value": 0.1 + 0.2,
                "rate": {"sbml": rate_v, "python": rate_v},
            },
        ],
        "parameters": [
            par("osc__stiffness_per_s", 2.0, "1/s", 0.5, 5.0, "angular frequency"),
            par("osc__damping_per_s", 0.3, "1/s", 0.0, 1.0, "damping rate"),
            par("osc__pulse_pressure_mmHg", 40.0, "mmHg", 0.0, 100.0, "pressure of each pulse"),
            par("osc__pulse_period_s", PERIOD_S, "s", 1.0, 10.0, "period of the pulses"),
            par("osc__gain_cm_per_s2_per_mmHg", 1.0 / 30.0, "cm/s/s/mmHg", 0.0, 1.0, "forcing gain"),
            par("osc__conductance", 0.6, "mL/min/mmHg/100g", 0.2, 2.0, "a conductance (units)"),
            par("osc__volume_L", 12.0, "L", 8.0, 25.0, "a volume"),
        ],
        "assignments": [
            {
                "id": "w_0",
                "sbml": "exp(((-osc__damping_per_s) * time))",
                "python": "math.exp(((-osc__damping_per_s) * t))",
            },
            {
                "id": "osc__applied_pressure_mmHg",
                "sbml": "piecewise(osc__pulse_pressure_mmHg, (time - (floor((time / osc__pulse_period_s)) * "
                "osc__pulse_period_s)) < (0.5 * osc__pulse_period_s), 0)",
                "python": "(osc__pulse_pressure_mmHg if (t - (math.floor((t / osc__pulse_period_s)) * "
                "osc__pulse_period_s)) < (0.5 * osc__pulse_period_s) else 0.0)",
            },
            {
                "id": "w_1",
                "sbml": "((osc__position_cm * osc__stiffness_per_s) + ((0.001 * tanh(ln((1 + abs(osc__position_cm))))) * "
                "sqrt((pow(osc__conductance, 2) + (pow(cos(time), 2) / osc__volume_L)))))",
                "python": "((osc__position_cm * osc__stiffness_per_s) + ((0.001 * math.tanh(math.log((1 + "
                "abs(osc__position_cm))))) * math.sqrt((math.pow(osc__conductance, 2) + "
                "(math.pow(math.cos(t), 2) / osc__volume_L)))))",
            },
        ],
        "outputs": ["osc__applied_pressure_mmHg"],
    }


def toy_rates_by_hand(t: float, x: float, v: float) -> tuple[float, float]:
    """The toy model's equations written out independently of its formula strings."""
    k, c, p0, gain, g, vol = 2.0, 0.3, 40.0, 1.0 / 30.0, 0.6, 12.0
    pressure = p0 if (t % PERIOD_S) < PERIOD_S / 2 else 0.0
    w1 = k * x + 0.001 * math.tanh(math.log(1 + abs(x))) * math.sqrt(g * g + math.cos(t) ** 2 / vol)
    return v, -k * w1 - 2 * c * v + gain * pressure * math.exp(-c * t)


def sbml_errors(text: str) -> list[str]:
    """Errors (not warnings) of a full libsbml consistency check, unit consistency excluded."""
    doc = libsbml.readSBMLFromString(text)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    doc.checkInternalConsistency()
    return [
        doc.getError(i).getMessage()
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]


def assert_round_trip(graph: dict[str, Any], text: str) -> dict[str, Any]:
    back = sbml.load_sbml(text)
    assert [s["id"] for s in back["states"]] == [s["id"] for s in graph["states"]]
    for got, want in zip(back["states"], graph["states"]):
        assert got["initial_value"] == want["initial_value"], got["id"]  # exact: all 17 digits written
        assert got["name"] == want["name"]
    by_id = {p["id"]: p for p in back["parameters"]}
    assert set(by_id) == {p["id"] for p in graph["parameters"]}
    for want in graph["parameters"]:
        got = by_id[want["id"]]
        assert got["value"] == want["value"], want["id"]
        assert got["unit"] == want["unit"]
        assert (got["min"], got["max"]) == (want["min"], want["max"])
        assert got["source"] == want["source"] and got["description"] == want["description"]
    assert [a["id"] for a in back["assignments"]] == [a["id"] for a in graph["assignments"]]
    assert back["breakpoints_s"] == graph["breakpoints_s"]
    assert back["outputs"] == graph["outputs"]
    assert back["time_units"] == "second"
    return back


def scipy_piecewise(rhs: Any, y0: list[float], times: np.ndarray, breakpoints: list[float], **kw: Any) -> np.ndarray:
    """solve_ivp restarted at every breakpoint; rows: times, columns: states."""
    edges = [times[0], *[b for b in breakpoints if times[0] < b < times[-1]], times[-1]]
    out = np.empty((times.size, len(y0)))
    y = np.asarray(y0, dtype=float)
    for a, b in zip(edges[:-1], edges[1:]):
        sel = (times >= a) & (times <= b)
        sol = solve_ivp(rhs, (a, b), y, dense_output=True, **kw)
        assert sol.success, sol.message
        out[sel] = sol.sol(times[sel]).T
        y = sol.y[:, -1]
    return out


def header_unit_strings() -> set[str]:
    """The unit of every ParameterInfo entry {"name", "unit", default, min, max, ...} in the model headers
    (three numbers after the unit: an output bound {"name", "per_kg", lo, hi, "source"} is not one)."""
    num = r"\s*[-+0-9.eE]+\s*,"
    entry = re.compile(r'\{\s*"[A-Za-z0-9_]+",\s*"([^"]*)",' + num * 3)
    units: set[str] = set()
    for header in (ROOT / "include" / "massagesim").rglob("*.hpp"):
        units.update(entry.findall(header.read_text()))
    return units


# --- the toy graph ---------------------------------------------------------------------------------


def test_toy_sbml_is_valid_level3_version2() -> None:
    text = sbml.graph_to_sbml(toy_graph())
    assert sbml_errors(text) == []
    doc = libsbml.readSBMLFromString(text)
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    m = doc.getModel()
    assert m.getNumRules() == 2 + 3 and m.getNumParameters() == 2 + 7 + 3
    assert m.getTimeUnits() == "second"
    for sid in ("osc__position_cm", "osc__velocity_cm_per_s"):
        assert m.getRateRule(sid) is not None and not m.getParameter(sid).getConstant()
    for sid in ("w_0", "osc__applied_pressure_mmHg", "w_1"):
        assert m.getAssignmentRule(sid) is not None and not m.getParameter(sid).getConstant()
    p = m.getParameter("osc__conductance")
    assert p.getConstant() and "range [0.2, 2]" in p.getNotesString() and "&lt;toy&gt; &amp; co" in p.getNotesString()


def test_toy_round_trip_is_exact() -> None:
    g = toy_graph()
    assert_round_trip(g, sbml.graph_to_sbml(g))
    assert_round_trip(g, sbml.graph_to_sbml(json.dumps(g)))  # JSON text in, same document


def test_round_trip_keeps_all_digits_of_values() -> None:
    g = toy_graph()
    awkward = [1.0 / 3.0, 0.1 + 0.2, 1.2345678901234567e-12, 6.02214076e23, -123456.78901234567]
    g["parameters"] += [dict(g["parameters"][0], id=f"p{i}_s", value=v) for i, v in enumerate(awkward)]
    g["states"][0]["initial_value"] = 2.0 / 3.0
    back = sbml.load_sbml(sbml.graph_to_sbml(g))
    assert [p["value"] for p in back["parameters"][-len(awkward) :]] == awkward
    assert back["states"][0]["initial_value"] == 2.0 / 3.0


def test_units_of_every_header_parameter_parse() -> None:
    units = header_unit_strings()
    assert {"mmHg", "mL/min/mmHg/100g", "mmol/min/kg", "1", "s", "L"} <= units  # the regex finds the tables
    g = toy_graph()
    g["parameters"] += [dict(g["parameters"][0], id=f"p{i}", unit=u) for i, u in enumerate(sorted(units))]
    text = sbml.graph_to_sbml(g)
    assert sbml_errors(text) == []
    back = sbml.load_sbml(text)
    fallback = [p["unit"] for p in back["parameters"] if p["units"] is None]
    assert fallback == [], f"unit strings without SBML units: {fallback}"


@pytest.mark.parametrize(
    ("unit", "si_factor"),
    [
        ("mmHg", 133.322387415),  # Pa
        ("mL", 1e-6),  # m^3
        ("mL/min/mmHg/100g", 1e-6 / 60.0 / 133.322387415 / 0.1),  # m^3 s^-1 Pa^-1 kg^-1
        ("mL/mmHg/100g", 1e-6 / 133.322387415 / 0.1),
        ("mmol/min/kg", 1e-3 / 60.0),
        ("mmol/L", 1e-3 / 1e-3),  # mol m^-3
        ("L/min/kg", 1e-3 / 60.0),
        ("mL O2/min/100g", 1e-6 / 60.0 / 0.1),  # "O2" qualifies the volume
        ("mmHg/cm", 133.322387415 / 0.01),
        ("1/mmHg", 1.0 / 133.322387415),
        ("h", 3600.0),
        ("cm", 0.01),
        ("g", 1e-3),
    ],
)
def test_unit_strings_become_sbml_units(unit: str, si_factor: float) -> None:
    g = toy_graph()
    g["parameters"].append(dict(g["parameters"][0], id="q", unit=unit))
    back = sbml.load_sbml(sbml.graph_to_sbml(g))
    q = back["parameters"][-1]
    assert back["unit_definitions"][q["units"]] == pytest.approx(si_factor, rel=1e-12)


def test_dimensionless_and_unparseable_units() -> None:
    g = toy_graph()
    g["parameters"] += [
        dict(g["parameters"][0], id="a", unit="1"),
        dict(g["parameters"][0], id="b", unit="mL O2/mL blood"),
        dict(g["parameters"][0], id="c", unit="furlongs per fortnight"),
    ]
    text = sbml.graph_to_sbml(g)  # never fails on a unit
    by_id = {p["id"]: p for p in sbml.load_sbml(text)["parameters"]}
    assert by_id["a"]["units"] == "dimensionless" and by_id["b"]["units"] == "dimensionless"
    assert by_id["c"]["units"] is None and by_id["c"]["unit"] == "furlongs per fortnight"
    doc = libsbml.readSBMLFromString(text)
    assert "could not be expressed in SBML units" in doc.getModel().getParameter("c").getNotesString()


def test_malformed_graphs_are_rejected_with_the_field_named() -> None:
    g = toy_graph()
    g["format"] = "other"
    with pytest.raises(ValueError, match="format: expected 'massagesim-model-graph'"):
        sbml.graph_to_sbml(g)
    g = toy_graph()
    g["assignments"][0]["id"] = "osc__position_cm"
    with pytest.raises(ValueError, match=r"assignments\[0\]: id 'osc__position_cm' is already used by states\[0\]"):
        sbml.graph_to_sbml(g)
    g = toy_graph()
    g["parameters"][1]["value"] = math.nan
    with pytest.raises(ValueError, match=r"parameters\[1\] \(osc__damping_per_s\): value: expected a finite number"):
        sbml.graph_to_python(g)
    g = toy_graph()
    g["assignments"][0]["sbml"] = "exp((1 +)"
    with pytest.raises(sbml.SBMLExportError, match="assignment w_0: cannot parse"):
        sbml.graph_to_sbml(g)
    g = toy_graph()
    g["states"][0]["rate"]["sbml"] = "undefined_symbol * 2"
    with pytest.raises(sbml.SBMLExportError, match="undefined_symbol"):
        sbml.graph_to_sbml(g)


def test_python_rhs_equals_the_equations_by_hand() -> None:
    rhs, source = sbml.graph_to_python(toy_graph())
    assert "def rhs(t, y):" in source and "math." not in source.split("def rhs")[1].split("return")[0]
    for t, x, v in [(0.0, 0.1, 0.3), (1.0, -0.4, 0.2), (1.3, 0.7, -1.1), (6.0, -2.0, 0.5), (9.9, 0.0, 0.0)]:
        got = rhs(t, np.array([x, v]))
        assert got.dtype == np.float64 and got.shape == (2,)
        assert got.tolist() == pytest.approx(toy_rates_by_hand(t, x, v), rel=1e-14, abs=1e-15)
    assert rhs(1.0, [-0.4, 0.2]).tolist() == rhs(1.0, np.array([-0.4, 0.2])).tolist()  # a plain sequence works too


def test_python_rhs_gives_ieee_results_where_math_raises() -> None:
    rhs, _ = sbml.graph_to_python(toy_graph())
    # t = -5000 s: exp(-c t) = exp(1500) overflows; math.exp raises, the C++ RHS would give inf
    dx, dv = rhs(-5000.0, np.array([0.1, 0.3])).tolist()
    assert dx == 0.3 and (math.isinf(dv) or math.isnan(dv))
    assert rhs(-5000.0 + PERIOD_S / 4 - 5000.0, np.array([0.1, 0.3]))[1] == math.inf  # pulse on: +inf


def test_python_source_runs_as_a_module_with_other_parameters() -> None:
    _, source = sbml.graph_to_python(toy_graph())
    ns: dict[str, Any] = {}
    exec(compile(source, "<toy>", "exec"), ns)
    assert ns["STATE_IDS"] == ("osc__position_cm", "osc__velocity_cm_per_s")
    assert ns["Y0"] == (0.1, 0.1 + 0.2)
    assert ns["PARAMETERS"]["osc__stiffness_per_s"] == 2.0
    stiffer = ns["make_rhs"](osc__stiffness_per_s=3.0)
    _, dv = stiffer(1.3, np.array([0.7, 0.0]))
    _, dv2 = ns["rhs"](1.3, np.array([0.7, 0.0]))
    assert dv < dv2 < 0  # a stiffer spring pulls back harder


def test_python_rejects_ids_that_clash_with_generated_names() -> None:
    g = toy_graph()
    g["parameters"][0]["id"] = "t"
    with pytest.raises(ValueError, match="id 't' clashes with a name of the generated code"):
        sbml.graph_to_python(g)


def assert_python_rates_equal_roadrunner(graph: dict[str, Any], rel: float, intermediates: str = "rules") -> None:
    """At several times and states around the initial one, rhs(t, y) (Python formulas) equals the
    rates libRoadRunner computes from the SBML formulas."""
    import roadrunner

    rhs, _ = sbml.graph_to_python(graph)
    rr = roadrunner.RoadRunner(sbml.graph_to_sbml(graph, intermediates=intermediates))
    ids = [s["id"] for s in graph["states"]]
    assert list(rr.getRateRuleIds()) == ids
    y0 = np.array([s["initial_value"] for s in graph["states"]])
    t0, t1 = graph["t0_s"], graph["t1_s"]
    rng = np.random.default_rng(6)
    for frac in (0.0, 0.137, 0.5, 0.862):
        t = t0 + frac * (t1 - t0)
        y = y0 * (1.0 + 0.05 * rng.uniform(-1.0, 1.0, y0.size)) if frac else y0
        for sid, v in zip(ids, y):
            rr.setValue(sid, float(v))
        rr.model.setTime(t)
        want = np.asarray(rr.getRatesOfChange())
        got = rhs(t, y)
        assert np.all(np.isfinite(got))
        # Floor: a rate near 0 that is the difference of O(1) terms (O2 demand - uptake) carries ~1e-16
        # absolute round-off in either evaluation.
        scale = np.maximum(np.abs(want), 1e-12 * (1.0 + np.abs(y)) + 1e-4)
        worst = int(np.argmax(np.abs(got - want) / scale))
        assert np.abs(got - want)[worst] <= rel * scale[worst], (
            f"t = {t} s, d {ids[worst]}/dt: python {got[worst]!r} vs SBML {want[worst]!r}"
        )


def test_python_rates_equal_sbml_rates_on_the_toy_model() -> None:
    assert_python_rates_equal_roadrunner(toy_graph(), rel=1e-13)


def test_functions_form_has_the_same_rates_without_rules_or_piecewise() -> None:
    g = toy_graph()
    text = sbml.graph_to_sbml(g, intermediates="functions")
    assert sbml_errors(text) == []
    doc = libsbml.readSBMLFromString(text)
    m = doc.getModel()
    # Only the outputs stay assignment rules; no piecewise is left for libRoadRunner to turn into roots.
    assert {m.getRule(i).getVariable() for i in range(m.getNumRules()) if m.getRule(i).isAssignment()} == set(
        g["outputs"]
    )
    assert m.getNumFunctionDefinitions() > 0 and "<piecewise>" not in text
    assert m.getParameter(sbml.TIME_CAP_ID).getValue() == 1e300
    assert_python_rates_equal_roadrunner(g, rel=1e-13, intermediates="functions")
    with pytest.raises(ValueError, match="intermediates: expected 'rules' or 'functions'"):
        sbml.graph_to_sbml(g, intermediates="lambda")


def test_roadrunner_on_the_functions_form_agrees_with_the_rules_form() -> None:
    g = toy_graph()
    times = np.linspace(0.0, g["t1_s"], 41)
    a, _ = sbml.simulate_roadrunner(
        sbml.graph_to_sbml(g), times, rtol=1e-10, atol=1e-12, breakpoints=g["breakpoints_s"]
    )
    b, _ = sbml.simulate_roadrunner(
        sbml.graph_to_sbml(g, intermediates="functions"), times, rtol=1e-10, atol=1e-12, breakpoints=g["breakpoints_s"]
    )
    assert np.max(np.abs(a - b)) < 1e-7


def test_roadrunner_agrees_with_scipy_on_the_toy_model() -> None:
    g = toy_graph()
    text = sbml.graph_to_sbml(g)
    rhs, _ = sbml.graph_to_python(g)
    times = np.linspace(0.0, 10.0, 201)  # includes every breakpoint
    y0 = [s["initial_value"] for s in g["states"]]
    ref = scipy_piecewise(rhs, y0, times, g["breakpoints_s"], method="RK45", rtol=1e-8, atol=1e-10)
    x, timing = sbml.simulate_roadrunner(text, times, rtol=1e-8, atol=1e-10, breakpoints=g["breakpoints_s"])
    assert x.shape == (times.size, 2)
    assert timing["n_segments"] == 8 and timing["load_s"] > 0 and timing["simulate_s"] > 0
    assert np.array_equal(x[0], y0)
    scale = np.max(np.abs(ref), axis=0)
    assert np.max(np.abs(x - ref) / scale) < 1e-6
    # the state is kept across restarts: one run without breakpoints lands on the same trajectory
    x_one, _ = sbml.simulate_roadrunner(text, times, rtol=1e-8, atol=1e-10)
    assert np.max(np.abs(x_one - ref) / scale) < 1e-5
    # the forcing matters: without it the trajectories would differ by far more than the tolerance
    g0 = toy_graph()
    g0["parameters"][2]["value"] = 0.0
    x0, _ = sbml.simulate_roadrunner(
        sbml.graph_to_sbml(g0), times, rtol=1e-8, atol=1e-10, breakpoints=g0["breakpoints_s"]
    )
    assert np.max(np.abs(x0 - ref) / scale) > 1e-2


def test_roadrunner_options_and_reuse() -> None:
    import roadrunner

    g = toy_graph()
    text = sbml.graph_to_sbml(g)
    times = np.array([0.5, 2.5, 4.0, 10.0])  # first output after t0 = 0
    x1, _ = sbml.simulate_roadrunner(
        text,
        times,
        rtol=1e-8,
        atol=1e-10,
        breakpoints=g["breakpoints_s"],
        max_step=0.05,
        state_ids=["osc__velocity_cm_per_s", "osc__position_cm"],
    )
    rr = roadrunner.RoadRunner(text)
    for _ in range(2):  # a loaded model is reset to its initial state on each call
        x2, timing = sbml.simulate_roadrunner(rr, times, rtol=1e-8, atol=1e-10, breakpoints=g["breakpoints_s"])
        assert timing["load_s"] == 0.0
        assert np.max(np.abs(x2[:, ::-1] - x1)) < 1e-6
    with pytest.raises(ValueError, match="strictly increasing"):
        sbml.simulate_roadrunner(text, [0.0, 2.0, 1.0], rtol=1e-8, atol=1e-10)
    with pytest.raises(ValueError, match="state_ids: unknown"):
        sbml.simulate_roadrunner(text, [0.0, 1.0], rtol=1e-8, atol=1e-10, state_ids=["nope"])


# --- the real models ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["segment", "limb"])
def real_graph(request: pytest.FixtureRequest) -> dict[str, Any]:
    if not HAVE_GRAPH:
        pytest.skip("massagesim._core has no model_graph_json (src/model_export.cpp not in this build yet)")
    return sbml.model_graph(ms.Scenario.from_file(ROOT / "scenarios" / "default.json"), kind=request.param)


@needs_graph
def test_real_model_sbml_is_valid_and_round_trips(real_graph: dict[str, Any]) -> None:
    assert real_graph["format"] == sbml.GRAPH_FORMAT and real_graph["breakpoints_s"]
    text = sbml.graph_to_sbml(real_graph)
    assert sbml_errors(text) == []
    back = assert_round_trip(real_graph, text)
    assert all(p["units"] is not None for p in back["parameters"]), "a model unit string did not parse"


# The real models' default ("rules") SBML is not loaded into libRoadRunner: 2.10 inlines every assignment
# rule at each use, and the exported DAG unfolds exponentially (compiling the segment exhausts > 6 GB; see
# benchmarks/README.md). The "functions" form is, in test_export_agreement.py (trajectories against
# massagesim's) and below (rates against the rules form's, through the generated Python).


@needs_graph
def test_real_segment_functions_form_rates_equal_python_rates() -> None:
    g = sbml.model_graph(ms.Scenario.from_file(ROOT / "scenarios" / "default.json"), kind="segment", t1_s=900.0)
    assert_python_rates_equal_roadrunner(g, rel=1e-12, intermediates="functions")
