#!/usr/bin/env bash
# Fuzz the scenario loaders and short runs with atheris for SECONDS (default 60), seeded with the
# example scenarios and the bad-input corpus. Exits non-zero on any finding (crash, unexpected
# exception, hang past -timeout, NaN in a successful run); the input is saved as crash-*/timeout-*
# in the current directory. See tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
PYTHON=${PYTHON:-python3}
corpus=$(mktemp -d "${TMPDIR:-/tmp}/massagesim_fuzz_corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp scenarios/*.json tests/data/scenarios/bad/*.json "$corpus"/
# -timeout: one input may take at most 30 s (a run is only simulated when estimated under 2 s);
# -rss_limit_mb: more than 3 GB for one input counts as an out-of-memory finding.
log="$corpus.log"
status=0
# -seed: fixed by default so the short CI run is reproducible (MASSAGESIM_FUZZ_SEED=0: a random seed).
"$PYTHON" tests/fuzz/fuzz_scenario.py "$corpus" -seed="${MASSAGESIM_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 \
  -max_len=65536 -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -v "^#[0-9]" "$log" | tail -n 40
grep "^#[0-9]" "$log" | tail -n 1
rm -f "$log"
exit $status
