#!/usr/bin/env bash
# The main job: installs what is missing, then runs the default scenario (summary, CSV, PNG).
# Extra arguments go to `massagesim run` (e.g. --out-dir results).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
exec "${PYTHON:-python3}" -m massagesim run "$@"
