"""SBML export of recorded model equations, a generated SciPy right-hand side, and libRoadRunner runs.

The C++ core records a model's right-hand side symbolically and returns it as a *model graph*
(JSON, ``"format": "massagesim-model-graph"``, version 1; see :func:`model_graph`): states with
initial values and rates (per second), parameters with value, unit, range and source,
intermediate assignments in dependency order, and the protocol's breakpoints. Every formula comes
twice, as SBML Level 3 infix (``libsbml.parseL3Formula``) and as Python.

This module turns such a graph into

- an SBML Level 3 Version 2 document (:func:`graph_to_sbml`) that COPASI, Tellurium and
  libRoadRunner read: every state is a non-constant ``parameter`` with a ``rateRule``, every
  graph parameter a constant ``parameter`` with units, notes and a ``massagesim`` annotation
  (unit string, range, source), every intermediate a non-constant ``parameter`` with an
  ``assignmentRule``; time is in seconds;
- a pure-Python right-hand side ``rhs(t, y)`` for :func:`scipy.integrate.solve_ivp`
  (:func:`graph_to_python`), generated from the same equations;

reads SBML back (:func:`load_sbml`) and integrates it with libRoadRunner between the protocol's
breakpoints (:func:`simulate_roadrunner`).

python-libsbml and libroadrunner are imported only by the functions that need them.
"""

from __future__ import annotations

import json
import keyword
import linecache
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from ._units import unit_of


def _unit_or_none(sid: str) -> str | None:
    """The catalogue unit of a named intermediate, or None for one that is no catalogued quantity (the
    protocol's whole-body intensity): SBML then leaves it without units rather than a wrong one."""
    try:
        return unit_of(sid)
    except KeyError:
        return None

__all__ = [
    "GRAPH_FORMAT",
    "GRAPH_VERSION",
    "SBMLExportError",
    "graph_to_python",
    "graph_to_sbml",
    "load_sbml",
    "model_graph",
    "simulate_roadrunner",
]

GRAPH_FORMAT = "massagesim-model-graph"
"""The ``format`` field of a model graph."""
GRAPH_VERSION = 1
"""The model-graph version this module reads."""

GraphLike = Union[Mapping[str, Any], str]

#: XML namespace of the ``massagesim`` annotations (unit strings, ranges, sources, breakpoints).
ANNOTATION_NS = "urn:massagesim:sbml-annotation:1"
_XHTML_NS = "http://www.w3.org/1999/xhtml"


class SBMLExportError(ValueError):
    """The SBML document built from a model graph has errors (the message lists them)."""


# --- the model graph ---------------------------------------------------------------------------


def model_graph(scenario: Any = None, arm: str = "", kind: str = "limb", t1_s: float | None = None) -> dict[str, Any]:
    """Return the recorded equations of one arm of a scenario as a model-graph dict.

    Parameters
    ----------
    scenario : Scenario, massagesim._core.Scenario, dict, path or None
        None: the default scenario.
    arm : str
        Arm name; empty: the first arm (or the protocol as written when there are no arms).
    kind : {"limb", "segment"}
        ``"limb"``: the scenario's limb with the whole-body lactate pool; ``"segment"``: its first
        segment alone, with the protocol's inputs for it.
    t1_s : float, optional
        End time [s]; default the end of the protocol.

    Returns
    -------
    dict
        The parsed JSON of ``massagesim._core.model_graph_json``.

    Raises
    ------
    NotImplementedError
        When the compiled core has no ``model_graph_json``.
    """
    from . import _core
    from ._scenario import as_scenario

    if not hasattr(_core, "model_graph_json"):
        raise NotImplementedError(
            "massagesim._core has no model_graph_json: this build predates the model export "
            "(src/model_export.cpp); rebuild with `pip install --no-build-isolation .`"
        )
    sc = as_scenario(scenario)
    text = _core.model_graph_json(sc._cpp, arm=arm, kind=kind, t1_s=t1_s)
    return _as_graph(text)


def _as_graph(graph: GraphLike) -> dict[str, Any]:
    """Parse (if JSON text) and check a model graph; return it as a dict."""
    if isinstance(graph, (str, bytes)):
        try:
            g = json.loads(graph)
        except json.JSONDecodeError as e:
            raise ValueError(f"model graph: not valid JSON ({e})") from None
    elif isinstance(graph, Mapping):
        g = dict(graph)
    else:
        raise TypeError(f"model graph: expected a dict or JSON text, got {type(graph).__name__}")
    if not isinstance(g, dict):
        raise ValueError(f"model graph: expected a JSON object, got {type(g).__name__}")
    if g.get("format") != GRAPH_FORMAT:
        raise ValueError(f"model graph: format: expected '{GRAPH_FORMAT}', got {g.get('format')!r}")
    if g.get("version") != GRAPH_VERSION:
        raise ValueError(f"model graph: version: expected {GRAPH_VERSION}, got {g.get('version')!r}")
    for key in ("states", "parameters", "assignments"):
        if not isinstance(g.get(key, []), list):
            raise ValueError(f"model graph: {key}: expected a list, got {type(g.get(key)).__name__}")
    if not g.get("states"):
        raise ValueError("model graph: states: expected at least one state, got none")
    seen: dict[str, str] = {}
    for key in ("states", "parameters", "assignments"):
        for i, item in enumerate(g.get(key, [])):
            where = f"model graph: {key}[{i}]"
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                raise ValueError(f"{where}: expected an object with a string 'id'")
            sid = item["id"]
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sid):
                raise ValueError(f"{where}: id: expected [A-Za-z_][A-Za-z0-9_]*, got {sid!r}")
            if sid in seen:
                raise ValueError(f"{where}: id {sid!r} is already used by {seen[sid]}")
            seen[sid] = f"{key}[{i}]"
            if key == "states":
                rate = item.get("rate")
                if not isinstance(rate, Mapping) or not isinstance(rate.get("sbml"), str) or not isinstance(
                    rate.get("python"), str
                ):
                    raise ValueError(f"{where} ({sid}): rate: expected {{'sbml': str, 'python': str}}")
                _finite(item.get("initial_value"), f"{where} ({sid}): initial_value")
            elif key == "parameters":
                _finite(item.get("value"), f"{where} ({sid}): value")
            else:
                if not isinstance(item.get("sbml"), str) or not isinstance(item.get("python"), str):
                    raise ValueError(f"{where} ({sid}): expected string formulas 'sbml' and 'python'")
    for i, out in enumerate(g.get("outputs", [])):
        if out not in seen:
            raise ValueError(f"model graph: outputs[{i}]: {out!r} is not a state, parameter or assignment id")
    return g


