"""Access to the compiled core, with a clear error where this build lacks the simulation facade."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from . import _core

# Tests may substitute a stand-in exposing the same simulation functions (see tests/python).
_override: Any = None

_FACADE = ("simulate", "simulate_batch", "available_outputs", "metric_names", "SimulationOptions")


def core() -> ModuleType | Any:
    """Return the module that runs simulations (normally :mod:`massagesim._core`)."""
    return _override if _override is not None else _core


def has_simulation() -> bool:
    """Return True when the compiled core exposes the simulation facade.

    Returns
    -------
    bool
        False for a build whose runtime library lacks ``src/simulation.cpp`` (the facade of
        ``simulation/simulation.hpp``); :func:`massagesim.simulate` then raises
        :class:`SimulationUnavailable`.
    """
    c = core()
    return all(hasattr(c, name) for name in _FACADE)


class SimulationUnavailable(NotImplementedError):
    """The compiled core was built without the simulation facade (src/simulation.cpp)."""


def require_simulation() -> Any:
    """Return the core, or raise :class:`SimulationUnavailable` if it cannot simulate."""
    if not has_simulation():
        raise SimulationUnavailable(
            "massagesim._core was built without the simulation facade (simulation/simulation.hpp is declared "
            "but src/simulation.cpp is not compiled into massagesim::runtime); rebuild with "
            "`pip install --no-build-isolation .` once it is"
        )
    return core()
