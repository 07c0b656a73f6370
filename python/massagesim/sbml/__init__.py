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

from ._codegen import graph_to_python
from ._common import ANNOTATION_NS, GRAPH_FORMAT, GRAPH_VERSION, SBMLExportError
from ._graph import model_graph
from ._reader import load_sbml
from ._roadrunner import simulate_roadrunner
from ._writer import TIME_CAP_ID, graph_to_sbml

__all__ = [
    "ANNOTATION_NS",
    "GRAPH_FORMAT",
    "GRAPH_VERSION",
    "SBMLExportError",
    "TIME_CAP_ID",
    "graph_to_python",
    "graph_to_sbml",
    "load_sbml",
    "model_graph",
    "simulate_roadrunner",
]
