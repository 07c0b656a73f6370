"""Instruction counts (valgrind callgrind) of the fixed workloads: the noise-free speed figure.

Sections of workloads.instruction_program: the default limb's rest state, 400 RHS evaluations,
one solve of the short scenario's massage arm with each stepper. Only instructions inside
massagesim's C++ entry functions are counted (suite/callgrind.py).
"""

from __future__ import annotations

from . import _private, callgrind
from . import workloads as w


class Instructions:
    params = (w.instruction_sections(),)
    param_names = ["section"]
    timeout = 1800

    def setup_cache(self):
        if not callgrind.available():
            raise NotImplementedError("valgrind is not installed")
        if not _private.has_private_helpers():
            raise NotImplementedError("this build of massagesim lacks the benchmark helpers")
        return callgrind.instructions()

    def track_instructions(self, cache, section):
        return cache[section]

    track_instructions.unit = "instructions"
