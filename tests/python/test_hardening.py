"""Issue 17: bad input refused up front with a clear message, long runs visible and stoppable.

One test (or parametrised case) per example in the issue; each failed before the fix (crash,
traceback, hang, out-of-memory or silent acceptance).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import massagesim as ms
from massagesim import _safe_io, _simulate, cli


ROOT = Path(__file__).resolve().parents[2]

#: A 2-minute one-segment scenario in its dict form (a fraction of a second per run).
BASE: dict[str, Any] = {
    "format_version": 1,
    "name": "hardening",
    "subject": {"preset": "default_calf", "initial_posture": "supine"},
    "limb": {"segment_names": ["calf"], "segment_lengths_cm": [40.0]},
    "protocol": [
        {"kind": "rest", "duration_s": 30.0},
        {"kind": "massage", "duration_s": 60.0, "technique": "petrissage", "depth_mmHg": 40.0, "rate_Hz": 0.5},
        {"kind": "passive_recovery", "duration_s": 30.0},
    ],
    "outputs": {"names": ["applied_pressure_mmHg"], "save_every_s": 5.0},
    "solver": {"stepper": "rodas4", "rtol": 1e-6, "atol": 1e-9, "dt_max_s": 10.0},
}


def with_(**changes: Any) -> dict[str, Any]:
    d = json.loads(json.dumps(BASE))
    d.update(changes)
    return d


def run_cli(
    *args: str, cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "massagesim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
    )


# ---- nesting depth -------------------------------------------------------------------------------


def test_json_nested_1e5_deep_is_refused_by_the_cpp_loader_not_a_segfault(tmp_path: Path) -> None:
    # Before: nlohmann's recursive dump() overflowed the stack (SIGSEGV) while reporting the error.
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    code = "import sys, massagesim as ms\ntry:\n    ms._core.Scenario.load(sys.argv[1])\nexcept ms.InvalidArgument as e:\n    print(e)"
    out = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-500:]
    assert "nested more than 32 deep (at line 1, column 33)" in out.stdout


def test_json_nested_1e5_deep_through_the_cli(tmp_path: Path) -> None:
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    out = run_cli("run", str(p), "--out-dir", str(tmp_path / "o"), cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-500:]
    assert "nested more than 32 deep" in out.stderr


@pytest.mark.parametrize("flow", [True, False], ids=["flow", "block"])
def test_yaml_nested_1e4_deep_is_refused(tmp_path: Path, flow: bool) -> None:
    p = tmp_path / "deep.yaml"
    n = 10_000 if flow else 2_000  # block style: n^2/2 bytes of indentation (2 MB)
    p.write_text("[" * n + "]" * n if flow else "".join(" " * i + "a:\n" for i in range(n)) + " " * n + "b: 1\n")
    with pytest.raises(ms.InvalidArgument, match=r"nested more than 32 deep \(at line"):
        ms.Scenario.from_file(p)


def test_dict_nested_1e3_deep_is_refused_with_the_field() -> None:
    x: Any = {}
    for _ in range(1000):
        x = {"a": x}
    with pytest.raises(ms.InvalidArgument, match=r"description(\.a)+: nested more than 32 deep"):
        ms.Scenario.from_dict(with_(description=x))


@pytest.mark.parametrize("length_cm", [1e308, 121.0])
def test_a_segment_longer_than_a_leg_is_refused_with_the_limit(length_cm: float) -> None:
    """Before (stop 13's survey): 1e308 cm ended in "steady_state: initial guess arterial_volume_mL is
    not finite (inf)", which does not say what was wrong."""
    d = with_(limb={"segment_names": ["calf"], "segment_lengths_cm": [length_cm]})
    with pytest.raises(ms.InvalidArgument, match=r"limb\.segment_lengths_cm\[0\]: expected a length in \(0, 120\] cm"):
        ms.simulate(ms.Scenario.from_dict(d))
    # Through the C++ limb builder too (a scenario built in Python): the same limit, the same message.
    with pytest.raises(ms.InvalidArgument, match=r"segment_lengths_cm\[0\]: expected a length in \(0, 120\] cm"):
        ms.simulate(
            ms.Scenario.build(
                [ms.phase("rest", 10.0)], limb={"segment_names": ["calf"], "segment_lengths_cm": [length_cm]}
            )
        )


def test_dict_with_a_cycle_is_refused() -> None:
    d = with_()
    d["limb"]["self"] = d["limb"]
    with pytest.raises(ms.InvalidArgument, match=r"limb\.self: refers back to a container"):
        ms.Scenario.from_dict(d)


def test_dict_with_numpy_numbers_and_tuples_loads() -> None:
    np = pytest.importorskip("numpy")
    d = with_()
    d["limb"]["segment_lengths_cm"] = (np.float32(40.0),)
    d["protocol"][0]["duration_s"] = np.int64(30)
    assert ms.Scenario.from_dict(d).duration_s == 120.0


# ---- files: type, size, encoding, aliases, truncation -------------------------------------------


def test_dev_zero_is_refused_as_a_character_device() -> None:
    with pytest.raises(ms.InvalidArgument, match="is a character device; expected a regular"):
        ms.Scenario.from_file("/dev/zero")


def test_dev_zero_through_a_yaml_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(ms.InvalidArgument, match="character device"):
        ms.Scenario.from_file(tmp_path / "zero.yaml")


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    box: dict[str, Any] = {}

    def load() -> None:
        try:
            ms.Scenario.from_file(fifo)
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            box["exc"] = exc

    t = threading.Thread(target=load, daemon=True)
    t.start()
    t.join(30)
    if t.is_alive():  # unblock the reader so the test process can end, then fail
        with open(fifo, "w") as fh:
            fh.write("{}")
        pytest.fail("opening a FIFO blocked")
    assert isinstance(box.get("exc"), ms.InvalidArgument) and "FIFO" in str(box["exc"])


def test_a_directory_and_a_huge_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ms.InvalidArgument, match="is a directory"):
        ms.Scenario.from_file(tmp_path)
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(_safe_io.MAX_SCENARIO_BYTES + 1)
    with pytest.raises(ms.InvalidArgument, match=rf"{_safe_io.MAX_SCENARIO_BYTES + 1} bytes; expected at most"):
        ms.Scenario.from_file(big)


