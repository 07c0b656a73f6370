"""SBML read back into a plain description. (part of :mod:`massagesim.sbml`)."""

from __future__ import annotations

import math
from typing import Any

from ._common import ANNOTATION_NS, SBMLExportError
from ._writer import _libsbml

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
        {
            "id": sid,
            "formula": assign_vars[sid],
            "units": params[sid].getUnits() if sid in params and params[sid].isSetUnits() else None,
        }
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
