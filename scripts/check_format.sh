#!/usr/bin/env bash
# Checks formatting of the tracked sources with the project's configurations (.clang-format, the
# [tool.ruff] table of pyproject.toml): clang-format for C++, ruff for Python (lint and format).
# A tool that is not installed is skipped with a note; `--fix` rewrites the files instead of checking.
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
[ "${1:-}" = "--fix" ] && fix=1
status=0
mapfile -t cpp < <(git ls-files '*.hpp' '*.cpp' | grep -v '^benchmarks/results/')
mapfile -t py < <(git ls-files '*.py')
if command -v clang-format >/dev/null; then
  if [ $fix = 1 ]; then
    clang-format -i "${cpp[@]}"
  else
    clang-format --dry-run --Werror "${cpp[@]}" 2> /tmp/massagesim-clang-format.log || {
      echo "check_format: clang-format would change $(grep -c 'warning:' /tmp/massagesim-clang-format.log) places; run scripts/check_format.sh --fix" >&2
      head -20 /tmp/massagesim-clang-format.log >&2
      status=1
    }
  fi
else
  echo "check_format: clang-format not installed: C++ formatting not checked"
fi
if command -v ruff >/dev/null; then
  if [ $fix = 1 ]; then
    ruff format -q "${py[@]}"
    ruff check -q --fix "${py[@]}" || status=1
  else
    ruff format --check -q "${py[@]}" || { echo "check_format: ruff format would change files; run scripts/check_format.sh --fix" >&2; status=1; }
    ruff check -q "${py[@]}" || status=1
  fi
else
  echo "check_format: ruff not installed: Python formatting not checked"
fi
[ $status = 0 ] && echo "check_format: ok"
exit $status