def test_yaml_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    p = tmp_path / "laughs.yaml"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ms.InvalidArgument, match="expands to more than .* values through its aliases"):
        ms.Scenario.from_file(p)


def test_yaml_with_a_few_aliases_still_loads(tmp_path: Path) -> None:
    p = tmp_path / "alias.yaml"
    text = ms.Scenario.from_dict(BASE).save(tmp_path / "plain.yaml").read_text()
    text = text.replace("solver:\n", "solver: &solver\n")
    p.write_text(text + "x_unused: *solver\n")
    with pytest.raises(ms.InvalidArgument, match="x_unused"):  # the alias expands; the loader names the field
        ms.Scenario.from_file(p)


@pytest.mark.parametrize("encoding,name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-32", "UTF-32")])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_utf16_and_utf32_are_refused_by_name(tmp_path: Path, encoding: str, name: str, suffix: str) -> None:
    p = tmp_path / f"s{suffix}"
    p.write_bytes(json.dumps(BASE).encode(encoding))
    with pytest.raises(ms.InvalidArgument, match=f"encoded as {name}.*; expected UTF-8"):
        ms.Scenario.from_file(p)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_latin1_is_refused_with_the_byte_and_where(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"s{suffix}"
    p.write_bytes(json.dumps(with_(description="à la française"), ensure_ascii=False).encode("latin-1"))
    with pytest.raises(ms.InvalidArgument, match=r"not UTF-8: byte 0xE0 at line 1, column \d+ \(Latin-1"):
        ms.Scenario.from_file(p)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_utf8_with_a_bom_loads(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"s{suffix}"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(BASE).encode())
    assert ms.Scenario.from_file(p).name == "hardening"


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_valid_json_saved_as_yaml_loads_with_its_exponent_numbers(tmp_path: Path, suffix: str) -> None:
    # PyYAML (YAML 1.1) reads 1e-06 as a string; the JSON text of a scenario is valid YAML 1.2.
    p = tmp_path / f"default{suffix}"
    p.write_text((ROOT / "scenarios" / "default.json").read_text())
    sc = ms.Scenario.from_file(p)
    assert sc.solver["rtol"] == 1e-6 and sc.solver["atol"] == 1e-9
    assert sc == ms.Scenario.from_file(ROOT / "scenarios" / "default.json")


def test_yaml_cut_after_a_key_is_refused_as_truncated(tmp_path: Path) -> None:
    text = ms.Scenario.from_dict(BASE).save(tmp_path / "full.yaml").read_text()
    cut = text[: text.index("solver:") + len("solver:\n")]
    p = tmp_path / "cut.yaml"
    p.write_text(cut)
    with pytest.raises(ms.InvalidArgument, match=r"solver: empty value \(null\).*truncated"):
        ms.Scenario.from_file(p)


def test_yaml_duplicate_keys_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "dup.yaml"
    p.write_text("name: a\nname: b\n")
    with pytest.raises(ms.InvalidArgument, match="duplicate key 'name'"):
        ms.Scenario.from_file(p)


# ---- names and output paths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../escaped", "/tmp/absolute", "a/b", "a\\b", "a\x00b", "x" * 300, "..", "tab\there"]
)
def test_unsafe_scenario_names_are_refused(name: str) -> None:
    with pytest.raises(ms.InvalidArgument, match="name"):
        ms.Scenario.from_dict(with_(name=name))


