#!/bin/bash
# labels: cli
# [status_dynamics] indicators (issue 11 point 1): a name that has no value
# in the workspace - a misspelt criterion, profile indicator or variable -
# is said with a warning naming it and what follows: with one indicator
# left the index is computed for no area; with two or more left (the mean
# of z-scores needs two) it is computed from them, and the warning says so
# rather than "no index" (a new user's districts without convictions and
# income data got "no status/dynamics index" beside status/dynamics
# alerts). A year evaluated again without an index for an area drops that
# area's row of the earlier evaluation (it stayed, and was exported as the
# area's index). Known names are computed without that warning. Workspace: the
# sample's reference results (sample-data/expected.json).
set -euo pipefail
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
T=$(mktemp -d /tmp/nbl-sd-ind.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
WS=$T/ws.sqlite
"$BIN" --quiet init "$WS" >/dev/null
/usr/bin/python3 "$SRC/tests/fixtures/alerts/seed_from_expected.py" \
    "$SRC/sample-data/expected.json" > "$T/seed.sql"
spatialite -silent "$WS" < "$T/seed.sql" >/dev/null
sd_rows() { sqlite3 "$WS" "SELECT count(*) FROM status_dynamics WHERE status_index IS NOT NULL"; }

printf '[status_dynamics]\nindicators = lab, edu\n' > "$T/good.ini"
"$BIN" alerts "$WS" --config "$T/good.ini" --year 2024 -f json -o "$T/a.json" 2> "$T/good.err"
grep -q "status_dynamics" "$T/good.err" && fail "known indicators warned: $(cat "$T/good.err")"
[ "$(sd_rows)" -gt 0 ] || fail "no status index from lab, edu"

printf '[status_dynamics]\nindicators = lab, nosuchvar\n' > "$T/bad.ini"
"$BIN" alerts "$WS" --config "$T/bad.ini" --year 2024 -f json -o "$T/b.json" 2> "$T/bad.err" ||
    fail "a misspelt indicator should warn, not fail"
grep -q "warning: \[status_dynamics\] indicators: 'nosuchvar' has no value" "$T/bad.err" ||
    fail "no warning naming nosuchvar: $(cat "$T/bad.err")"
[ "$(grep -c "status_dynamics" "$T/bad.err")" = 1 ] || fail "lab warned too: $(cat "$T/bad.err")"
grep -q "'nosuchvar' has no value in any area up to 2024 (a misspelt name, or no statistics for it): no status/dynamics index" "$T/bad.err" ||
    fail "one indicator left: not said that there is no index: $(cat "$T/bad.err")"
[ "$(sqlite3 "$WS" "SELECT count(*) FROM status_dynamics WHERE year = 2024 AND status_index IS NOT NULL")" = 0 ] ||
    fail "an index for 2024 from one indicator (mean_z needs two)"

printf '[status_dynamics]\nindicators = lab, edu, nosuchvar\n' > "$T/two.ini"
"$BIN" alerts "$WS" --config "$T/two.ini" --year 2024 -f json -o "$T/c.json" 2> "$T/two.err" ||
    fail "a misspelt third indicator should warn, not fail"
grep -q "'nosuchvar' has no value in any area up to 2024 (a misspelt name, or no statistics for it): left out of the status/dynamics index, which is computed from the other 2 indicators" "$T/two.err" ||
    fail "two indicators left: the warning does not say the index uses them: $(cat "$T/two.err")"
grep -q "no status/dynamics index" "$T/two.err" && fail "said 'no index' though it is computed: $(cat "$T/two.err")"
[ "$(sd_rows)" -gt 0 ] || fail "no status index from lab, edu beside a misspelt name"
echo "ok: a misspelt [status_dynamics] indicator is named; known ones are computed"
