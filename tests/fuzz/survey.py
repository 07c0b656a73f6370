"""Survey of bad and borderline input (issue 17): every case in its own process, classified.

Each case is a scenario file for ``massagesim run``, a dict for ``Scenario.from_dict`` +
``simulate``, or a command-line option, and is either *bad* (must be refused with a clear error)
or *legal* (must run). Every case runs in a subprocess with a time limit and an address-space
limit, and its outcome is one of:

  clear        bad input refused with a message naming the field/what (or legal input that ran)
  unclear      refused, but the message does not say what was wrong; or legal input refused
  traceback    a Python traceback from inside the package
  crash        killed by a signal (segfault, abort)
  hang         still running after the time limit, without a progress estimate on stderr
  oom          MemoryError / std::bad_alloc under the address-space limit
  nonsense     bad input accepted: ran, wrote outside --out-dir, or produced NaN

Usage (the numbers in the issue's table come from these two runs):

  python tests/fuzz/survey.py --python /path/to/python [--pythonpath DIR] [--timeout 30] [--jobs 2] [--json out.json]

``--pythonpath`` selects another copy of the package (e.g. the one before the fix).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEM_LIMIT_BYTES = 4 << 30

#: A 2-minute, one-segment scenario: the base of the mutations (a fraction of a second per run).
BASE = {
    "format_version": 1,
    "name": "survey",
    "subject": {"preset": "default_calf", "initial_posture": "supine"},
    "limb": {"segment_names": ["calf"], "segment_lengths_cm": [40.0]},
    "parameters": [],
    "protocol": [
        {"kind": "rest", "duration_s": 30.0},
        {"kind": "exercise", "duration_s": 30.0, "intensity_fraction_VO2max": 0.8},
        {
            "kind": "massage",
            "duration_s": 30.0,
            "technique": "petrissage",
            "depth_mmHg": 40.0,
            "baseline_mmHg": 10.0,
            "rate_Hz": 0.5,
        },
        {"kind": "passive_recovery", "duration_s": 30.0},
    ],
    "arms": [
        {"name": "massage"},
        {"name": "passive", "replace_kinds": ["massage"], "replace_with": "passive_recovery"},
    ],
    "outputs": {"names": ["applied_pressure_mmHg", "venous_outflow_mL_per_min"], "save_every_s": 5.0},
    "solver": {"stepper": "rodas4", "rtol": 1e-6, "atol": 1e-9, "dt_max_s": 10.0},
}


@dataclass
class Case:
    kind: str  # files | dicts | cli | limits
    name: str
    bad: bool  # True: must be refused; False: must run
    keywords: list[str]  # a clear refusal mentions one of these (case-insensitive)
    files: dict[str, bytes] = field(default_factory=dict)  # relative name -> content ("@fifo" / "@dir" special)
    argv: list[str] = field(default_factory=list)  # for `massagesim run`, {d} = the case directory
    code: str = ""  # Python code run instead of the CLI


def _dump(d: object) -> bytes:
    return json.dumps(d, indent=1).encode()


def _yaml(d: object) -> bytes:
    import yaml

    return yaml.safe_dump(d, sort_keys=False).encode()


def file_case(
    kind: str,
    name: str,
    content: bytes,
    *,
    bad: bool,
    keywords: list[str],
    suffix: str = ".json",
    extra: list[str] | None = None,
) -> Case:
    fn = "scenario" + suffix
    return Case(
        kind,
        name,
        bad,
        keywords,
        {fn: content},
        ["run", "{d}/" + fn, "--out-dir", "{d}/out", "--no-plot", *(extra or [])],
    )


def with_(path: str, value: object, base: dict | None = None) -> dict:
    d = copy.deepcopy(base or BASE)
    keys = path.replace("]", "").replace("[", ".").split(".")
    cur: object = d
    for k in keys[:-1]:
        cur = cur[int(k)] if isinstance(cur, list) else cur[k]  # type: ignore[index]
    last = keys[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    elif value is _DELETE:
        del cur[last]  # type: ignore[arg-type]
    else:
        cur[last] = value  # type: ignore[index]
    return d


_DELETE = object()


#: The documented errors of the Python API (InvalidArgument, UnknownName; TypeError for a wrong
#: type of argument) are its "clear error" exit; anything else ends in a traceback.
_CAUGHT = (
    "except (ms.InvalidArgument, ms.UnknownName, TypeError) as exc:\n"
    "    print('error:', type(exc).__name__, exc, file=sys.stderr)\n    sys.exit(2)\n"
)


def cases() -> list[Case]:
    out: list[Case] = []
    F = "files"
    # --- structure: nesting, size, type, encoding --------------------------------------------------
    for n in (100, 1000, 100_000):
        out.append(
            file_case(
                F, f"json nested {n} deep", b"[" * n + b"]" * n, bad=True, keywords=["nested", "expected an object"]
            )
        )
        out.append(
            file_case(
                F,
                f"json object nested {n} deep",
                b'{"a":' * n + b"1" + b"}" * n,
                bad=True,
                keywords=["nested", "missing required"],
            )
        )
    for n, m in ((100, 100), (10_000, 2_000)):  # block style takes m^2/2 bytes of indentation
        out.append(
            file_case(
                F,
                f"yaml flow nested {n} deep",
                b"[" * n + b"]" * n,
                bad=True,
                keywords=["nested", "mapping at the top level"],
                suffix=".yaml",
            )
        )
        block = "".join(" " * i + "a:\n" for i in range(m)) + " " * m + "b: 1\n"
        out.append(
            file_case(
                F,
                f"yaml block nested {m} deep",
                block.encode(),
                bad=True,
                keywords=["nested", "missing required"],
                suffix=".yaml",
            )
        )
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    out.append(
        file_case(F, "yaml billion laughs", laughs.encode(), bad=True, keywords=["alias", "expands"], suffix=".yaml")
    )
    out.append(
        Case(
            F,
            "/dev/zero as the scenario",
            True,
            ["regular file", "character device"],
            argv=["run", "/dev/zero", "--out-dir", "{d}/out", "--no-plot"],
        )
    )
    out.append(
        Case(
            F,
            "/dev/zero as a .yaml",
            True,
            ["regular file", "character device"],
            {"zero.yaml": b"@zero"},
            argv=["run", "{d}/zero.yaml", "--out-dir", "{d}/out", "--no-plot"],
        )
    )
    out.append(
        Case(
            F,
            "FIFO as the scenario",
            True,
            ["fifo", "regular file"],
            {"pipe.json": b"@fifo"},
            argv=["run", "{d}/pipe.json", "--out-dir", "{d}/out", "--no-plot"],
        )
    )
    out.append(
        Case(
            F,
            "FIFO as a .yaml",
            True,
            ["fifo", "regular file"],
            {"pipe.yaml": b"@fifo"},
            argv=["run", "{d}/pipe.yaml", "--out-dir", "{d}/out", "--no-plot"],
        )
    )
    out.append(
        Case(
            F,
            "directory as the scenario",
            True,
            ["directory", "regular file"],
            {"dir.json": b"@dir"},
            argv=["run", "{d}/dir.json", "--out-dir", "{d}/out", "--no-plot"],
        )
    )
    out.append(file_case(F, "20 MB of spaces", b" " * (20 << 20) + _dump(BASE), bad=True, keywords=["bytes"]))
    out.append(file_case(F, "empty file", b"", bad=True, keywords=["malformed", "empty", "mapping"]))
    out.append(file_case(F, "empty yaml", b"", bad=True, keywords=["mapping", "empty"], suffix=".yaml"))
    out.append(
        file_case(
            F,
            "binary garbage",
            bytes(random.Random(1).randrange(256) for _ in range(4096)),
            bad=True,
            keywords=["utf-8", "utf-16", "malformed"],
        )
    )
    text = json.dumps(BASE, indent=1)
    ytext = _yaml(BASE).decode()
    for enc, bom in (("utf-16", True), ("utf-16-le", False), ("utf-32", True)):
        out.append(file_case(F, f"json in {enc}", text.encode(enc), bad=True, keywords=["utf-16", "utf-32"]))
        out.append(
            file_case(F, f"yaml in {enc}", ytext.encode(enc), bad=True, keywords=["utf-16", "utf-32"], suffix=".yaml")
        )
    latin = dict(BASE, description="Massage à la française, 5 min de repos")
    out.append(
        file_case(
            F, "json in latin-1", json.dumps(latin, ensure_ascii=False).encode("latin-1"), bad=True, keywords=["utf-8"]
        )
    )
    import yaml as _y

    out.append(
        file_case(
            F,
            "yaml in latin-1 (unicode kept)",
            _y.safe_dump(latin, allow_unicode=True, sort_keys=False).encode("latin-1"),
            bad=True,
            keywords=["utf-8"],
            suffix=".yaml",
        )
    )
    out.append(file_case(F, "json with a UTF-8 BOM", b"\xef\xbb\xbf" + text.encode(), bad=False, keywords=[]))
    out.append(
        file_case(F, "yaml with a UTF-8 BOM", b"\xef\xbb\xbf" + ytext.encode(), bad=False, keywords=[], suffix=".yaml")
    )
    out.append(file_case(F, "valid JSON saved as .yaml", text.encode(), bad=False, keywords=[], suffix=".yaml"))
    out.append(
        file_case(
            F,
            "default scenario JSON saved as .yml",
            (ROOT / "scenarios/default.json").read_bytes(),
            bad=False,
            keywords=[],
            suffix=".yml",
            extra=["--save-every-s", "60"],
        )
    )
    # --- truncation -----------------------------------------------------------------------------
    raw = text.encode()
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        out.append(
            file_case(
                F,
                f"json cut at {frac:.0%}",
                raw[: int(len(raw) * frac)],
                bad=True,
                keywords=["malformed", "unexpected end"],
            )
        )
    ylines = ytext.splitlines(keepends=True)
    for k in range(1, len(ylines)):
        cut = "".join(ylines[:k])
        # A cut that leaves a complete document equal in meaning to a valid scenario is undetectable:
        # only count the cuts that lose a value (a key left empty) or a required section.
        try:
            loaded = _y.safe_load(cut)
        except Exception:
            loaded = None
        if (
            isinstance(loaded, dict)
            and all(loaded.get(k2) is not None for k2 in ("limb", "protocol"))
            and not cut.rstrip().endswith(":")
        ):
            continue
        out.append(
            file_case(
                F,
                f"yaml cut after line {k}",
                cut.encode(),
                bad=True,
                keywords=["truncated", "missing", "empty value", "malformed", "expected"],
                suffix=".yaml",
            )
        )
    # --- the repository's bad-input corpus, as JSON and as YAML -------------------------------------
    for p in sorted((ROOT / "tests/data/scenarios/bad").glob("*.json")):
        exp = (p.with_suffix(".expect")).read_text().splitlines()
        kws = [ln.split(":", 1)[1].strip() for ln in exp if ln.startswith("contains:")][:1] or ["expected"]
        out.append(file_case(F, f"corpus {p.stem}", p.read_bytes(), bad=True, keywords=kws))
        try:
            d = json.loads(p.read_text())
            # The YAML route reports the same fields in its own words: match up to the first "(".
            out.append(
                file_case(
                    F,
                    f"corpus {p.stem} as yaml",
                    _yaml(d),
                    bad=True,
                    keywords=[*kws, *(k.split(" (")[0] for k in kws), "top level"],
                    suffix=".yaml",
                )
            )
        except ValueError:
            pass
    # --- names ----------------------------------------------------------------------------------
    N = "names"
    for nm, kw in (
        ("../../escaped", ["name"]),
        ("/tmp/massagesim_survey_abs", ["name"]),
        ("a/b", ["name"]),
        ("a\x00b", ["name"]),
        ("x" * 300, ["name"]),
        ("..", ["name"]),
        ("a\\b", ["name"]),
        ("tab\there", ["name"]),
    ):
        out.append(file_case(N, f"name {nm[:20]!r}", _dump(with_("name", nm)), bad=True, keywords=kw))
    out.append(
        file_case(
            N, "name with spaces and unicode", _dump(with_("name", "Massage à 60 mmHg (v1.2)")), bad=False, keywords=[]
        )
    )
    # --- limits: durations, save counts, rates, tolerances, sizes -----------------------------------
    L = "limits"
    long_rest = with_("protocol", [{"kind": "rest", "duration_s": 1e7}])
    out.append(file_case(L, "duration 1e7 s", _dump(long_rest), bad=True, keywords=["limit", "MASSAGESIM_"]))
    out.append(
        file_case(
            L,
            "duration 1e9 s",
            _dump(with_("protocol", [{"kind": "rest", "duration_s": 1e9}])),
            bad=True,
            keywords=["limit", "MASSAGESIM_"],
        )
    )
    out.append(
        file_case(
            L,
            "save_every_s 1e-6",
            _dump(with_("outputs.save_every_s", 1e-6)),
            bad=True,
            keywords=["save", "MASSAGESIM_"],
        )
    )
    out.append(file_case(L, "save_every_s 1e-3", _dump(with_("outputs.save_every_s", 1e-3)), bad=False, keywords=[]))
    out.append(
        file_case(L, "petrissage at 1e3 Hz", _dump(with_("protocol[2].rate_Hz", 1e3)), bad=True, keywords=["rate_Hz"])
    )
    out.append(
        file_case(L, "petrissage at 1e6 Hz", _dump(with_("protocol[2].rate_Hz", 1e6)), bad=True, keywords=["rate_Hz"])
    )
    out.append(file_case(L, "petrissage at 20 Hz", _dump(with_("protocol[2].rate_Hz", 20.0)), bad=False, keywords=[]))
    for key, v in (("rtol", 1e-16), ("rtol", 0.5), ("rtol", 1e-20), ("atol", 1e3), ("atol", 1.0), ("atol", 1e-30)):
        out.append(file_case(L, f"{key} {v:g}", _dump(with_(f"solver.{key}", v)), bad=True, keywords=[key]))
    for key, v in (("rtol", 1e-10), ("rtol", 1e-3), ("atol", 1e-12)):
        out.append(file_case(L, f"{key} {v:g} (legal)", _dump(with_(f"solver.{key}", v)), bad=False, keywords=[]))
    out.append(file_case(L, "dt_max_s 1e-3", _dump(with_("solver.dt_max_s", 1e-3)), bad=False, keywords=[]))
    out.append(
        file_case(
            L, "dt_max_s 1e-9", _dump(with_("solver.dt_max_s", 1e-9)), bad=True, keywords=["limit", "MASSAGESIM_"]
        )
    )
    many = with_("protocol", [{"kind": "rest", "duration_s": 1.0}] * 100_000)
    many["arms"] = []
    out.append(file_case(L, "1e5 phases", _dump(many), bad=False, keywords=[]))
    seg = with_("limb", {"segment_names": [f"s{i}" for i in range(64)], "segment_lengths_cm": [1.0] * 64})
    out.append(file_case(L, "64-segment limb", _dump(seg), bad=False, keywords=[]))
    # --- random mutations of every field of the base scenario --------------------------------------
    M = "mutations"
    rng = random.Random(17)
    paths: list[str] = []

    def walk(v: object, p: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{p}.{k}" if p else k)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{p}[{i}]")
        if p:
            paths.append(p)

    walk(BASE, "")
    weird = [None, True, -1, 0, -1e308, 1e308, "NaN", "", "x" * 10_000, [], {}, [1, 2], {"a": 1}, 1e-300, 2**70]
    for p in paths:
        for v in rng.sample(weird, 3):
            leaf = p.replace("]", "").replace("[", ".").split(".")[-1]
            old = eval(
                "BASE"
                + "".join(
                    f"[{k}]" if k.isdigit() else f"[{k!r}]"  # noqa: S307 - our own paths
                    for k in p.replace("]", "").replace("[", ".").split(".")
                )
            )
            if isinstance(old, str) and isinstance(v, str) and v and leaf != "name":
                continue  # another string for a free-text field or an arm/segment name is legal
            kw = [leaf, "expected", "unknown", "must", "missing"]
            d = with_(p, v)
            if d == BASE:
                continue
            out.append(file_case(M, f"{p} = {json.dumps(v)[:20]}", _dump(d), bad=True, keywords=kw))
    # --- dicts (the Python route) -------------------------------------------------------------------
    D = "dicts"
    run = (
        "import massagesim as ms, sys\n{setup}\ntry:\n    r = ms.simulate(ms.Scenario.from_dict(d), save_every_s=5.0)\n"
        + _CAUGHT
        + "import numpy as np\nsys.exit(3 if any(not np.all(np.isfinite(a.values)) for a in r) else 0)\n"
    )
    dict_cases = [
        (
            "dict nested 1e3 deep",
            "d = dict(BASE)\nx = {}\nfor _ in range(1000): x = {'a': x}\nd['description'] = x",
            True,
            ["nested", "description"],
        ),
        (
            "dict nested 1e5 deep",
            "d = dict(BASE)\nx = []\nfor _ in range(100000): x = [x]\nd['arms'] = x",
            True,
            ["nested"],
        ),
        (
            "dict with a cycle",
            "d = dict(BASE)\nd['limb'] = dict(d['limb'])\nd['limb']['self'] = d['limb']",
            True,
            ["cycle", "limb"],
        ),
        ("dict with an int key", "d = dict(BASE)\nd[1] = 2", True, ["key"]),
        ("dict with a tuple key", "d = dict(BASE)\nd[(1, 2)] = 2", True, ["key"]),
        ("dict with a set value", "d = dict(BASE)\nd['arms'] = {1, 2}", True, ["arms"]),
        ("dict with bytes name", "d = dict(BASE)\nd['name'] = b'x'", True, ["name"]),
        ("dict with an object value", "d = dict(BASE)\nd['solver'] = dict(d['solver'], rtol=object())", True, ["rtol"]),
        (
            "dict with NaN rtol",
            "d = dict(BASE)\nd['solver'] = dict(d['solver'], rtol=float('nan'))",
            True,
            ["rtol", "nan"],
        ),
        (
            "dict with inf duration",
            "import copy\nd = copy.deepcopy(BASE)\nd['protocol'][0]['duration_s'] = float('inf')",
            True,
            ["duration_s", "finite", "infinite"],
        ),
        (
            "dict with numpy numbers",
            "import numpy as np, copy\nd = copy.deepcopy(BASE)\n"
            "d['protocol'][0]['duration_s'] = np.float32(30)\nd['limb']['segment_lengths_cm'] = [np.int64(40)]",
            False,
            [],
        ),
        (
            "dict with a tuple list",
            "import copy\nd = copy.deepcopy(BASE)\nd['limb']['segment_names'] = ('calf',)",
            False,
            [],
        ),
        ("dict with a 1e7-char name", "d = dict(BASE)\nd['name'] = 'x' * 10**7", True, ["name", "bytes"]),
        ("dict is a list", "d = [BASE]", True, ["mapping"]),
        ("dict with name '../x'", "d = dict(BASE)\nd['name'] = '../x'", True, ["name"]),
    ]
    for nm, setup, bad, kw in dict_cases:
        out.append(Case(D, nm, bad, kw, code=f"BASE = {BASE!r}\n" + run.format(setup=setup)))
    for nm, kwargs, bad, kw in (
        ("simulate rtol='abc'", "rtol='abc'", True, ["rtol"]),
        ("simulate rtol=0.5", "rtol=0.5", True, ["rtol"]),
        ("simulate atol=1e3", "atol=1e3", True, ["atol"]),
        ("simulate save_every_s=1e-7", "save_every_s=1e-7", True, ["save", "MASSAGESIM_"]),
        ("simulate dt_max_s=1e-12", "dt_max_s=1e-12", True, ["MASSAGESIM_", "limit"]),
        ("simulate save_every_s=True", "save_every_s=True", True, ["save_every_s"]),
        ("simulate stepper=3", "stepper=3", True, ["stepper"]),
        ("simulate outputs=[1]", "outputs=[1]", True, ["output"]),
        ("simulate parameters={'x': 'y'}", "parameters={'x': 'y'}", True, ["x", "parameter"]),
    ):
        out.append(
            Case(
                D,
                nm,
                bad,
                kw,
                code=f"BASE = {BASE!r}\nimport massagesim as ms, sys\n"
                f"try:\n    ms.simulate(ms.Scenario.from_dict(BASE), {kwargs})\n" + _CAUGHT,
            )
        )
    # --- command-line options ---------------------------------------------------------------------
    C = "cli"
    good = _dump(BASE)
    for nm, extra, bad, kw in (
        ("--rtol 0.5", ["--rtol", "0.5"], True, ["rtol"]),
        ("--rtol 1e-16", ["--rtol", "1e-16"], True, ["rtol"]),
        ("--rtol nan", ["--rtol", "nan"], True, ["rtol"]),
        ("--rtol -1", ["--rtol", "-1"], True, ["rtol"]),
        ("--rtol abc", ["--rtol", "abc"], True, ["rtol"]),
        ("--save-every-s 0", ["--save-every-s", "0"], True, ["save_every_s"]),
        ("--save-every-s 1e-7", ["--save-every-s", "1e-7"], True, ["save", "MASSAGESIM_"]),
        ("--save-every-s inf", ["--save-every-s", "inf"], True, ["save_every_s"]),
        ("--stepper euler", ["--stepper", "euler"], True, ["stepper"]),
        ("--format xml", ["--format", "xml"], True, ["format"]),
        ("--out-dir is a file", ["--out-dir", "{d}/scenario.json"], True, ["out-dir", "exists", "directory"]),
        ("--out-dir /dev/null", ["--out-dir", "/dev/null"], True, ["out-dir", "exists", "directory"]),
    ):
        c = file_case(C, nm, good, bad=bad, keywords=kw)
        c.argv = [a for a in c.argv if a != "--no-plot"]
        i = c.argv.index("--out-dir")
        if "--out-dir" in extra:
            del c.argv[i : i + 2]
        c.argv += ["--no-plot", *extra]
        out.append(c)
    return out


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT_BYTES, MEM_LIMIT_BYTES))
    os.setsid()


def run_case(c: Case, python: str, pythonpath: str | None, timeout: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="survey_") as tmp:
        d = Path(tmp) / "case"
        d.mkdir()
        for fn, content in c.files.items():
            if content == b"@fifo":
                os.mkfifo(d / fn)
            elif content == b"@dir":
                (d / fn).mkdir()
            elif content == b"@zero":
                os.symlink("/dev/zero", d / fn)
            else:
                (d / fn).write_bytes(content)
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONFAULTHANDLER="")
        env.pop("PYTHONFAULTHANDLER")
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        cmd = (
            [python, "-c", c.code]
            if c.code
            else [python, "-m", "massagesim", *[a.replace("{d}", str(d)) for a in c.argv]]
        )
        t0 = time.monotonic()
        p = subprocess.Popen(
            cmd, cwd=str(d), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_limit
        )
        try:
            out, err = p.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            timed_out = True
        wall = time.monotonic() - t0
        escaped = [str(q) for q in Path(tmp).rglob("*") if q.is_file() and "case" not in q.relative_to(tmp).parts[:1]]
        abs_leak = Path("/tmp/massagesim_survey_abs_traces.csv")
        if abs_leak.exists():
            escaped.append(str(abs_leak))
            for q in Path("/tmp").glob("massagesim_survey_abs*"):
                q.unlink()
    text = err.decode(errors="replace")
    rc = p.returncode
    if timed_out:
        outcome = "long-visible" if ("est." in text or "estimated" in text) else "hang"
    elif rc is not None and rc < 0:
        outcome = "crash"
    elif "MemoryError" in text or "bad_alloc" in text or "Cannot allocate memory" in text:
        outcome = "oom"
    elif "Traceback (most recent call last)" in text:
        outcome = "traceback"
    elif escaped:
        outcome = "nonsense"
    elif rc == 0 or rc == 1 and "solver failure" not in text and "error" not in text.lower():
        outcome = "nonsense" if c.bad else "clear"
    elif rc == 3 and c.code:  # NaN in outputs
        outcome = "nonsense"
    else:  # refused
        if not c.bad:
            outcome = "unclear"
        else:
            low = text.lower()
            outcome = "clear" if any(k.lower() in low for k in c.keywords) else "unclear"
    last = [ln for ln in text.strip().splitlines() if ln.strip()][-1:] or [""]
    return {
        "kind": c.kind,
        "name": c.name,
        "bad": c.bad,
        "outcome": outcome,
        "rc": rc,
        "wall_s": round(wall, 2),
        "message": last[0][:300],
        "escaped": escaped,
    }


COLUMNS = ["clear", "unclear", "traceback", "crash", "hang", "oom", "nonsense"]


def table(rows: list[dict[str, object]]) -> str:
    kinds = sorted({str(r["kind"]) for r in rows})
    lines = [
        "| kind | tried | " + " | ".join(COLUMNS) + " | long (visible) |",
        "|---|---:|" + "---:|" * (len(COLUMNS) + 1),
    ]
    for k in [*kinds, "total"]:
        rs = [r for r in rows if k == "total" or r["kind"] == k]
        counts = [sum(1 for r in rs if r["outcome"] == c) for c in COLUMNS]
        lv = sum(1 for r in rs if r["outcome"] == "long-visible")
        lines.append(f"| {k} | {len(rs)} | " + " | ".join(map(str, counts)) + f" | {lv} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--pythonpath")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="write every case's outcome here")
    ap.add_argument("--only", help="only cases whose name contains this")
    ap.add_argument(
        "--kind", action="append", help="only cases of this kind (files, dicts, cli, names, limits, mutations)"
    )
    args = ap.parse_args()
    cs = [c for c in cases() if (not args.only or args.only in c.name) and (not args.kind or c.kind in args.kind)]
    print(f"{len(cs)} cases", file=sys.stderr)
    with ThreadPoolExecutor(args.jobs) as ex:
        rows = list(ex.map(lambda c: run_case(c, args.python, args.pythonpath, args.timeout), cs))
    for r in rows:
        if r["outcome"] not in ("clear",):
            print(f"{r['outcome']:>12}  [{r['kind']}] {r['name']}: {r['message']}", file=sys.stderr)
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