def _finite(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"{where}: expected a finite number, got {x!r}")
    return float(x)


# --- units -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitFactor:
    """One SBML ``<unit>``: (multiplier * 10**scale * kind) ** exponent."""

    kind: str
    multiplier: float = 1.0
    scale: int = 0
    exponent: float = 1.0


# Unit symbols the model headers use, as (SBML base kind, multiplier, scale).
_BASE_UNITS: dict[str, tuple[str, float, int]] = {
    "mmHg": ("pascal", 133.322387415, 0),
    "Pa": ("pascal", 1.0, 0),
    "kPa": ("pascal", 1.0, 3),
    "cmH2O": ("pascal", 98.0665, 0),
    "L": ("litre", 1.0, 0),
    "dL": ("litre", 1.0, -1),
    "mL": ("litre", 1.0, -3),
    "uL": ("litre", 1.0, -6),
    "s": ("second", 1.0, 0),
    "ms": ("second", 1.0, -3),
    "min": ("second", 60.0, 0),
    "h": ("second", 3600.0, 0),
    "Hz": ("hertz", 1.0, 0),
    "kg": ("kilogram", 1.0, 0),
    "g": ("gram", 1.0, 0),
    "mg": ("gram", 1.0, -3),
    "mol": ("mole", 1.0, 0),
    "mmol": ("mole", 1.0, -3),
    "umol": ("mole", 1.0, -6),
    "m": ("metre", 1.0, 0),
    "cm": ("metre", 1.0, -2),
    "mm": ("metre", 1.0, -3),
    "N": ("newton", 1.0, 0),
    "J": ("joule", 1.0, 0),
    "W": ("watt", 1.0, 0),
    "K": ("kelvin", 1.0, 0),
    "%": ("dimensionless", 0.01, 0),
}
_DIMENSIONLESS = {"", "1", "dimensionless", "-"}
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_POWER = re.compile(r"^(?P<sym>[A-Za-z%]+?)(?:\^(?P<e1>[-+]?[0-9]+)|(?P<e2>[23]))?$")


def _parse_unit(unit: str) -> tuple[list[_UnitFactor], list[str]] | None:
    """Parse a unit string such as ``"mL/min/mmHg/100g"`` into SBML unit factors.

    The first ``/``-separated part is the numerator, each further part a denominator. A part is a
    product of symbols separated by spaces, ``*`` or ``·``; a leading number multiplies the next
    symbol (``100g``, ``100 g``); ``cm2`` / ``cm^2`` are powers. A word that follows a unit and is
    not one (``mL O2``, ``mL blood``) qualifies it and is returned as a qualifier.

    Returns
    -------
    (factors, qualifiers) or None
        None when the string cannot be expressed in SBML units. An empty factor list means
        dimensionless.
    """
    text = unit.strip()
    if text in _DIMENSIONLESS:
        return [], []
    parts = text.split("/")
    factors: list[_UnitFactor] = []
    qualifiers: list[str] = []
    for i, part in enumerate(parts):
        sign = 1.0 if i == 0 else -1.0
        tokens = [t for t in re.split(r"[\s*·]+", part.strip()) if t]
        if not tokens:
            return None
        if i == 0 and tokens == ["1"]:
            continue
        number = 1.0
        had_unit = False
        for tok in tokens:
            m = _NUMBER.match(tok)
            if m:
                number *= float(m.group(0))
                tok = tok[m.end() :]
                if not tok:
                    continue
            pm = _POWER.match(tok)
            if pm is not None and pm.group("sym") in _BASE_UNITS:
                kind, mult, scale = _BASE_UNITS[pm.group("sym")]
                power = float(pm.group("e1") or pm.group("e2") or 1)
                if number != 1.0:
                    mult = mult * number ** (1.0 / power)
                    number = 1.0
                _add_factor(factors, _UnitFactor(kind, mult, scale, sign * power))
                had_unit = True
            elif had_unit and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", tok):
                qualifiers.append(tok)
            else:
                return None
        if number != 1.0:  # a bare number: "1/100" or "mL/100"
            _add_factor(factors, _UnitFactor("dimensionless", number, 0, sign))
    return [f for f in factors if f.exponent != 0.0], qualifiers


def _add_factor(factors: list[_UnitFactor], f: _UnitFactor) -> None:
    """Append ``f``, merging it with an equal unit already there (``mL O2/mL blood`` -> 1)."""
    for i, g in enumerate(factors):
        if (g.kind, g.multiplier, g.scale) == (f.kind, f.multiplier, f.scale):
            factors[i] = _UnitFactor(g.kind, g.multiplier, g.scale, g.exponent + f.exponent)
            return
    factors.append(f)


def _unit_sid(unit: str) -> str:
    sid = unit.strip().replace("/", "_per_").replace("%", "percent").replace("^", "")
    sid = re.sub(r"[^A-Za-z0-9_]+", "_", sid).strip("_")
    return "u_" + (sid or "unit")


# --- SBML export ------------------------------------------------------------------------------


def _libsbml() -> Any:
    try:
        import libsbml
    except ImportError as e:  # pragma: no cover - the test dependencies install it
        raise ImportError("massagesim.sbml needs python-libsbml: pip install python-libsbml") from e
    return libsbml


def _check(rc: int, what: str) -> None:
    lib = _libsbml()
    if rc != lib.LIBSBML_OPERATION_SUCCESS:
        raise SBMLExportError(f"SBML export: {what} failed: {lib.OperationReturnValue_toString(rc)}")


