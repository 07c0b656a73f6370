"""Instruction counts of the fixed workloads under valgrind's callgrind.

`perf stat -e instructions` reads "<not supported>" on this machine (no hardware counters in the
VM), so instructions are counted by callgrind: the workload runs in a child Python under
``valgrind --tool=callgrind --collect-atstart=no --toggle-collect=<C++ entry function>``, which
counts only the instructions executed inside massagesim's C++ entry functions (and everything
they call: Eigen, libm, the allocator). The Python interpreter, imports and setup are not
counted, so the figure depends on our code, the compiler that built it and the C library, and
not on the machine's load. Repeated runs give the same count (see benchmarks/README.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import _private

SUITE_PARENT = Path(__file__).resolve().parent.parent  # benchmarks/asv: `suite` is importable from here

_CHILD = """
import sys
sys.path.insert(0, {parent!r})
from suite import workloads as w, _private as p
w.instruction_program(p.end_section)
"""


def available() -> bool:
    return shutil.which("valgrind") is not None


def valgrind_version() -> str:
    if not available():
        return "none"
    return subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip()


def _totals(out_file: Path) -> int:
    text = out_file.read_text(errors="replace")
    m = re.search(r"^(?:totals|summary):\s+(\d+)", text, re.M)
    if not m:
        raise RuntimeError(f"{out_file}: no 'totals:' or 'summary:' line in the callgrind output")
    return int(m.group(1))


def _dumps(out_file: Path) -> list[tuple[int, int]]:
    """(part, total instructions) of every dump callgrind wrote for `out_file` (X, X.1, X.2, ...)."""
    parts = []
    for f in out_file.parent.glob(out_file.name + "*"):
        text = f.read_text(errors="replace")
        part = re.search(r"^part:\s+(\d+)", text, re.M)
        total = re.search(r"^(?:totals|summary):\s+(\d+)", text, re.M)
        if not total:
            raise RuntimeError(f"{f}: no 'totals:' or 'summary:' line in the callgrind output")
        parts.append((int(part.group(1)) if part else 0, int(total.group(1))))
    return sorted(parts)


def instructions(inject: bool = False, python: str | None = None) -> dict[str, int]:
    """Instructions executed inside massagesim's C++ entry functions in each section of
    workloads.instruction_program (section name -> count).

    Raises RuntimeError when valgrind fails, when the dumps do not match the sections, or when a
    section counted nothing (the patterns in _private.CALLGRIND_ENTRY no longer match: update them).
    """
    from . import workloads

    if not available():
        raise RuntimeError("valgrind is not installed (Debian package valgrind; scripts/install_deps.sh --test)")
    env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("OPENBLAS_CORETYPE", None)
    if inject:
        env[workloads.INJECT_ENV] = "1"
    else:
        env.pop(workloads.INJECT_ENV, None)
    sections = workloads.instruction_sections()
    with tempfile.TemporaryDirectory(prefix="massagesim-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--collect-atstart=no",
            f"--dump-before={_private.CALLGRIND_SECTION_END}",
        ]
        cmd += [f"--toggle-collect={pattern}" for pattern in _private.CALLGRIND_ENTRY.values()]
        cmd += [python or sys.executable, "-c", _CHILD.format(parent=str(SUITE_PARENT))]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"callgrind run failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
        dumps = _dumps(out)
    # dump 1: before the first section (nothing collected); then one per section; last: exit.
    totals = [n for _, n in dumps]
    if len(totals) != len(sections) + 2 or totals[0] != 0:
        raise RuntimeError(f"callgrind: expected {len(sections) + 2} dumps, the first empty; got {totals}")
    counts = dict(zip(sections, totals[1:-1]))
    empty = [k for k, n in counts.items() if n == 0]
    if empty:
        raise RuntimeError(
            f"callgrind counted 0 instructions in {empty}: the entry patterns {list(_private.CALLGRIND_ENTRY.values())} "
            "match no function; update _private.CALLGRIND_ENTRY"
        )
    return counts
