#!/bin/bash
# labels: cli slow
# Crash consistency under SIGKILL, long variant: 25 seeded kills into each
# of `import stats` of 500,000 generated rows and `nabolag run` (see
# tests/cli/kill_test.py). NBL_KILL_SEED changes the seed (default 1818).
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/kill_test.py" "$NBL_BIN" \
    "$NBL_SOURCE_DIR" "$T" 25 500000 "${NBL_KILL_SEED:-1818}"
