#!/bin/bash
# labels: cli
# `nabolag run` with the plans in a workbook sheet ([plans] sheet = NAME):
# the sample project with its plans.csv turned into an .xlsx by GDAL, with
# a second sheet so that the sheet must be named. The plans stored must be
# those of the CSV (the same run from plans.csv is the reference), and
# `plans compare --config` still accepts the project file.
set -euo pipefail
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
T=$(mktemp -d /tmp/nbl-plans-sheet.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 "$1" "SELECT p.plan_id||':'||p.start_year||'-'||p.end_year||':'||(SELECT group_concat(area_id,'|') FROM (SELECT area_id FROM plan_areas a WHERE a.plan_id=p.plan_id ORDER BY 1))||':'||(SELECT group_concat(indicator||'='||target) FROM (SELECT * FROM plan_targets t WHERE t.plan_id=p.plan_id ORDER BY indicator)) FROM plans p ORDER BY 1"; }
cp -r "$SRC/sample-data" "$T/csv"
(cd "$T/csv" && "$BIN" --quiet run sample.ini >/dev/null 2>&1) || true
want=$(q "$T/csv/out/sample.sqlite")
[ "$(wc -l <<<"$want")" -ge 3 ] || fail "reference run stored no plans: $want"
cp -r "$SRC/sample-data" "$T/wb"
cp "$SRC/sample-data/plans.csv" "$T/Planer.csv"
printf 'note,by\nfrom the board,x\n' > "$T/Noter.csv"
ogr2ogr -f XLSX "$T/wb/plans.xlsx" "$T/Planer.csv" 2>/dev/null
ogr2ogr -update "$T/wb/plans.xlsx" "$T/Noter.csv" 2>/dev/null
sed -i 's/^source = plans.csv$/source = plans.xlsx\nsheet = Planer/' "$T/wb/sample.ini"
grep -q "^sheet = Planer" "$T/wb/sample.ini" || fail "sample.ini not edited"
(cd "$T/wb" && "$BIN" --quiet run sample.ini >/dev/null 2>"$T/err") || true
got=$(q "$T/wb/out/sample.sqlite")
[ "$got" = "$want" ] || fail "plans from the sheet differ: '$got' vs '$want' ($(cat "$T/err"))"
"$BIN" plans compare "$T/wb/out/sample.sqlite" --config "$T/wb/sample.ini" -f json >/dev/null ||
    fail "plans compare rejects [plans] sheet"
# without the sheet: the run fails naming the sheets
sed -i '/^sheet = Planer$/d' "$T/wb/sample.ini"
rc=0; (cd "$T/wb" && "$BIN" --quiet run sample.ini >/dev/null 2>"$T/err") || rc=$?
[ "$rc" = 1 ] && grep -q "plans.xlsx: the workbook has 2 sheets ('Planer', 'Noter')" "$T/err" ||
    fail "run without sheet: exit $rc: $(cat "$T/err")"
echo "plans sheet run: the workbook's plans equal the CSV's"