@pytest.mark.parametrize("where", ["arm", "segment"])
def test_arm_and_segment_names_are_printable_and_bounded(where: str) -> None:
    d = with_(arms=[{"name": "x" * 10_000}]) if where == "arm" else with_()
    if where == "segment":
        d["limb"]["segment_names"] = ["calf\x00"]
    with pytest.raises(ms.InvalidArgument, match=r"arms\[0\]\.name|limb\.segment_names\[0\]"):
        ms.Scenario.from_dict(d)


def test_cli_never_writes_outside_out_dir(tmp_path: Path) -> None:
    # Before: a name of ../../escaped put the CSVs two directories above --out-dir.
    p = tmp_path / "a" / "b" / "s.json"
    p.parent.mkdir(parents=True)
    p.write_text(json.dumps(with_(name="../../escaped")))
    out = run_cli("run", str(p), "--out-dir", str(tmp_path / "a" / "b" / "out"), "--no-plot", cwd=tmp_path)
    assert out.returncode == 2 and "name" in out.stderr and "Traceback" not in out.stderr
    assert not list(tmp_path.rglob("escaped*"))


def test_safe_stem_and_confinement() -> None:
    assert _safe_io.safe_stem("Massage à 60 mmHg (v1.2)") == "Massage_60_mmHg_v1.2"
    assert _safe_io.safe_stem("../..") == "scenario"
    with pytest.raises(ms.InvalidArgument, match="outside --out-dir"):
        _safe_io.confined(Path("out"), "../x.csv")


