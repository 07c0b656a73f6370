"""Shared by the SBML modules: graph constants, the export error, units of named quantities. (part of :mod:`massagesim.sbml`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union
from .._units import unit_of


def _unit_or_none(sid: str) -> str | None:
    """The catalogue unit of a named intermediate, or None for one that is no catalogued quantity (the
    protocol's whole-body intensity): SBML then leaves it without units rather than a wrong one."""
    try:
        return unit_of(sid)
    except (KeyError, ImportError):  # ImportError: loaded without the core (benchmarks/python/compare_peers.py)
        return None


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
