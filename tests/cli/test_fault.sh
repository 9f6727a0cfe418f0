#!/bin/bash
# labels: cli fault
# Failing allocations: registered only in the fault-injection build
# (cmake --preset fault), run by scripts/test.sh. Every N up to
# NBL_FAULT_BOUND (default 20), then NBL_FAULT_SAMPLES (default 10) more
# spread over the rest; see tests/cli/fault_test.py.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/fault_test.py" "$NBL_BIN" \
    "$NBL_SOURCE_DIR" "$T" "${NBL_FAULT_BOUND:-20}" "${NBL_FAULT_SAMPLES:-10}"