def test_an_interrupted_write_leaves_no_file_under_the_final_name(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"

    def half(tmp: Path) -> None:
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _safe_io.atomic_write(target, half)
    assert list(tmp_path.iterdir()) == []


# ---- tolerances, rates, limits -----------------------------------------------------------------------


@pytest.mark.parametrize("key,value", [("rtol", 1e-16), ("rtol", 0.5), ("atol", 1e3), ("atol", 1e-30)])
def test_tolerances_outside_a_sane_range_are_refused(key: str, value: float) -> None:
    d = with_()
    d["solver"][key] = value
    with pytest.raises(ms.InvalidArgument, match=rf"solver\.{key}: expected a tolerance in"):
        ms.Scenario.from_dict(d)


def test_tolerance_overrides_are_checked_too(fake: Any) -> None:
    with pytest.raises(ms.InvalidArgument, match="rtol: expected a tolerance in"):
        ms.simulate(rtol=0.5)
    with pytest.raises(ms.InvalidArgument, match="rtol: expected a number, got str"):
        ms.simulate(rtol="abc")


def test_petrissage_at_1e3_Hz_is_refused() -> None:
    d = with_()
    d["protocol"][1]["rate_Hz"] = 1e3
    with pytest.raises(ms.InvalidArgument, match=r"protocol\[1\]\.rate_Hz: expected at most 50 Hz"):
        ms.Scenario.from_dict(d)


@pytest.mark.parametrize("change", ["duration", "save"])
def test_memory_past_the_limit_is_refused_up_front_and_the_limit_can_be_raised(
    monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    # The default scenario's limb and arms (4 segments, 2 arms): 10^7 s ran out of memory before.
    d = ms.Scenario.default().to_dict()
    d["arms"] = [{"name": "a"}, {"name": "b"}]
    if change == "duration":
        d["protocol"] = [{"kind": "rest", "duration_s": 1e7}]
    else:
        d["outputs"]["save_every_s"] = 1e-6
    sc = ms.Scenario.from_dict(d)
    with pytest.raises(ms.InvalidArgument, match=r"MB of results .* the limit is 2048 MB.*MASSAGESIM_MAX_OUTPUT_MB"):
        ms.simulate(sc)
    # The estimate scales with what is asked: a limit just above it lets the same run through.
    est = _simulate.estimate_run(sc, _simulate.make_options())
    monkeypatch.setenv("MASSAGESIM_MAX_OUTPUT_MB", str(est.memory_MB * 1.01))
    monkeypatch.setenv("MASSAGESIM_MAX_STEPS", "1e12")
    ms._core.check_run(sc._cpp, _simulate.make_options())  # what simulate() checks first, in C++


def test_work_past_the_limit_is_refused_with_the_estimate() -> None:
    # Refused by the C++ simulate before the rest state: the same check serves C++ callers.
    d = with_()
    d["solver"]["dt_max_s"] = 1e-9
    with pytest.raises(ms.InvalidArgument, match=r"solver steps .* MASSAGESIM_MAX_STEPS"):
        ms.simulate(ms.Scenario.from_dict(d))


def test_slow_settings_are_estimated_as_slow() -> None:
    # dt_max 1e-3 s, 10^5 phases, 64 segments: each estimated well past the progress threshold.
    fast = ms.Scenario.from_dict(BASE)
    opts = _simulate.make_options()
    base = _simulate.estimate_run(fast, opts).wall_s
    slow_dt = with_()
    slow_dt["solver"]["dt_max_s"] = 1e-3
    many = with_(protocol=[{"kind": "rest", "duration_s": 1.0}] * 100_000)
    seg = with_(limb={"segment_names": [f"s{i}" for i in range(64)], "segment_lengths_cm": [1.0] * 64})
    for d in (slow_dt, many, seg):
        est = _simulate.estimate_run(ms.Scenario.from_dict(d), opts)
        assert est.wall_s > 20 * base


# ---- progress and Ctrl-C --------------------------------------------------------------------------


def test_progress_bar_is_shown_for_a_slow_run(
    fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = fake.simulate

    def sleepy(*a: Any, **k: Any) -> Any:
        time.sleep(0.5)
        return slow(*a, **k)

    monkeypatch.setattr(fake, "simulate", sleepy)
    res = ms.simulate(progress=True, save_every_s=60.0)
    assert res.ok
    assert "est." in capsys.readouterr().err


def test_no_progress_bar_unless_asked(fake: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ms.simulate(save_every_s=60.0)
    assert capsys.readouterr().err == ""


def test_ctrl_c_stops_a_long_cli_run_and_leaves_no_output_file(tmp_path: Path) -> None:
    d = with_(protocol=[{"kind": "massage", "duration_s": 36000.0, "technique": "tapotement", "rate_Hz": 8.0}])
    d["solver"]["dt_max_s"] = 1e-3
    p = tmp_path / "long.json"
    p.write_text(json.dumps(d))
    proc = subprocess.Popen(
        [sys.executable, "-m", "massagesim", "run", str(p), "--out-dir", str(tmp_path / "out")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg", "MASSAGESIM_MAX_STEPS": "1e12"},
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "out").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # --out-dir is created just before the run starts
        time.sleep(1.0)
        assert proc.poll() is None, proc.communicate()[1][-500:]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)  # a functional bound: it stops, rather than running for hours
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err[-500:]
    assert "interrupted" in err and "Traceback" not in err
    assert "cancelled at t = " in err, err[-500:]  # the C++ run itself stopped
    assert list((tmp_path / "out").iterdir()) == []


def test_keyboard_interrupt_reaches_the_caller_of_simulate() -> None:
    d = with_(protocol=[{"kind": "massage", "duration_s": 36000.0, "technique": "tapotement", "rate_Hz": 8.0}])
    d["solver"]["dt_max_s"] = 1e-3
    code = (
        "import json, sys, massagesim as ms\n"
        "sc = ms.Scenario.from_dict(json.loads(sys.argv[1]))\n"
        "print('start', flush=True)\n"
        "import threading\n"
        "try:\n    ms.simulate(sc)\nexcept KeyboardInterrupt as exc:\n    print('interrupted', exc, flush=True)\n"
        "from massagesim._simulate import run_in_progress\n"
        "print('still running:', run_in_progress(), [t.name for t in threading.enumerate() if t.name == 'massagesim-simulate'], flush=True)\n"
        "import os; os._exit(0)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(d)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MASSAGESIM_MAX_STEPS": "1e12"},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "start"
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "interrupted" in out
    # The C++ run was cancelled at its next step and its thread joined before KeyboardInterrupt arrived.
    assert "cancelled at t = " in out, out
    assert "still running: False []" in out, out


def test_cli_ctrl_c_exit_status_in_process(fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*a: Any, **k: Any) -> Any:
        raise KeyboardInterrupt

    exits: list[int] = []
    monkeypatch.setattr(cli, "_cmd_run", interrupted)
    monkeypatch.setattr(os, "_exit", lambda code: exits.append(code))
    # No simulation thread left running: a plain exit status, no os._exit.
    assert cli.main(["run"]) == 130
    assert exits == []


# ---- cancelling the C++ run --------------------------------------------------------------------------

LONG = with_(protocol=[{"kind": "massage", "duration_s": 36000.0, "technique": "tapotement", "rate_Hz": 8.0}])
LONG["solver"]["dt_max_s"] = 1e-3


def test_a_cancel_flag_stops_the_cpp_run_and_its_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: Ctrl-C returned control, but the C++ solve went on for hours in the background.
    monkeypatch.setenv("MASSAGESIM_MAX_STEPS", "1e12")
    sc = ms.Scenario.from_dict(LONG)
    opts = _simulate.make_options()
    flag = ms._core.CancelFlag()
    opts.cancel = flag
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = ms._core.simulate(sc._cpp, opts)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(1.5)  # past the rest state, into the arm's solve
    assert worker.is_alive(), box
    assert not flag.is_set
    flag.set()
    worker.join(5.0)  # a functional bound: it stops at its next solver step, not after 10 h of protocol
    assert not worker.is_alive()
    err = box.get("error")
    assert isinstance(err, ms.Cancelled), box
    assert not isinstance(err, ms.SolverError)  # a retry-on-failure loop must not retry a cancel
    assert "cancelled at t = " in str(err)
    assert 0.0 <= err.t_s < 36000.0


def test_a_cancelled_run_without_throwing_reports_cancelled_arms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSAGESIM_MAX_STEPS", "1e12")
    opts = _simulate.make_options(throw_on_failure=False)
    opts.cancel = ms._core.CancelFlag()
    opts.cancel.set()  # set before the start: ends the run at once, whatever throw_on_failure says
    with pytest.raises(ms.Cancelled, match="cancelled before the start"):
        ms._core.simulate(ms.Scenario.from_dict(BASE)._cpp, opts)
    opts.cancel = ms._core.CancelFlag()
    box: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: box.update(res=ms._core.simulate(ms.Scenario.from_dict(LONG)._cpp, opts)))
    worker.start()
    time.sleep(1.5)
    opts.cancel.set()  # midway: the arm stops and reports it
    worker.join(5.0)
    assert not worker.is_alive()
    arm = box["res"].arms[0]
    assert arm.status == "cancelled" and "StepControl::cancel" in arm.message


def test_ctrl_c_stops_a_batch_of_cpp_runs() -> None:
    # Before: simulate_batch held the main thread in C++ until every run had finished (hours here).
    code = (
        "import json, sys, massagesim as ms\n"
        "from massagesim._simulate import run_in_progress\n"
        "sim = ms.Simulator(ms.Scenario.from_dict(json.loads(sys.argv[1])))\n"
        "print('start', flush=True)\n"
        "try:\n    sim.run_batch([{}] * 6, n_threads=2)\nexcept KeyboardInterrupt:\n    print('interrupted', flush=True)\n"
        "print('still running:', run_in_progress(), flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(LONG)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MASSAGESIM_MAX_STEPS": "1e12"},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "start"
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)  # a functional bound: 6 runs of 10 h each otherwise
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "interrupted" in out and "still running: False" in out, out
    assert proc.returncode == 0  # a normal exit: no C++ thread left to abort the interpreter


def test_options_without_a_cancel_flag_run_to_the_end_and_the_flag_is_not_pickled() -> None:
    import pickle

    opts = ms._core.SimulationOptions()
    assert opts.cancel is None
    opts.cancel = ms._core.CancelFlag()
    assert pickle.loads(pickle.dumps(opts)).cancel is None
    opts.cancel = None
    assert opts.cancel is None


# ---- the same limits on the C++ route ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda d: d["solver"].update(rtol=0.5), r"solver\.rtol: expected a tolerance in \[1e-12, 0\.1\], got 0\.5"),
        (lambda d: d["solver"].update(atol=1e3), r"solver\.atol: expected a tolerance in"),
        (lambda d: d["protocol"][1].update(rate_Hz=1e3), r"protocol\[1\]\.rate_Hz: expected at most 50 Hz"),
        (lambda d: d.update(name="../../escaped"), r"name: .*path separator"),
        (lambda d: d.update(name="x" * 300), r"name: expected at most 128 characters, got 300"),
    ],
)
def test_the_cpp_loader_itself_refuses_what_python_refused(change: Any, match: str) -> None:
    # _core.Scenario.from_json is the C++ loader alone (no Python-side check in between).
    d = with_()
    change(d)
    with pytest.raises(ms.InvalidArgument, match=match):
        ms._core.Scenario.from_json(json.dumps(d), "<c++ route>")