def _xhtml(paragraphs: Sequence[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    return f'<body xmlns="{_XHTML_NS}">{body}</body>'


def _annotation(tag: str, attrs: Mapping[str, Any], children: str = "") -> str:
    attr = "".join(f" {k}={quoteattr(_attr_text(v))}" for k, v in attrs.items() if v is not None)
    inner = f">{children}</massagesim:{tag}>" if children else "/>"
    return f'<annotation><massagesim:{tag} xmlns:massagesim="{ANNOTATION_NS}"{attr}{inner}</annotation>'


def _attr_text(v: Any) -> str:
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _sid(text: str) -> str:
    sid = re.sub(r"[^A-Za-z0-9_]", "_", text) or "model"
    return sid if re.match(r"[A-Za-z_]", sid) else "m_" + sid


def graph_to_sbml(graph: GraphLike, *, intermediates: str = "rules", validate: bool = True) -> str:
    """Build an SBML Level 3 Version 2 document from a model graph.

    Parameters
    ----------
    graph : dict or str
        A model graph (see :func:`model_graph`), as a dict or as its JSON text.
    intermediates : {"rules", "functions"}
        How the shared sub-expressions (the graph's ``assignments``) are written.
        ``"rules"`` (default, for reading and for COPASI/Tellurium): each is a non-constant
        ``parameter`` with an ``assignmentRule``. ``"functions"`` (for libRoadRunner): each rate
        (and each output) is a chain of ``functionDefinition`` calls that binds the
        sub-expressions it needs level by level as function arguments, so that each is evaluated
        once per rate; only the outputs remain assignment rules. libRoadRunner (2.10) expands
        assignment rules into trees at every reference, which is exponential in the depth of
        shared sub-expressions (the default scenario's lone segment unfolds to ~2e8 nodes and
        does not load); it expands every function definition as soon as one contains a
        ``piecewise``, and it makes every ``piecewise`` condition a CVODE root function, which
        stalls on the protocol's floor-based cycle counters (roots exactly at the restart time).
        So in this form no ``piecewise`` remains: ``piecewise(a, x > y, b)`` is written
        ``H * a + (1 - H) * b`` with the indicator ``H = ceiling(min(max(x - y, 0), 1e-300) / 1e-300)``
        (1 if x > y, else 0; likewise for ``<``, ``>=``, ``<=``). These are the same values
        wherever both branches are finite, but a branch that overflows where it is not selected
        (a division by zero) gives NaN, so every ``exp(x)`` is written ``exp(min(x, 700))`` (the same
        wherever exp(x) < 1e304); and the switches are not located by the integrator: integrate
        piecewise between the breakpoints (:func:`simulate_roadrunner`).
    validate : bool
        Run libsbml's internal and general consistency checks (unit consistency excluded: the
        equations carry unit conversions as plain numbers, which libsbml cannot verify) and raise
        on errors.

    Returns
    -------
    str
        The SBML document (UTF-8 XML text). States and intermediates are non-constant
        ``parameter`` elements with a ``rateRule`` / ``assignmentRule`` (with
        ``intermediates="functions"``: only the outputs); graph parameters are
        constant parameters whose ``units`` come from their unit string (a string that cannot be
        expressed in SBML units leaves the parameter without units and says so in its notes).
        Parameter values are written with all 17 significant digits; numbers inside formulas keep
        libsbml's 15.

    Raises
    ------
    ValueError
        For a malformed graph (missing fields, duplicate ids, non-finite values).
    SBMLExportError
        When a formula does not parse or the document has SBML errors (listed in the message).
    """
    lib = _libsbml()
    g = _as_graph(graph)
    if intermediates not in ("rules", "functions"):
        raise ValueError(f"graph_to_sbml: intermediates: expected 'rules' or 'functions', got {intermediates!r}")
    doc = lib.SBMLDocument(3, 2)
    model = doc.createModel()
    name = str(g.get("name") or "massagesim_model")
    _check(model.setId(_sid(name)), f"model id {name!r}")
    model.setName(name)
    _check(model.setTimeUnits("second"), "model timeUnits")
    t0 = _finite(g.get("t0_s", 0.0), "model graph: t0_s")
    t1 = g.get("t1_s")
    breakpoints = [_finite(b, "model graph: breakpoints_s[]") for b in g.get("breakpoints_s", [])]
    outputs = [str(o) for o in g.get("outputs", [])]
    model_notes = [str(g.get("description") or "")]
    model_notes.append(
        f"Exported by massagesim from its recorded right-hand side (model graph version {GRAPH_VERSION}). "
        f"Time in seconds; the protocol runs from t0 = {t0:g} s"
        + (f" to t1 = {float(t1):g} s" if t1 is not None else "")
        + (f" and jumps or kinks at {len(breakpoints)} breakpoints (listed in the annotation): integrate "
           "piecewise between them" if breakpoints else "")
        + "."
    )
    if t0 != 0.0:
        model_notes.append(f"Initial values hold at t = {t0:g} s; start a simulation there.")
    _check(model.setNotes(_xhtml(model_notes)), "model notes")
    bp_text = " ".join(repr(float(b)) for b in breakpoints)
    out_text = " ".join(outputs)
    _check(
        model.setAnnotation(
            _annotation(
                "model",
                {"format": GRAPH_FORMAT, "version": GRAPH_VERSION, "t0_s": t0,
                 "t1_s": None if t1 is None else float(t1)},
                f"<massagesim:breakpoints_s>{bp_text}</massagesim:breakpoints_s>"
                f"<massagesim:outputs>{escape(out_text)}</massagesim:outputs>",
            )
        ),
        "model annotation",
    )

    unit_ids: dict[str, str | None] = {}

    def units_for(unit: str) -> tuple[str | None, list[str]]:
        parsed = _parse_unit(unit)
        if parsed is None:
            return None, []
        factors, qualifiers = parsed
        if not factors:
            return "dimensionless", qualifiers
        if unit not in unit_ids:
            sid = _unit_sid(unit)
            base, k = sid, 2
            while model.getUnitDefinition(sid) is not None:
                sid, k = f"{base}_{k}", k + 1
            ud = model.createUnitDefinition()
            _check(ud.setId(sid), f"unit definition {sid}")
            ud.setName(unit)
            for f in factors:
                u = ud.createUnit()
                _check(u.setKind(lib.UnitKind_forName(f.kind)), f"unit kind {f.kind}")
                u.setMultiplier(f.multiplier)
                u.setScale(f.scale)
                u.setExponent(f.exponent)
            unit_ids[unit] = sid
        return unit_ids[unit], qualifiers

    exact: dict[str, float] = {}

    def add_parameter(sid: str, value: float | None, constant: bool, unit: str | None) -> Any:
        p = model.createParameter()
        _check(p.setId(sid), f"parameter id {sid!r}")
        _check(p.setConstant(constant), f"parameter {sid}: constant")
        if value is not None:
            p.setValue(value)
            exact[sid] = value
        if unit is not None:
            uid, _ = units_for(unit)
            if uid is not None:
                p.setUnits(uid)
        return p

    for s in g["states"]:
        sid = s["id"]
        p = add_parameter(sid, float(s["initial_value"]), False, s.get("unit") or _unit_or_none(sid))
        if s.get("name"):
            p.setName(str(s["name"]))
    for q in g.get("parameters", []):
        sid = q["id"]
        unit = str(q.get("unit", "1"))
        p = add_parameter(sid, float(q["value"]), True, None)
        uid, qualifiers = units_for(unit)
        notes = [str(q.get("description") or "")]
        lo, hi = q.get("min"), q.get("max")
        rng = f"range [{float(lo):g}, {float(hi):g}]" if lo is not None and hi is not None else ""
        notes.append(f"unit: {unit}" + (f"; {rng}" if rng else ""))
        if uid is None:
            notes.append(f"The unit string {unit!r} could not be expressed in SBML units; no units attribute.")
        else:
            p.setUnits(uid)
            if qualifiers:
                notes.append(f"unit qualifiers not expressible in SBML: {', '.join(qualifiers)}")
        if q.get("source"):
            notes.append(f"source: {q['source']}")
        _check(p.setNotes(_xhtml(notes)), f"parameter {sid}: notes")
        _check(
            p.setAnnotation(
                _annotation(
                    "parameter",
                    {"unit": unit, "min": _opt_float(q.get("min")), "max": _opt_float(q.get("max")),
                     "source": q.get("source"), "description": q.get("description")},
                )
            ),
            f"parameter {sid}: annotation",
        )
    output_set = set(outputs)
    kept = [a for a in g.get("assignments", []) if intermediates == "rules" or a["id"] in output_set]
    for a in kept:
        sid = a["id"]
        add_parameter(sid, None, False, None if sid.startswith("w_") else _unit_or_none(sid))

    def parse(formula: str, where: str) -> Any:
        ast = lib.parseL3FormulaWithModel(formula, model)
        if ast is None:
            raise SBMLExportError(f"SBML export: {where}: cannot parse {formula!r}: {lib.getLastParseL3Error()}")
        return ast

    root_formula = {a["id"]: a["sbml"] for a in kept}
    root_formula.update({s["id"]: s["rate"]["sbml"] for s in g["states"]})
    if intermediates == "functions":
        if any(TIME_CAP_ID == x["id"] for x in [*g["states"], *g.get("parameters", []), *g.get("assignments", [])]):
            raise SBMLExportError(f"SBML export: the graph already uses the id {TIME_CAP_ID!r}")
        cap = add_parameter(TIME_CAP_ID, _TIME_CAP_OFF, True, "s")
        _check(cap.setNotes(_xhtml([
            "The equations see min(time, this) instead of time. CVODE (as libRoadRunner drives it) steps past "
            "its output time and would meet the protocol's jump at the next breakpoint; a simulator that "
            "restarts at each breakpoint sets this just below it (massagesim.sbml.simulate_roadrunner does). "
            f"Default {_TIME_CAP_OFF:g} s: no effect."])), f"parameter {TIME_CAP_ID}: notes")
        functions, chained = _let_chains(g, [a["id"] for a in kept])
        root_formula.update(chained)
        capped = f"min(time, {TIME_CAP_ID})"
        root_formula = {k: _TIME.sub(capped, _indicator_selects(v)) for k, v in root_formula.items()}
        for fid, formula in functions:
            fd = model.createFunctionDefinition()
            _check(fd.setId(fid), f"function {fid}")
            _check(fd.setMath(parse(formula, f"function {fid}")), f"function {fid}: math")
    for a in kept:
        rule = model.createAssignmentRule()
        _check(rule.setVariable(a["id"]), f"assignment {a['id']}")
        _check(rule.setMath(parse(root_formula[a["id"]], f"assignment {a['id']}")), f"assignment {a['id']}: math")
    for s in g["states"]:
        rule = model.createRateRule()
        _check(rule.setVariable(s["id"]), f"rate rule {s['id']}")
        _check(rule.setMath(parse(root_formula[s["id"]], f"rate of {s['id']}")), f"rate of {s['id']}: math")

    text = _exact_values(lib.writeSBMLToString(doc), exact)
    if validate:  # the text as returned (libsbml's own writer rounds values to 15 digits)
        _raise_on_errors(lib.readSBMLFromString(text), "SBML export")
    return text


_IDENT = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z_][A-Za-z0-9_]*")
_TIME = re.compile(r"(?<![A-Za-z0-9_.])time(?![A-Za-z0-9_])")


_EXP_CAP = 700.0  # exp(700) ~ 1e304: finite, with room for a few products

#: Parameter of the ``intermediates="functions"`` form: the equations see ``min(time, TIME_CAP_ID)``.
TIME_CAP_ID = "massagesim_time_cap_s"
_TIME_CAP_OFF = 1e300


def _indicator_selects(formula: str) -> str:
    """Rewrite each two-way ``piecewise(a, x REL y, b)`` as ``H * a + (1 - H) * b`` without piecewise.

    ``H`` is 1 where the condition holds and 0 elsewhere, from ``ceiling(min(max(z, 0), 1e-300)
    / 1e-300)`` (1 for z > 0, 0 for z <= 0; exact also for subnormal z). Other piecewise forms are
    left as they are. ``exp(x)`` becomes ``exp(min(x, 700))``, so that a branch computed but not
    selected cannot overflow to inf (and turn ``0 * inf`` into NaN).
    """
    lib = _libsbml()
    rel = {lib.AST_RELATIONAL_GT: "gt", lib.AST_RELATIONAL_LT: "lt", lib.AST_RELATIONAL_GEQ: "geq",
           lib.AST_RELATIONAL_LEQ: "leq"}

    def text(node: Any) -> str:
        if node.getType() == lib.AST_FUNCTION_PIECEWISE and node.getNumChildren() == 3:
            cond = node.getChild(1)
            if cond.getType() in rel and cond.getNumChildren() == 2:
                a, b = text(node.getChild(0)), text(node.getChild(2))
                x, y = text(cond.getChild(0)), text(cond.getChild(1))
                kind = rel[cond.getType()]
                # H(z) = [z > 0]; x >= y is not(y - x > 0), x <= y is not(x - y > 0)
                first, second = (x, y) if kind in ("gt", "leq") else (y, x)
                step = f"ceiling(min(max((({first}) - ({second})), 0), 1e-300) / 1e-300)"
                h = step if kind in ("gt", "lt") else f"(1 - {step})"
                return f"({h} * ({a}) + (1 - {h}) * ({b}))"
        if node.getType() == lib.AST_FUNCTION_EXP and node.getNumChildren() == 1:
            return f"exp(min({text(node.getChild(0))}, {_EXP_CAP!r}))"
        if node.getNumChildren() == 0 or not _contains(node, (lib.AST_FUNCTION_PIECEWISE, lib.AST_FUNCTION_EXP)):
            return str(lib.formulaToL3String(node))
        copy = node.deepCopy()
        for i in range(node.getNumChildren()):
            copy.replaceChild(i, lib.parseL3Formula(text(node.getChild(i))), True)
        return str(lib.formulaToL3String(copy))

    if "piecewise" not in formula and "exp" not in formula:
        return formula
    ast = lib.parseL3Formula(formula)
    if ast is None:
        raise SBMLExportError(f"SBML export: cannot parse {formula!r}: {lib.getLastParseL3Error()}")
    return text(ast)


def _contains(node: Any, types: tuple[int, ...]) -> bool:
    if node.getType() in types:
        return True
    return any(_contains(node.getChild(i), types) for i in range(node.getNumChildren()))


def _let_chains(g: Mapping[str, Any], output_ids: Sequence[str]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Write each root (state rate, output) as a chain of function calls binding its intermediates.

    For a root, the intermediates it needs (its cone in the graph) are grouped by level (1 + the
    highest level of the intermediates they use). ``F_1(live_1)`` evaluates the level-1
    intermediates as the arguments of its call to ``F_2(live_2)``, and so on; the last function
    returns the root's formula. ``live_k`` are the states, parameters, time and already bound
    intermediates used at level k or later, passed through by name (SBML function bodies see only
    their arguments; time, not allowed inside them, is passed as an argument too). Every
    intermediate is thus evaluated once per root, and the text grows with the live sets, not with
    the unfolded tree.

    Returns
    -------
    (functions, root formulas)
        ``[(function id, "lambda(...)" formula)]`` in definition order, and the formula of each
        root (a call of its first function, or its own formula when it needs no intermediate).
    """
    states = [s["id"] for s in g["states"]]
    params = [p["id"] for p in g.get("parameters", [])]
    assigns = g.get("assignments", [])
    taken = set(states) | set(params) | {a["id"] for a in assigns}
    time_var = "time_s"
    while time_var in taken:
        time_var += "_"
    order = {v: i for i, v in enumerate([*states, *params, time_var])}
    base = len(order)
    pos = {a["id"]: i for i, a in enumerate(assigns)}
    order.update({a["id"]: base + i for i, a in enumerate(assigns)})
    body = {a["id"]: _TIME.sub(time_var, _indicator_selects(a["sbml"])) for a in assigns if a["id"] in pos}

    def uses(formula: str) -> set[str]:
        found = set(_IDENT.findall(formula))
        out = {v for v in found if v in order}
        if "time" in found:
            out.add(time_var)
        return out

    deps = {a["id"]: uses(a["sbml"]) for a in assigns if a["id"] in pos}
    level: dict[str, int] = {}
    for a in assigns:
        if a["id"] in pos:
            level[a["id"]] = 1 + max((level[d] for d in deps[a["id"]] if d in pos), default=0)

    functions: list[tuple[str, str]] = []
    roots: dict[str, str] = {}
    taken |= {time_var}
    formulas = {s["id"]: s["rate"]["sbml"] for s in g["states"]}
    output_set = set(output_ids)
    formulas.update({a["id"]: a["sbml"] for a in assigns if a["id"] in output_set})
    for root, formula in formulas.items():
        need = uses(formula)
        cone: set[str] = set()
        stack = [v for v in need if v in pos]
        while stack:
            v = stack.pop()
            if v not in cone:
                cone.add(v)
                stack.extend(d for d in deps[v] if d in pos)
        if not cone:
            roots[root] = formula
            continue
        levels = sorted({level[v] for v in cone})
        binds = [sorted((v for v in cone if level[v] == lv), key=pos.__getitem__) for lv in levels]
        live_after = need  # live after the last level: what the root's own formula uses
        lives: list[list[str]] = []  # live before each level
        for b in reversed(binds):
            live = (live_after - set(b)) | set().union(*(deps[v] for v in b))
            lives.append(sorted(live, key=order.__getitem__))
            live_after = live
        lives.reverse()
        last = sorted(need, key=order.__getitem__)
        prefix = f"f_{root}"
        while any(f"{prefix}_{k}" in taken for k in range(len(binds) + 1)):
            prefix += "_"
        names = [f"{prefix}_{k}" for k in range(len(binds) + 1)]
        for k, b in enumerate(binds):
            nxt = lives[k + 1] if k + 1 < len(binds) else last
            bound = set(b)
            args = ", ".join(f"({body[v]})" if v in bound else v for v in nxt)
            functions.append((names[k], f"lambda({', '.join(lives[k])}, {names[k + 1]}({args}))"))
        functions.append((names[-1], f"lambda({', '.join(last)}, {_TIME.sub(time_var, _indicator_selects(formula))})"))
        call_args = ", ".join("time" if v == time_var else v for v in lives[0])
        roots[root] = f"{names[0]}({call_args})"
    return functions, roots


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def _raise_on_errors(doc: Any, what: str) -> None:
    """Run libsbml's consistency checks (units excluded) and raise on errors or fatal errors."""
    lib = _libsbml()
    problems: list[str] = []

    def collect() -> None:
        for i in range(doc.getNumErrors()):
            err = doc.getError(i)
            if err.getSeverity() >= lib.LIBSBML_SEV_ERROR:
                problems.append(f"line {err.getLine()}: [{err.getErrorId()}] {err.getMessage().strip()}")

    doc.checkInternalConsistency()
    collect()
    doc.getErrorLog().clearLog()
    doc.setConsistencyChecks(lib.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    collect()
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise SBMLExportError(f"{what}: {len(problems)} SBML error(s):\n  {shown}{more}")


_PARAM_TAG = re.compile(r"<parameter\b[^>]*>")
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_VALUE_ATTR = re.compile(r'\bvalue="[^"]*"')


def _exact_values(text: str, exact: Mapping[str, float]) -> str:
    """Rewrite ``value`` attributes of parameters with all the digits of the double
    (libsbml writes 15 significant digits, which does not round-trip)."""

    def fix(m: re.Match[str]) -> str:
        tag = m.group(0)
        idm = _ID_ATTR.search(tag)
        if idm is None or idm.group(1) not in exact:
            return tag
        v = exact[idm.group(1)]
        if not math.isfinite(v):
            return tag
        return _VALUE_ATTR.sub(f'value="{v!r}"', tag, count=1)

    return _PARAM_TAG.sub(fix, text)


# --- reading SBML back --------------------------------------------------------------------------


def load_sbml(text: str) -> dict[str, Any]:
    """Read an SBML document (e.g. from :func:`graph_to_sbml`) back with libsbml.

    Parameters
    ----------
    text : str
        SBML XML text.

    Returns
    -------
    dict
        ``name``, ``states`` (a list, in rate-rule order, of ``{"id", "name", "initial_value",
        "units", "rate"}``; ``rate`` is the L3 infix formula), ``parameters`` (constant
        parameters: ``{"id", "value", "units", "unit", "min", "max", "source", "description"}``,
        where ``unit``/``min``/``max``/``source``/``description`` come from the ``massagesim``
        annotation and are None without it), ``assignments`` (``{"id", "formula", "units"}`` in
        document order), ``unit_definitions`` (id -> SI factor, e.g. 133.322387415 for mmHg) and,
        from the model annotation when present, ``t0_s``, ``t1_s``, ``breakpoints_s``, ``outputs``.

    Raises
    ------
    SBMLExportError
        When the document does not read or has SBML errors.
    """
    lib = _libsbml()
    doc = lib.readSBMLFromString(text)
    problems = [
        doc.getError(i).getMessage().strip()
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= lib.LIBSBML_SEV_ERROR
    ]
    if problems or doc.getModel() is None:
        raise SBMLExportError("load_sbml: cannot read the document: " + ("; ".join(problems[:10]) or "no model"))
    model = doc.getModel()
    rate_vars: dict[str, str] = {}
    assign_vars: dict[str, str] = {}
    order: list[str] = []
    assign_order: list[str] = []
    for i in range(model.getNumRules()):
        r = model.getRule(i)
        formula = lib.formulaToL3String(r.getMath()) if r.isSetMath() else ""
        if r.isRate():
            rate_vars[r.getVariable()] = formula
            order.append(r.getVariable())
        elif r.isAssignment():
            assign_vars[r.getVariable()] = formula
            assign_order.append(r.getVariable())
    params = {model.getParameter(i).getId(): model.getParameter(i) for i in range(model.getNumParameters())}
    states = []
    for sid in order:
        p = params.get(sid)
        states.append(
            {
                "id": sid,
                "name": p.getName() if p is not None and p.isSetName() else "",
                "initial_value": p.getValue() if p is not None and p.isSetValue() else math.nan,
                "units": p.getUnits() if p is not None and p.isSetUnits() else None,
                "rate": rate_vars[sid],
            }
        )
    parameters = []
    for i in range(model.getNumParameters()):
        p = model.getParameter(i)
        if not p.getConstant():
            continue
        ann = _read_annotation(p, "parameter")
        parameters.append(
            {
                "id": p.getId(),
                "value": p.getValue() if p.isSetValue() else math.nan,
                "units": p.getUnits() if p.isSetUnits() else None,
                "unit": ann.get("unit"),
                "min": float(ann["min"]) if "min" in ann else None,
                "max": float(ann["max"]) if "max" in ann else None,
                "source": ann.get("source"),
                "description": ann.get("description"),
            }
        )
    assignments = [
        {"id": sid, "formula": assign_vars[sid],
         "units": params[sid].getUnits() if sid in params and params[sid].isSetUnits() else None}
        for sid in assign_order
    ]
    unit_defs: dict[str, float] = {}
    for i in range(model.getNumUnitDefinitions()):
        ud = model.getUnitDefinition(i)
        si = lib.UnitDefinition.convertToSI(ud)
        factor = 1.0
        for k in range(si.getNumUnits()):
            u = si.getUnit(k)
            factor *= (u.getMultiplier() * 10.0 ** u.getScale()) ** u.getExponentAsDouble()
        unit_defs[ud.getId()] = factor
    out: dict[str, Any] = {
        "name": model.getName() if model.isSetName() else model.getId(),
        "time_units": model.getTimeUnits() if model.isSetTimeUnits() else None,
        "states": states,
        "parameters": parameters,
        "assignments": assignments,
        "unit_definitions": unit_defs,
    }
    mann = _read_annotation(model, "model")
    if mann:
        out["t0_s"] = float(mann.get("t0_s", 0.0))
        out["t1_s"] = float(mann["t1_s"]) if "t1_s" in mann else None
        out["breakpoints_s"] = [float(x) for x in mann.get("breakpoints_s", "").split()]
        out["outputs"] = mann.get("outputs", "").split()
    return out


def _read_annotation(sbase: Any, tag: str) -> dict[str, str]:
    """Attributes (and ``breakpoints_s``/``outputs`` child texts) of our annotation element."""
    ann = sbase.getAnnotation() if sbase.isSetAnnotation() else None
    if ann is None:
        return {}
    for i in range(ann.getNumChildren()):
        node = ann.getChild(i)
        if node.getName() != tag or node.getURI() != ANNOTATION_NS:
            continue
        attrs = {node.getAttrName(k): node.getAttrValue(k) for k in range(node.getAttributesLength())}
        for k in range(node.getNumChildren()):
            child = node.getChild(k)
            texts = [child.getChild(j).getCharacters() for j in range(child.getNumChildren())]
            attrs[child.getName()] = "".join(texts).strip()
        return attrs
    return {}


# --- Python right-hand side ---------------------------------------------------------------------

_RESERVED = {"t", "y", "rhs", "make_rhs", "math", "numpy", "STATE_IDS", "PARAMETERS", "Y0"}
# math functions -> their NumPy counterparts (IEEE results on float64 scalars instead of exceptions)
_NUMPY_OF_MATH = {
    "exp": "exp", "expm1": "expm1", "log": "log", "log1p": "log1p", "log10": "log10", "log2": "log2",
    "sqrt": "sqrt", "pow": "power", "floor": "floor", "ceil": "ceil", "fabs": "abs", "cos": "cos", "sin": "sin",
    "tan": "tan", "cosh": "cosh", "sinh": "sinh", "tanh": "tanh", "acos": "arccos", "asin": "arcsin",
    "atan": "arctan", "atan2": "arctan2", "acosh": "arccosh", "asinh": "arcsinh", "atanh": "arctanh",
    "inf": "inf", "nan": "nan", "pi": "pi", "e": "e",
}
_MATH_ATTR = re.compile(r"(?<![\w.])math\.([A-Za-z_][A-Za-z0-9_]*)")
_BUILTIN_CALL = re.compile(r"(?<![\w.])(abs|min|max)(?=\s*\()")


def graph_to_python(graph: GraphLike) -> tuple[Callable[[float, np.ndarray], np.ndarray], str]:
    """Generate a pure-Python right-hand side ``rhs(t, y)`` of a model graph for SciPy.

    The source defines ``make_rhs(**parameters)``, which returns ``rhs(t, y)``: it unpacks ``y``
    into one local per state, evaluates every assignment in order as a local statement with
    scalar ``math`` functions, and returns the rates (per second) as a float64 NumPy array in the
    order of ``graph["states"]``. Parameters and ``math`` functions are closure variables (no
    global or attribute look-ups in the body); NumPy only builds the returned array. Where a
    ``math`` function raises (exp overflow, log of 0, division by 0: solvers probe such states
    while choosing a step), the same body runs again on NumPy float64 scalars, which return
    inf/NaN as the C++ right-hand side does. The module also defines ``STATE_IDS``, ``Y0``
    (initial values), ``PARAMETERS`` (default values) and ``rhs = make_rhs()``.

    Parameters
    ----------
    graph : dict or str
        A model graph (see :func:`model_graph`).

    Returns
    -------
    (rhs, source)
        ``rhs(t, y)`` for ``scipy.integrate.solve_ivp`` (``y``: a 1-D float array, or a sequence
        of floats, of length ``len(graph["states"])``), and the Python source it was compiled from
        (importable as a module on its own).

    Raises
    ------
    ValueError
        For a malformed graph or an id that clashes with a name the generated code uses
        (``t``, ``y``, ``math``, ``numpy``, a Python keyword, or a leading underscore).
    """
    g = _as_graph(graph)
    states, params, assigns = g["states"], g.get("parameters", []), g.get("assignments", [])
    for item in (*states, *params, *assigns):
        sid = item["id"]
        if sid in _RESERVED or keyword.iskeyword(sid) or sid.startswith("_"):
            raise ValueError(
                f"graph_to_python: id {sid!r} clashes with a name of the generated code "
                f"({', '.join(sorted(_RESERVED))}, Python keywords, names starting with '_')"
            )
    used_math: set[str] = set()
    used_builtins: set[str] = set()

    def py(expr: str) -> str:
        def alias(m: re.Match[str]) -> str:
            used_math.add(m.group(1))
            return "_m_" + m.group(1)

        def builtin(m: re.Match[str]) -> str:
            used_builtins.add(m.group(1))
            return "_b_" + m.group(1)

        return _BUILTIN_CALL.sub(builtin, _MATH_ATTR.sub(alias, expr))

    body = [py(a["python"]) for a in assigns]
    rates = [py(s["rate"]["python"]) for s in states]
    name = str(g.get("name") or "massagesim_model")
    lines = [
        f'"""Right-hand side of {name!r}: d(state)/dt per second, time t in seconds.',
        "",
        "Generated by massagesim.sbml.graph_to_python from the recorded C++ equations; do not edit.",
        '"""',
        "",
        "import math",
        "",
        "import numpy",
        "",
        "STATE_IDS = (" + "".join(f"{s['id']!r}, " for s in states) + ")",
        "Y0 = (" + "".join(f"{float(s['initial_value'])!r}, " for s in states) + ")",
        "PARAMETERS = {",
        *(f"    {q['id']!r}: {float(q['value'])!r},  # {q.get('unit', '')}" for q in params),
        "}",
        "",
        "",
    ]
    sig = ", ".join(f"{q['id']}={float(q['value'])!r}" for q in params)
    fns = [f"_m_{fn}" for fn in sorted(used_math)] + [f"_b_{fn}" for fn in sorted(used_builtins)]
    fast = [f"math.{fn}" for fn in sorted(used_math)] + sorted(used_builtins)
    ieee = [f"numpy.{_NUMPY_OF_MATH[fn]}" if fn in _NUMPY_OF_MATH else f"math.{fn}" for fn in sorted(used_math)]
    ieee += sorted(used_builtins)
    unpack = ", ".join(s["id"] for s in states) + ", = y.tolist() if type(y) is _ndarray else y"
    lines += [
        f"def make_rhs({'*, ' + sig if sig else ''}):",
        '    """Return rhs(t, y) with these parameter values (defaults: PARAMETERS).',
        "",
        "    The body runs on Python floats with scalar math functions; where one of them raises",
        "    (exp overflow, log of 0, division by 0) it runs again on NumPy float64 scalars, which give",
        "    inf/NaN as C does.",
        '    """',
        "    _array = numpy.array",
        "    _float64 = numpy.float64",
        "    _ndarray = numpy.ndarray",
        "    _errstate = numpy.errstate",
        "    _ieee_errors = (OverflowError, ValueError, ZeroDivisionError)",
        "",
        f"    def _build(_fallback, {', '.join(fns)}):" if fns else "    def _build(_fallback):",
        "        def rhs(t, y):",
        "            try:",
        f"                {unpack}",
        *(f"                {a['id']} = {expr}" for a, expr in zip(assigns, body)),
        "                return _array((",
        *(f"                    {r},  # d {s['id']} / dt" for s, r in zip(states, rates)),
        "                ), _float64)",
        "            except _ieee_errors:",
        "                if _fallback is None:",
        "                    raise",
        '                with _errstate(all="ignore"):',
        "                    return _fallback(_float64(t), list(_array(y, _float64)))",
        "",
        "        return rhs",
        "",
        f"    return _build(_build(None{''.join(', ' + f for f in ieee)}){''.join(', ' + f for f in fast)})",
        "",
        "",
        "rhs = make_rhs()",
        "",
    ]
    source = "\n".join(lines)
    filename = f"<massagesim rhs {name}>"
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, RecursionError, MemoryError) as e:
        raise ValueError(f"graph_to_python: the generated source does not compile: {e}") from e
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {"__name__": f"massagesim_rhs_{_sid(name)}"}
    exec(code, namespace)
    return namespace["rhs"], source


# --- libRoadRunner --------------------------------------------------------------------------------


def simulate_roadrunner(
    sbml: Any,
    times: Sequence[float] | np.ndarray,
    *,
    rtol: float,
    atol: float,
    breakpoints: Sequence[float] | np.ndarray | None = None,
    max_step: float | None = None,
    t0_s: float | None = None,
    state_ids: Sequence[str] | None = None,
    stiff: bool = True,
    max_num_steps: int = 1_000_000,
    recompile: bool = True,
) -> tuple[np.ndarray, dict[str, float]]:
    """Integrate an SBML model with libRoadRunner (LLVM-compiled, CVODE) and sample it at ``times``.

    Between consecutive breakpoints the integration is one CVODE run; at every breakpoint CVODE is
    restarted from the current state (a new ``RoadRunner.simulate`` call, which re-initialises the
    integrator without resetting the model), so its multistep history never spans a jump of the
    protocol.

    Parameters
    ----------
    sbml : str or roadrunner.RoadRunner
        SBML text, or an already loaded RoadRunner (reset to its initial state here; no load time).
    times : array of float
        Increasing output times [s], at or after the start time.
    rtol, atol : float
        CVODE relative and absolute tolerances (``relative_tolerance``, ``absolute_tolerance``).
    breakpoints : array of float, optional
        Times [s] where the equations jump or kink (the graph's ``breakpoints_s``); those inside the
        run restart the integrator.
    max_step : float, optional
        CVODE's maximum step [s] (``maximum_time_step``); default unlimited.
    t0_s : float, optional
        Time at which the initial values hold; default the ``t0_s`` of the document's massagesim
        annotation, else ``times[0]``.
    state_ids : sequence of str, optional
        States to return, in this order; default every rate-rule variable in document order
        (the order of ``graph["states"]`` for documents from :func:`graph_to_sbml`).
    stiff : bool
        CVODE BDF with Newton iterations (True, libRoadRunner's default) or Adams-Moulton.
    max_num_steps : int
        CVODE's step budget per output interval (libRoadRunner's default, 20 000, is too small
        for long protocols at tight tolerances).
    recompile : bool
        Compile the model even if libRoadRunner has it in its in-process cache, so that
        ``load_s`` measures a real load.

    Returns
    -------
    (states, timings)
        ``states``: array of shape (len(times), len(state_ids)); ``timings``: ``load_s`` and
        ``load_cpu_s`` (parse + LLVM compile, wall-clock and process CPU time), ``simulate_s``
        and ``simulate_cpu_s`` (integration and output), ``n_segments`` (CVODE runs).

    Raises
    ------
    ValueError
        For bad times, tolerances or state ids.
    RuntimeError
        When libRoadRunner fails to load or to integrate (its message included).
    """
    import roadrunner

    t_out = np.asarray(times, dtype=float)
    if t_out.ndim != 1 or t_out.size == 0 or not np.all(np.isfinite(t_out)):
        raise ValueError(f"simulate_roadrunner: times: expected a non-empty 1-D array of finite values, got {times!r}")
    if np.any(np.diff(t_out) <= 0):
        raise ValueError("simulate_roadrunner: times: expected strictly increasing values")
    for nm, v in (("rtol", rtol), ("atol", atol)):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"simulate_roadrunner: {nm}: expected > 0, got {v}")
    if max_step is not None and not (math.isfinite(max_step) and max_step > 0):
        raise ValueError(f"simulate_roadrunner: max_step: expected > 0, got {max_step}")

    timings: dict[str, float] = {"load_s": 0.0, "load_cpu_s": 0.0}
    if isinstance(sbml, str):
        cfg = roadrunner.Config
        old = cfg.getValue(cfg.LOADSBMLOPTIONS_RECOMPILE)
        cfg.setValue(cfg.LOADSBMLOPTIONS_RECOMPILE, bool(recompile))
        try:
            w0, c0 = time.perf_counter(), time.process_time()
            rr = roadrunner.RoadRunner(sbml)
            timings["load_s"], timings["load_cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
        except RuntimeError as e:
            raise RuntimeError(f"simulate_roadrunner: libRoadRunner cannot load the model: {e}") from e
        finally:
            cfg.setValue(cfg.LOADSBMLOPTIONS_RECOMPILE, old)
        text = sbml
    else:
        rr = sbml
        rr.resetAll()
        text = rr.getSBML()

    if state_ids is None:
        state_ids = list(rr.getRateRuleIds())
    state_ids = list(state_ids)
    known = set(rr.getRateRuleIds()) | set(rr.model.getGlobalParameterIds())
    unknown = [s for s in state_ids if s not in known]
    if unknown:
        raise ValueError(f"simulate_roadrunner: state_ids: unknown {unknown[:5]}; known rate-rule variables: "
                         f"{list(rr.getRateRuleIds())[:10]}...")
    if t0_s is None:
        t0_s = float(t_out[0])
        if text is not None:
            m = re.search(r'<massagesim:model\b[^>]*\bt0_s="([^"]*)"', text)
            if m:
                t0_s = float(m.group(1))
    if t_out[0] < t0_s:
        raise ValueError(f"simulate_roadrunner: times: expected >= t0_s = {t0_s:g}, got {t_out[0]:g}")

    integ = rr.integrator
    integ.setValue("relative_tolerance", float(rtol))
    integ.setValue("absolute_tolerance", float(atol))
    integ.setValue("stiff", bool(stiff))
    integ.setValue("maximum_num_steps", int(max_num_steps))
    integ.setValue("maximum_time_step", float(max_step) if max_step is not None else 0.0)
    integ.setValue("variable_step_size", False)

    t_end = float(t_out[-1])
    cuts = sorted({float(b) for b in (breakpoints if breakpoints is not None else []) if t0_s < float(b) < t_end})
    edges = [float(t0_s), *cuts, t_end]
    selections = ["time", *state_ids]
    out = np.empty((t_out.size, len(state_ids)))
    w0, c0 = time.perf_counter(), time.process_time()
    k = 0  # next output row
    n_runs = 0
    x_now = np.array([rr.getValue(s) for s in state_ids])
    while k < t_out.size and t_out[k] == edges[0]:
        out[k] = x_now
        k += 1
    # With the time cap (intermediates="functions"), the equations are frozen at the last double before
    # each breakpoint, so CVODE's last step, which ends past its output time, never meets the jump.
    has_cap = TIME_CAP_ID in set(rr.model.getGlobalParameterIds())
    try:
        for a, b in zip(edges[:-1], edges[1:]):
            if b <= a:
                continue
            if has_cap:
                rr.setValue(TIME_CAP_ID, float(np.nextafter(b, -np.inf)) if b < t_end else _TIME_CAP_OFF)
            j = int(np.searchsorted(t_out, b, side="right"))  # outputs k..j-1 lie in (a, b]
            inner = t_out[k:j]
            ends_on_output = bool(inner.size) and inner[-1] == b
            grid = np.concatenate(([a], inner, [] if ends_on_output else [b]))
            res = np.asarray(rr.simulate(times=grid.tolist(), selections=selections))
            n_runs += 1
            if res.shape[0] != grid.size:
                raise RuntimeError(
                    f"simulate_roadrunner: libRoadRunner returned {res.shape[0]} rows on [{a:g}, {b:g}] s, "
                    f"expected {grid.size}"
                )
            out[k:j] = res[1 : 1 + inner.size, 1:]
            k = j
    except RuntimeError as e:
        if str(e).startswith("simulate_roadrunner"):
            raise
        raise RuntimeError(f"simulate_roadrunner: libRoadRunner failed to integrate: {e}") from e
    finally:
        if has_cap:
            rr.setValue(TIME_CAP_ID, _TIME_CAP_OFF)
    timings["simulate_s"], timings["simulate_cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
    timings["n_segments"] = float(n_runs)
    return out, timings
