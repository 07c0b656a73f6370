"""Model graph to SBML Level 3 Version 2. (part of :mod:`massagesim.sbml`)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ._common import ANNOTATION_NS, GRAPH_FORMAT, GRAPH_VERSION, GraphLike, SBMLExportError, _XHTML_NS, _unit_or_none
from ._graph import _as_graph, _finite
from ._sbml_units import _parse_unit, _unit_sid

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
        + (
            f" and jumps or kinks at {len(breakpoints)} breakpoints (listed in the annotation): integrate "
            "piecewise between them"
            if breakpoints
            else ""
        )
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
                {
                    "format": GRAPH_FORMAT,
                    "version": GRAPH_VERSION,
                    "t0_s": t0,
                    "t1_s": None if t1 is None else float(t1),
                },
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
                    {
                        "unit": unit,
                        "min": _opt_float(q.get("min")),
                        "max": _opt_float(q.get("max")),
                        "source": q.get("source"),
                        "description": q.get("description"),
                    },
                )
            ),
            f"parameter {sid}: annotation",
        )
    output_set = set(outputs)
    kept = [a for a in g.get("assignments", []) if intermediates == "rules" or a["id"] in output_set]
    for a in kept:
        sid = a["id"]
        unit = g.get("output_units", {}).get(sid) if isinstance(g.get("output_units"), Mapping) else None
        add_parameter(sid, None, False, None if sid.startswith("w_") else (unit or _unit_or_none(sid)))

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
        _check(
            cap.setNotes(
                _xhtml(
                    [
                        "The equations see min(time, this) instead of time. CVODE (as libRoadRunner drives it) steps past "
                        "its output time and would meet the protocol's jump at the next breakpoint; a simulator that "
                        "restarts at each breakpoint sets this just below it (massagesim.sbml.simulate_roadrunner does). "
                        f"Default {_TIME_CAP_OFF:g} s: no effect."
                    ]
                )
            ),
            f"parameter {TIME_CAP_ID}: notes",
        )
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
    rel = {
        lib.AST_RELATIONAL_GT: "gt",
        lib.AST_RELATIONAL_LT: "lt",
        lib.AST_RELATIONAL_GEQ: "geq",
        lib.AST_RELATIONAL_LEQ: "leq",
    }

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
