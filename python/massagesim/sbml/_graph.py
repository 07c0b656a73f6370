"""The model graph: fetched from the core and checked. (part of :mod:`massagesim.sbml`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from ._common import GRAPH_FORMAT, GRAPH_VERSION, GraphLike

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
    from .. import _core
    from .._scenario import as_scenario

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
                if (
                    not isinstance(rate, Mapping)
                    or not isinstance(rate.get("sbml"), str)
                    or not isinstance(rate.get("python"), str)
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
