#!/bin/sh
# Installs what nabolag needs (Debian 12, as root), builds it twice - a
# normal build and an AddressSanitizer + UndefinedBehaviorSanitizer build -
# and runs the whole test suite in both; then the allocation-failure build
# and the fuzz targets (both short; see docs/testing.md). Extra labels: NBL_TEST_LABELS
# (e.g. "slow") adds them; the "qgis" label runs when QGIS is installed
# (scripts/deps.sh --qgis), which this script does unless NBL_NO_QGIS=1.
# The sanitizer build skips the install and .deb tests (a program outside
# the build cannot load an ASan-built library).
set -eu
cd "$(dirname "$0")/.."
if [ "${NBL_NO_QGIS:-0}" = 1 ]; then scripts/deps.sh; else scripts/deps.sh --qgis; fi
jobs=$(nproc)
exclude="slow"
[ -n "${NBL_TEST_LABELS:-}" ] && exclude="none-excluded"

cmake --preset default >/dev/null
cmake --build --preset default -j"$jobs"
NBL_TEST_DEB=1 ctest --test-dir build --output-on-failure -j"$jobs" -LE "$exclude"

cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE "qgis|install|deb|$exclude"

# Allocation failures (tests/cli/test_fault.sh): their own build, ASan +
# UBSan with NBL_FAULT_INJECTION=ON; only the CLI is built.
cmake --preset fault >/dev/null
cmake --build --preset fault -j"$jobs"
ctest --test-dir build-fault --output-on-failure -L fault

# The libFuzzer targets (clang), each for a fixed number of executions on
# its seed corpus (NBL_FUZZ_SECONDS=N: N seconds each instead).
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"
ctest --test-dir build-fuzz --output-on-failure -j"$jobs" -L fuzz
