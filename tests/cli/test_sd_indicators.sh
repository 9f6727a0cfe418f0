#!/bin/bash
# labels: cli
# [status_dynamics] indicators (issue 11 point 1): a name that has no value
# in the workspace - a misspelt criterion, profile indicator or variable -
# is said with a warning naming it (the index is then computed for no
# area), and known names are computed without that warning. Workspace:
# the sample's reference results (sample-data/expected.json).
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
echo "ok: a misspelt [status_dynamics] indicator is named; known ones are computed"
