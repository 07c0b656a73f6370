"""The module that runs simulations: the compiled core, or a stand-in the tests substitute."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from . import _core

# Tests may substitute a stand-in exposing the same simulation functions (see tests/python).
_override: Any = None


def core() -> ModuleType | Any:
    """Return the module that runs simulations (normally :mod:`massagesim._core`)."""
    return _override if _override is not None else _core
