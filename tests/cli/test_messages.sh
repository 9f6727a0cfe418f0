#!/bin/bash
# labels: cli
# Messages and bounds (issue 18, point 6): a row that makes an import fail
# is printed as an error, a row skipped under --skip-invalid as a warning;
# a count above the plausibility bound (10,000,000 in one area, or the
# max of its [variable.*]) is a bad row named with its line.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
fail() { echo "FAIL: $*" >&2; exit 1; }
ws="$T/ws.sqlite"
"$N" -q init "$ws"
sqlite3 "$ws" "SELECT load_extension('mod_spatialite');
INSERT INTO areas(area_id, name, municipality, region, geom) VALUES
 ('A1','A','101','1084',CastToMultiPolygon(BuildMbr(0,0,1,1,25832)));" >/dev/null
dump() { sqlite3 "$ws" "SELECT area_id, year, variable, value FROM stats ORDER BY 1, 2, 3"; }

# 1. a bad row without --skip-invalid: "error:", never "warning:"
printf 'area_id,year,variable,value\nA1,2020,pop,100\nA1,2021,pop,-5\n' > "$T/bad.csv"
rc=0; err=$("$N" import stats "$ws" "$T/bad.csv" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "bad row: exit $rc"
grep -qxF "nabolag: error: $T/bad.csv:3: column 'value': negative value: '-5'" <<<"$err" ||
    fail "the failing row is not an error line: $err"
grep -q "warning:" <<<"$err" && fail "a failing row printed as a warning: $err"
[ -z "$(dump)" ] || fail "a failed import stored values"
# ... with --skip-invalid the same row is a warning and the import goes on
rc=0; err=$("$N" import stats "$ws" "$T/bad.csv" --skip-invalid 2>&1) || rc=$?
[ "$rc" = 0 ] || fail "--skip-invalid: exit $rc: $err"
grep -qxF "nabolag: warning: $T/bad.csv:3: column 'value': negative value: '-5'" <<<"$err" ||
    fail "the skipped row is not a warning line: $err"
grep -q "error:" <<<"$err" && fail "a skipped row printed as an error: $err"
[ "$(dump)" = "A1|2020|pop|100.0" ] || [ "$(dump)" = "A1|2020|pop|100" ] || fail "stored: $(dump)"

# 2. the plausibility bound: 10,000,000 residents pass, one more does not,
# and neither does 99999999999999999999 (the issue's example)
printf 'area_id,year,variable,value\nA1,2022,pop,10000000\n' > "$T/ok.csv"
"$N" -q import stats "$ws" "$T/ok.csv" || fail "10,000,000 refused"
printf 'area_id,year,variable,value\nA1,2023,pop,10000001\nA1,2024,pop,99999999999999999999\n' > "$T/big.csv"
before=$(dump)
rc=0; err=$("$N" import stats "$ws" "$T/big.csv" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "implausible counts: exit $rc"
grep -qF "big.csv:2: column 'value': implausible count for one area (pop above 10000000" <<<"$err" ||
    fail "line 2 not named: $err"
grep -qF "big.csv:3: column 'value': implausible count for one area (pop above 10000000; set max under [variable.pop] if it is right): '99999999999999999999'" <<<"$err" ||
    fail "line 3 not named: $err"
[ "$(dump)" = "$before" ] || fail "implausible counts changed the workspace"
# ... wide layout too, the column named
printf 'area_id,year,pop_18p\nA1,2025,20000000\n' > "$T/wide.csv"
rc=0; err=$("$N" import stats "$ws" "$T/wide.csv" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "wide.csv:2: column 'pop_18p': implausible count" <<<"$err" ||
    fail "wide implausible count: exit $rc: $err"

# 3. a max under [variable.*] in the config bounds that variable, in both
# directions: a smaller bound refuses, a larger one admits
printf '[variable.survey_n]\nkind = count\nmax = 500\n' > "$T/max.ini"
printf 'area_id,year,variable,value\nA1,2020,survey_n,501\n' > "$T/survey.csv"
rc=0; err=$("$N" import stats "$ws" "$T/survey.csv" --config "$T/max.ini" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "survey.csv:2: column 'value': survey_n above the max of [variable.survey_n] (500): '501'" <<<"$err" ||
    fail "max = 500: exit $rc: $err"
printf '[variable.pop]\nmax = 20000000\n' > "$T/big.ini"
printf 'area_id,year,variable,value\nA1,2023,pop,15000000\n' > "$T/big2.csv"
"$N" -q import stats "$ws" "$T/big2.csv" --config "$T/big.ini" || fail "max = 20000000 did not admit 15000000"
printf '[variable.pop]\nmax = lots\n' > "$T/badmax.ini"
rc=0; err=$("$N" import stats "$ws" "$T/ok.csv" --config "$T/badmax.ini" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "[variable.pop] max: not a number >= 0: 'lots'" <<<"$err" ||
    fail "bad max: exit $rc: $err"

# 4. -0 is stored as 0, not as a negative zero
printf 'area_id,year,variable,value\nA1,2026,pop,-0\n' > "$T/negzero.csv"
"$N" -q import stats "$ws" "$T/negzero.csv" || fail "-0 refused"
v=$(sqlite3 "$ws" "SELECT printf('%g', value) FROM stats WHERE year = 2026")
[ "$v" = "0" ] || fail "-0 stored as '$v'"
echo ok
