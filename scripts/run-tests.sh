#!/usr/bin/env bash
# Runs the whole suite and refuses to pass when nothing ran (pytest exit 5 or 0 tests).
set -uo pipefail
PY=${1:-python3}
shift || true
log=$(mktemp)
"$PY" -m pytest "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 5 ]; then
  echo "run-tests: pytest collected no tests (exit 5) - failing" >&2
  exit 1
fi
if [ "$rc" -eq 0 ] && ! grep -qE '[0-9]+ passed' "$log"; then
  echo "run-tests: no test passed - failing" >&2
  exit 1
fi
exit "$rc"
