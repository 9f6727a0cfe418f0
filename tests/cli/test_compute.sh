#!/bin/bash
# labels: cli
# `nabolag compute` command line: help, usage errors (exit 2), data errors
# (exit 1) that leave the workspace byte for byte as it was.
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$NBL_BIN" compute --help | grep -q -- "--ruleset" || fail "--help"
"$NBL_BIN" --quiet init "$T/w.sqlite" || fail "init"
sum() { cksum < "$T/w.sqlite"; }
before=$(sum)
"$NBL_BIN" compute "$T/w.sqlite" --year abc 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "--year abc: exit $rc, want 2"
"$NBL_BIN" compute 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "no workspace: exit $rc, want 2"
"$NBL_BIN" compute "$T/w.sqlite" --ruleset dk1999 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "unknown ruleset: exit $rc, want 1"
grep -q "ruleset 'dk1999'" "$T/err" || fail "unknown ruleset message: $(cat "$T/err")"
printf '[criterion.lab]\nthreshold = 4,5\n' > "$T/bad.ini"
"$NBL_BIN" compute "$T/w.sqlite" --config "$T/bad.ini" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "bad config: exit $rc, want 1"
grep -q "bad.ini:2: \[criterion.lab\] threshold: not a number: '4,5'" "$T/err" \
    || fail "bad config message: $(cat "$T/err")"
"$NBL_BIN" compute "$T/w.sqlite" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "empty workspace: exit $rc, want 1"
grep -q "no statistics" "$T/err" || fail "empty workspace message: $(cat "$T/err")"
[ "$(sum)" = "$before" ] || fail "workspace changed by failing commands"

# A year that has none of the ruleset's variables (only a survey) is not a
# year of results: it must not appear with every area not evaluable.
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
rm -rf "$T/s/out"
"$NBL_BIN" -q run "$T/s/sample.ini" >/dev/null 2>&1 || fail "sample run"
printf 'area_id,year,variable,value\nSK-01,2025,survey_n,100\nSK-01,2025,survey_safe,80\n' > "$T/s25.csv"
"$NBL_BIN" -q import stats "$T/s/out/sample.sqlite" "$T/s25.csv" || fail "survey import"
"$NBL_BIN" -q compute "$T/s/out/sample.sqlite" || fail "compute"
last=$(sqlite3 "$T/s/out/sample.sqlite" "SELECT MAX(year) FROM category_results")
[ "$last" = 2024 ] || fail "a survey-only year got results: latest $last"
echo ok
