#!/bin/bash
# labels: cli fault
# A failed JSON addition (NBL_FAULT_JSON=N, util/jsondoc.c) ends alerts,
# plans compare, area, info and export with "out of memory" and no output:
# registered only in the fault-injection build (cmake --preset fault). Every
# N up to NBL_FAULT_BOUND (default 20), then NBL_FAULT_SAMPLES (default 10)
# more and the last; see tests/cli/fault_json_test.py.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/fault_json_test.py" "$NBL_BIN" \
    "$NBL_SOURCE_DIR" "$T" "${NBL_FAULT_BOUND:-20}" "${NBL_FAULT_SAMPLES:-10}"
