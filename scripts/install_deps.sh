#!/usr/bin/env bash
# Installs whatever this machine lacks to build and run massagesim, then (re)installs the
# Python package from this checkout. Safe to run again: it skips what is already there.
#   scripts/install_deps.sh            runtime + build dependencies, then `pip install .`
#   scripts/install_deps.sh --test     also the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
PYTHON=${PYTHON:-python3}

# --- Debian packages: compilers and C++ libraries -------------------------------------------
apt_pkgs=(g++ libeigen3-dev libboost-dev nlohmann-json3-dev)
[ $want_test = 1 ] && apt_pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev libsundials-dev libsuitesparse-dev)
[ $want_test = 1 ] && apt_pkgs+=(valgrind)  # instruction counts of benchmarks/asv/check.py quick
[ $want_test = 1 ] && apt_pkgs+=(clang-format)  # scripts/check_format.sh (clang-format 14 on Debian 12)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install_deps: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "install_deps: missing Debian packages: ${missing[*]}" >&2
    echo "install_deps: run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python packages from PyPI -----------------------------------------------------------------
pip_install() { "$PYTHON" -m pip install --disable-pip-version-check --root-user-action=ignore -q "$@"; }
need=()
"$PYTHON" -c "import scikit_build_core" 2>/dev/null || need+=("scikit-build-core>=0.10")
"$PYTHON" -c "import pybind11" 2>/dev/null || need+=("pybind11>=2.10")
command -v cmake >/dev/null || need+=("cmake>=3.24")
command -v ninja >/dev/null || need+=("ninja")
for mod_pkg in numpy:numpy pandas:pandas matplotlib:matplotlib tqdm:tqdm scipy:scipy yaml:PyYAML \
               xarray:xarray SALib:SALib "distributed:dask[distributed]"; do
  "$PYTHON" -c "import ${mod_pkg%%:*}" 2>/dev/null || need+=("${mod_pkg##*:}")
done
if [ $want_test = 1 ]; then
  for mod_pkg in pytest:pytest hypothesis:hypothesis jsonschema:jsonschema nbclient:nbclient nbformat:nbformat \
                 ipykernel:ipykernel libsbml:python-libsbml roadrunner:libroadrunner atheris:atheris \
                 pint:pint pint_pandas:pint-pandas pint_xarray:pint-xarray \
                 pybind11_stubgen:pybind11-stubgen==3.0.0; do  # pinned: the stub-drift test compares its output
    "$PYTHON" -c "import ${mod_pkg%%:*}" 2>/dev/null || need+=("${mod_pkg##*:}")
  done
  # pinned: scripts/check_format.sh compares the tree with its output
  [ "$(ruff --version 2>/dev/null)" = "ruff 0.17.6" ] || need+=("ruff==0.17.6")
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "install_deps: installing Python packages: ${need[*]}"
  pip_install "${need[@]}"
fi

# --- the package itself (incremental: scikit-build-core keeps build/<wheel tag>) ---------------
echo "install_deps: building and installing massagesim (pip install .)"
pip_install --no-build-isolation .
