"""The installed package: import, version, error mapping, the solver demo."""

import re
from pathlib import Path

import pytest

import massagesim as ms
from massagesim import _core


def test_version_matches_cmake_project_version() -> None:
    cmake = (Path(__file__).resolve().parents[2] / "CMakeLists.txt").read_text()
    expected = re.search(r"project\(massagesim VERSION ([0-9.]+)", cmake)
    assert expected is not None
    assert ms.__version__ == expected.group(1)


def test_exception_hierarchy() -> None:
    assert issubclass(ms.InvalidArgument, ValueError)
    assert issubclass(ms.UnknownName, ms.InvalidArgument)
    assert issubclass(ms.UnknownName, KeyError)
    assert issubclass(ms.SolverError, RuntimeError)
    for cls in (ms.StepSizeUnderflow, ms.TooManySteps, ms.NonFiniteState, ms.OutOfDomain, ms.NewtonFailure):
        assert issubclass(cls, ms.SolverError)


def test_bad_input_from_cpp_arrives_as_invalid_argument() -> None:
    with pytest.raises(ms.InvalidArgument, match=r"tolerance rtol: expected > 0 and < 1, got -1"):
        _core.solver_demo(rtols=[-1.0], t1_s=5.0)
    with pytest.raises(ValueError, match=r"t1_s: expected in \(0, 86400\] s, got -3"):
        _core.solver_demo(rtols=[1e-6], t1_s=-3.0)


def test_solver_demo_errors_shrink_with_tolerance() -> None:
    rows = ms.solver_demo(rtols=[1e-4, 1e-8], t1_s=20.0)
    by = {(r["stepper"], r["rtol"]): r for r in rows}
    for stepper in ("Dopri5", "Fehlberg78"):
        loose, tight = by[(stepper, 1e-4)], by[(stepper, 1e-8)]
        assert tight["max_error_mmHg"] < loose["max_error_mmHg"]
        assert tight["max_error_mmHg"] < 1e-5  # 40 mmHg pulses, rtol 1e-8: error far below 1e-5 mmHg
        assert loose["breakpoints"] == 40  # 2 edges per 1-s period over 20 s, minus the one at t0, plus the one at t1
