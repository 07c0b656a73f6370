#!/usr/bin/env python3
"""Backfill asv results for commits whose compiled core is identical to an installed build,
without rebuilding it (a full build takes tens of minutes on a busy 2-core machine).

    python benchmarks/asv/backfill_same_core.py --python /work/venv-asv/bin/python --built-from 5771ec1 \
        COMMIT... [-- asv run options, e.g. --bench 'DefaultScenario|PeerProblem' -a repeat=1]

For each COMMIT: refuses unless every file compiled into `massagesim._core` (src/, include/,
python/bindings/, the CMake files, the benchmark headers the bindings include, pyproject.toml) is
identical to --built-from's; then puts that commit's pure-Python package files (python/massagesim/*.py)
over the installed ones, runs `asv run -E existing:<python> --set-commit-hash COMMIT`, and finally
restores the installed files. The results are then those of the commit's package as `pip install .`
would have built it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORE_PATHS = ["src", "include", "python/bindings", "python/CMakeLists.txt", "CMakeLists.txt", "cmake",
              "benchmarks/cpp/peer_runs.hpp", "benchmarks/cpp/peer_problems.hpp", "benchmarks/cpp/tissue_chain.hpp",
              "pyproject.toml"]


def git(*a: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *a], cwd=REPO, capture_output=True, **kw)


def main() -> int:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="interpreter of the environment holding the installed build")
    ap.add_argument("--built-from", required=True, help="commit the installed compiled core was built from")
    ap.add_argument("commits", nargs="+")
    args = ap.parse_args(argv)

    pkg = Path(subprocess.run([args.python, "-c", "import massagesim, os; print(os.path.dirname(massagesim.__file__))"],
                              capture_output=True, text=True, check=True).stdout.strip())
    saved = Path(tempfile.mkdtemp(prefix="massagesim-pkg-"))
    for f in pkg.glob("*.py"):
        shutil.copy2(f, saved / f.name)
    rc = 0
    try:
        for commit in args.commits:
            full = git("rev-parse", commit, text=True, check=True).stdout.strip()
            if git("diff", "--quiet", full, args.built_from, "--", *CORE_PATHS).returncode != 0:
                print(f"backfill: {commit}: the compiled core differs from {args.built_from}'s; build it instead (asv run)")
                rc = 1
                continue
            for f in pkg.glob("*.py"):
                f.unlink()
            listing = git("ls-tree", "--name-only", full, "python/massagesim/", text=True, check=True).stdout.split()
            for path in listing:
                if path.endswith(".py"):
                    (pkg / Path(path).name).write_bytes(git("show", f"{full}:{path}", check=True).stdout)
            cmd = [sys.executable, "-m", "asv", "run", "-E", f"existing:{args.python}", "--set-commit-hash", full, *extra]
            print(f"backfill: {commit}:", " ".join(cmd), flush=True)
            r = subprocess.run(cmd, cwd=HERE)
            rc = rc or r.returncode
    finally:
        for f in pkg.glob("*.py"):
            f.unlink()
        for f in saved.glob("*.py"):
            shutil.copy2(f, pkg / f.name)
        shutil.rmtree(saved)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
