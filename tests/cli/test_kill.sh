#!/bin/bash
# labels: cli
# Crash consistency under SIGKILL, short variant (5 kills into each of
# `import stats` of 20,000 generated rows and `nabolag run` of the sample);
# the long one (25 kills, 500,000 rows) is test_kill_long.sh (label slow).
# See tests/cli/kill_test.py for what is checked after each kill.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
exec /usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/kill_test.py" "$NBL_BIN" \
    "$NBL_SOURCE_DIR" "$T" 5 20000 18
