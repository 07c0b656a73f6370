"""Coverage-guided fuzzing (atheris, libFuzzer for Python) of the scenario loaders and of short runs.

Each input is read as scenario text and fed to one of: ``Scenario.from_json``,
``Scenario.from_file`` (as .json and as .yaml), ``Scenario.from_dict`` (after a JSON/YAML parse
and a few structural mutations), and, when it loads as a short protocol, ``simulate``. Allowed
outcomes: a loaded scenario, ``InvalidArgument``/``UnknownName`` with a non-empty message, a
``SolverError`` with a message, or a run whose successful arms hold only finite numbers. Anything
else (another exception, a crash, a hang past -timeout, NaN in a successful run) is a finding.

Short run (CI, scripts/run_tests.sh):   bash tests/fuzz/run_fuzz.sh 60
Long run (documented in tests/fuzz/README.md):   bash tests/fuzz/run_fuzz.sh 3600
Direct:   python tests/fuzz/fuzz_scenario.py CORPUS_DIR SEED_DIR... -max_total_time=60 -timeout=30
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile

import atheris
import numpy  # noqa: F401 - imported before the instrumented block: only massagesim is instrumented
import pandas  # noqa: F401
import yaml  # noqa: F401

with atheris.instrument_imports(include=["massagesim"]):
    import massagesim as ms
    from massagesim import _safe_io, _simulate

ALLOWED = (ms.InvalidArgument, ms.UnknownName)
TMP = tempfile.mkdtemp(prefix="massagesim_fuzz_")
#: Runs estimated longer than this are not simulated (the fuzzer must stay fast) [s].
MAX_RUN_S = 2.0


def _check_message(exc: BaseException) -> None:
    if not (exc.args and str(exc.args[0]).strip()):
        raise AssertionError(f"{type(exc).__name__} without a message")


def _mutate(fdp: atheris.FuzzedDataProvider, data: object) -> object:
    """A few structural changes the text mutator rarely makes: deep nesting, odd Python values."""
    if not isinstance(data, dict) or not data:
        return data
    key = fdp.PickValueInList(sorted(data, key=repr))  # YAML keys may mix types (str, float, None)
    choice = fdp.ConsumeIntInRange(0, 6)
    if choice == 0:
        v: object = data[key]
        for _ in range(fdp.ConsumeIntInRange(1, 2000)):
            v = [v]
        data[key] = v
    elif choice == 1:
        data[key] = fdp.ConsumeFloat()
    elif choice == 2:
        data[key] = fdp.ConsumeUnicodeNoSurrogates(64)
    elif choice == 3:
        data[key] = (fdp.ConsumeInt(8), None)
    elif choice == 4:
        data[key] = data  # a cycle
    elif choice == 5:
        data[fdp.ConsumeInt(2)] = 1  # a non-string key
    return data


def _simulate_short(sc: ms.Scenario) -> None:
    opts = _simulate.make_options(throw_on_failure=False)
    try:
        est = _simulate.estimate_run(sc, opts)
    except ALLOWED as exc:
        _check_message(exc)
        return
    if est.wall_s > MAX_RUN_S or est.memory_MB > 200 or sc.duration_s > 900 or len(sc.segment_names) > 4:
        return
    try:
        res = ms.simulate(sc, throw_on_failure=False)
    except ALLOWED + (ms.SolverError,) as exc:
        _check_message(exc)
        return
    for arm in res:
        if arm.status == "success":
            values = arm.values
            if values.size and not bool(__import__("numpy").isfinite(values).all()):
                raise AssertionError(f"non-finite output in arm {arm.name} of a successful run")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 4)
    run = fdp.ConsumeBool()
    raw = fdp.ConsumeBytes(fdp.remaining_bytes())
    sc = None
    try:
        if mode == 0:
            sc = ms.Scenario.from_json(raw.decode("utf-8", "replace"), "<fuzz>")
        elif mode in (1, 2):
            path = os.path.join(TMP, "s.json" if mode == 1 else "s.yaml")
            with open(path, "wb") as fh:
                fh.write(raw)
            sc = ms.Scenario.from_file(path)
        else:
            text = raw.decode("utf-8", "replace")
            try:
                parsed = json.loads(text) if mode == 3 else _safe_io.load_yaml(text, "<fuzz>")
            except (ValueError, RecursionError, ms.InvalidArgument):
                return  # not a document: the loaders above cover that
            sc = ms.Scenario.from_dict(
                _mutate(atheris.FuzzedDataProvider(raw[:64]), parsed)  # type: ignore[arg-type]
                if isinstance(parsed, dict)
                else parsed
            )
    except ALLOWED as exc:
        _check_message(exc)
        return
    except TypeError as exc:  # documented for from_dict of a non-mapping
        if mode >= 3 and "expected a mapping" in str(exc):
            return
        raise
    if run and sc is not None:
        _simulate_short(sc)
    if sc is not None:  # a loaded scenario round-trips
        assert ms.Scenario.from_json(sc.to_json()) == sc
        assert math.isfinite(sc.duration_s)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
