#!/usr/bin/env python3
"""Backfill asv results of past commits into ONE existing environment, building only when needed.

    python benchmarks/asv/backfill_same_core.py --python /work/venv-asv/bin/python --built-from 5771ec1 \
        [--build-dir build/asv/hist] COMMIT... [-- asv run options, e.g. --bench 'DefaultScenario' -a repeat=1]

`asv run` in a virtualenv builds every commit (a full build takes tens of CPU-minutes on 2 shared
cores); many commits change only Python files or docs. For each COMMIT, in the order given:

- if every file compiled into `massagesim._core` (src/, include/, python/bindings/, the CMake files,
  the benchmark headers the bindings include, pyproject.toml) is identical to the installed build's
  (--built-from at first): put that commit's Python package files (python/massagesim/**.py) over the
  installed ones, no build;
- otherwise, with --build-dir: check the commit out in <build-dir>/project, build its wheel with
  `pip wheel --no-build-isolation` (one CMake build directory, <build-dir>/skbuild, reused across
  commits, so only what changed recompiles; set CMAKE_BUILD_PARALLEL_LEVEL=1 on a shared machine)
  and install it into the environment; without --build-dir: skip the commit and say so;

then run `asv run -E existing:<python> --set-commit-hash COMMIT`. All results land in one asv
environment (one series on the dashboard). At the end the Python files of the last installed build
are put back; the environment keeps the last build (the script prints which commit that is).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORE_PATHS = [
    "src",
    "include",
    "python/bindings",
    "python/CMakeLists.txt",
    "CMakeLists.txt",
    "cmake",
    "benchmarks/cpp/peer_runs.hpp",
    "benchmarks/cpp/peer_problems.hpp",
    "benchmarks/cpp/tissue_chain.hpp",
    "pyproject.toml",
]


def git(*a: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *a], cwd=REPO, capture_output=True, **kw)


def package_py_files(pkg: Path) -> list[Path]:
    return [p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts]


def save_package(pkg: Path, saved: Path) -> None:
    shutil.rmtree(saved, ignore_errors=True)
    for f in package_py_files(pkg):
        dst = saved / f.relative_to(pkg)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dst)


def put_package(pkg: Path, files: dict[Path, bytes]) -> None:
    for f in package_py_files(pkg):
        f.unlink()
    for rel, data in files.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_bytes(data)


def commit_package(full: str) -> dict[Path, bytes]:
    listing = git("ls-tree", "-r", "--name-only", full, "python/massagesim/", text=True, check=True).stdout.split()
    return {
        Path(p).relative_to("python/massagesim"): git("show", f"{full}:{p}", check=True).stdout
        for p in listing
        if p.endswith(".py")
    }


def build_and_install(python: str, build_dir: Path, full: str) -> bool:
    project = build_dir / "project"
    if not project.exists():
        subprocess.run(["git", "clone", "--shared", "--no-checkout", "-q", str(REPO), str(project)], check=True)
    subprocess.run(["git", "checkout", "-q", "-f", full], cwd=project, check=True)
    subprocess.run(["git", "clean", "-q", "-fdx"], cwd=project, check=True)
    wheels = build_dir / "wheels" / full
    shutil.rmtree(wheels, ignore_errors=True)
    r = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-C",
            f"build-dir={build_dir / 'skbuild'}",
            "-w",
            str(wheels),
            str(project),
        ]
    )
    whl = sorted(wheels.glob("massagesim-*.whl"))
    if r.returncode != 0 or not whl:
        return False
    r = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q", str(whl[0])])
    return r.returncode == 0


def main() -> int:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="interpreter of the environment holding the installed build")
    ap.add_argument("--built-from", required=True, help="commit the installed compiled core was built from")
    ap.add_argument("--build-dir", help="build commits whose core differs here (else they are skipped)")
    ap.add_argument("commits", nargs="+")
    args = ap.parse_args(argv)
    # killed (SIGTERM): still put the installed build's Python files back (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    pkg = Path(
        subprocess.run(
            [args.python, "-c", "import massagesim, os; print(os.path.dirname(massagesim.__file__))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    saved = Path(tempfile.mkdtemp(prefix="massagesim-pkg-")) / "pkg"
    save_package(pkg, saved)
    installed = git("rev-parse", args.built_from, text=True, check=True).stdout.strip()
    rc = 0
    try:
        for commit in args.commits:
            t0 = time.monotonic()
            full = git("rev-parse", commit, text=True, check=True).stdout.strip()
            if git("diff", "--quiet", full, installed, "--", *CORE_PATHS).returncode == 0:
                put_package(pkg, commit_package(full))
                how = f"core of {installed[:8]}, its own Python files"
            elif args.build_dir:
                put_package(pkg, {f.relative_to(saved): f.read_bytes() for f in package_py_files(saved)})
                print(f"backfill: {commit}: building (core differs from {installed[:8]})", flush=True)
                if not build_and_install(args.python, Path(args.build_dir).resolve(), full):
                    print(f"backfill: {commit}: the build failed; skipped")
                    rc = 1
                    continue
                installed = full
                save_package(pkg, saved)
                how = f"built in {(time.monotonic() - t0) / 60:.1f} min"
            else:
                print(f"backfill: {commit}: the compiled core differs from {installed[:8]}'s; give --build-dir")
                rc = 1
                continue
            cmd = [
                sys.executable,
                "-m",
                "asv",
                "run",
                "-E",
                f"existing:{args.python}",
                "--set-commit-hash",
                full,
                *extra,
            ]
            print(f"backfill: {commit} ({how}):", " ".join(cmd), flush=True)
            t1 = time.monotonic()
            r = subprocess.run(cmd, cwd=HERE)
            rc = rc or r.returncode
            print(
                f"backfill: {commit}: asv run {(time.monotonic() - t1) / 60:.1f} min, "
                f"commit total {(time.monotonic() - t0) / 60:.1f} min (wall-clock), exit {r.returncode}",
                flush=True,
            )
    finally:
        put_package(pkg, {f.relative_to(saved): f.read_bytes() for f in package_py_files(saved)})
        shutil.rmtree(saved.parent)
        print(f"backfill: {args.python} holds the build of {installed[:8]}")
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
