#!/bin/bash
# labels: cli
# Plans: CSV and polygon import (areas exactly half inside are covered),
# error cases leave the workspace unchanged, and the comparison's numbers
# match a hand computation.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
ws="$T/ws.sqlite"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$N" -q init "$ws"
# Four 100 m squares side by side (A1..A3 in municipality M1, A4 in M2), and
# an area '0101' to check the leading-zero hint.
sq() { local x=$((570000 + $1)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
spatialite -silent "$ws" >/dev/null <<SQL
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Et','M1','R',$(sq 0)), ('A2','To','M1','R',$(sq 100)),
 ('A3','Tre','M1','R',$(sq 200)), ('A4','Fire','M2','R',$(sq 300)),
 ('0101','Nul','M1','R',$(sq 1000));
INSERT INTO stats(area_id,year,variable,value) VALUES
 ('A1',2020,'pop',1000),('A1',2022,'pop',1000),
 ('A2',2020,'pop',3000),('A2',2022,'pop',2000),
 ('A3',2020,'pop',2000),('A3',2022,'pop',2000),
 ('A4',2020,'pop',1000),('A4',2022,'pop',1000);
INSERT INTO criterion_results(area_id,year,ruleset,criterion,value,status) VALUES
 ('A1',2020,'dk2021','lab',40,'ok'),('A1',2022,'dk2021','lab',34,'ok'),
 ('A2',2020,'dk2021','lab',44,'ok'),('A2',2022,'dk2021','lab',40,'ok'),
 ('A3',2020,'dk2021','lab',30,'ok'),('A3',2022,'dk2021','lab',29,'ok'),
 ('A4',2020,'dk2021','lab',50,'ok'),('A4',2022,'dk2021','lab',10,'ok');
INSERT INTO category_results(area_id,year,ruleset,ruleset_version,category,computed_at) VALUES
 ('A1',2020,'dk2021','t','udsat','x'),('A1',2022,'dk2021','t','none','x'),
 ('A2',2020,'dk2021','t','none','x'),('A2',2022,'dk2021','t','none','x');
INSERT INTO meta VALUES('current_ruleset','dk2021');
SQL
before=$(sha256sum < "$ws")
unchanged() { [ "$(sha256sum < "$ws")" = "$before" ] || fail "workspace changed after: $1"; }
expect_error() { # name, expected message part, file
    local out rc=0
    out=$("$N" import plans "$ws" "$3" 2>&1) || rc=$?
    [ "$rc" = 1 ] || fail "$1: exit $rc, expected 1: $out"
    grep -qF -- "$2" <<<"$out" || fail "$1: message '$out' lacks '$2'"
    [ "$(wc -l <<<"$out")" = 1 ] || fail "$1: error is not one line: $out"
    unchanged "$1"
}

printf 'plan_id,name,start_year,end_year,areas,target.lab\nP,Plan P,2021,2022,A1|A2|A9,35\n' > "$T/unknown.csv"
expect_error unknown "unknown.csv:2: column 'areas': unknown area id 'A9'" "$T/unknown.csv"
printf 'plan_id,name,start_year,end_year,areas\nP,Plan P,2021,2022,101\n' > "$T/zero.csv"
expect_error zero "did you mean '0101'?" "$T/zero.csv"
printf 'plan_id,name,start_year,end_year,areas\nP,Plan P,2023,2021,A1\n' > "$T/order.csv"
expect_error order "order.csv:2: column 'end_year': 2021 is before start_year 2023" "$T/order.csv"
printf 'plan_id,name,start_year,end_year,areas\nP,Plan P,2019,2022,A1\nP,Plan P,2021,2023,A2\n' > "$T/overlap.csv"
expect_error overlap "overlap.csv:3: plan 'P': period 2021-2023 overlaps 2019-2022 (line 2)" "$T/overlap.csv"
printf 'plan_id,name,start_year,end_year,areas,target.lab\nP,Plan P,2021,2022,A1,lots\n' > "$T/target.csv"
expect_error target "column 'target.lab': not a number: 'lots'" "$T/target.csv"

# Polygon plans in EPSG:4326: Q covers x in [0,150] m -> A1 (all) and A2
# (exactly half); R covers x in [160,260] -> A2 (40 %, not covered) and A3
# (60 %). The corners are transformed with cs2cs (independent of nabolag).
corner() { echo "$1 $2" | cs2cs -f %.10f EPSG:25832 EPSG:4326 | awk '{print $2", "$1}'; }
poly() { local x0=$((570000 + $1)) x1=$((570000 + $2));
  echo "[[$(corner $x0 6219900)], [$(corner $x1 6219900)], [$(corner $x1 6220200)], [$(corner $x0 6220200)], [$(corner $x0 6219900)]]"; }
cat > "$T/plans.geojson" <<JSON
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"plan_id":"Q","name":"Plan Q","start_year":2016,"end_year":2018},
 "geometry":{"type":"Polygon","coordinates":[$(poly 0 150)]}},
{"type":"Feature","properties":{"plan_id":"R","name":"Plan R","start_year":2016,"end_year":2018},
 "geometry":{"type":"Polygon","coordinates":[$(poly 160 260)]}}]}
JSON
"$N" import plans "$ws" "$T/plans.geojson" 2> "$T/err" || fail "polygon import: $(cat "$T/err")"
got=$(spatialite -silent "$ws" "SELECT plan_id||':'||area_id||':'||round(share_inside,3) FROM plan_areas ORDER BY 1" | tr '\n' ' ')
[ "$got" = "Q:A1:1.0 Q:A2:0.5 R:A3:0.6 " ] || fail "polygon plan areas: $got"
grep -q "plan 'R': 1 area lies less than half inside" "$T/err" || fail "partial area not reported: $(cat "$T/err")"

printf 'plan_id,name,start_year,end_year,areas,target.lab\nP,Plan P,2021,2022,A1|A2,35\nS,Plan S,2022,2022,A4,20\n' > "$T/plans.csv"
"$N" -q import plans "$ws" "$T/plans.csv"
"$N" plans compare "$ws" -f json --indicators lab > "$T/cmp.json"
/usr/bin/python3 - "$T/cmp.json" <<'PY'
import json, sys
rows = {r["plan_id"]: r for r in json.load(open(sys.argv[1]))}
p = rows["P"]
# Hand computation (weights = residents that year):
# baseline 2020: (1000*40 + 3000*44) / 4000 = 43; latest 2022: (1000*34 +
# 2000*40) / 3000 = 38; change -5. Comparison: A3 only (same municipality,
# no plan overlapping 2020-2022; A4 is in M2): 30 -> 29, change -1.
# did = -5 - -1 = -4. Target 35 (lab: lower is better): 38 > 35, not met.
expect = {"baseline_year": 2020, "latest_year": 2022, "baseline": 43.0,
          "latest": 38.0, "change": -5.0, "comparison_change": -1.0,
          "did": -4.0, "target": 35.0, "target_met": False,
          "areas_used": 2, "comparison_areas": 1}
for k, v in expect.items():
    assert p[k] == v, (k, p[k], v)
assert p["status"] == "ok" and p["latest_status"] == "ok"
assert p["transitions"] == [
    {"area_id": "A1", "from": "udsat", "to": "none", "from_status": "ok", "to_status": "ok"},
    {"area_id": "A2", "from": "none", "to": "none", "from_status": "ok", "to_status": "ok"}], p["transitions"]
# Plan S (A4, 2022 only): no baseline (2021), so no change ("status"
# missing), but the latest value A4 2022 = 10 is published ("latest_status"
# ok) and the target 20 (lower is better) is met.
s = rows["S"]
assert s["status"] == "missing" and s["change"] is None and s["did"] is None, s
assert s["latest"] == 10.0 and s["latest_status"] == "ok" and s["target_met"] is True, s
# Plans Q and R ended before any data: reported as missing, not dropped.
assert rows["Q"]["status"] == "missing" and rows["Q"]["missing_areas"] == ["A1", "A2"]
PY
"$N" --lang en plans compare "$ws" --indicators lab > "$T/cmp.txt"
grep -q "A1 (udsat boligområde -> not listed)" "$T/cmp.txt" || fail "text transitions: $(cat "$T/cmp.txt")"
grep -Eq '^  lab +43\.00 +38\.00 +-5\.00 +-1\.00 +-4\.00 +35\.00  no$' "$T/cmp.txt" || fail "English row: $(cat "$T/cmp.txt")"
# Danish by default: the same numbers with decimal commas, Danish words
"$N" plans compare "$ws" --indicators lab > "$T/cmp_da.txt"
grep -q "^Sammenligning af planer" "$T/cmp_da.txt" || fail "Danish title: $(cat "$T/cmp_da.txt")"
grep -q "A1 (udsat boligområde -> ikke på listen)" "$T/cmp_da.txt" || fail "Danish transitions: $(cat "$T/cmp_da.txt")"
grep -Eq '^  lab +43,00 +38,00 +-5,00 +-1,00 +-4,00 +35,00  nej$' "$T/cmp_da.txt" || fail "Danish row: $(cat "$T/cmp_da.txt")"
grep -Eq '^  indikator +basis +seneste +ændring +sammenligning +forskel +mål  mål nået$' "$T/cmp_da.txt" || fail "Danish columns: $(cat "$T/cmp_da.txt")"
grep -q "overlap" "$T/cmp.txt" && fail "no plans overlap yet: $(cat "$T/cmp.txt")"
"$N" plans compare "$ws" -f geojson --indicators lab -o "$T/plans_out.geojson"
/usr/bin/python3 - "$T/plans_out.geojson" <<'PY'
import json, sys
fc = json.load(open(sys.argv[1]))
assert "crs" not in fc and fc["nabolag"]["ruleset"] == "dk2021"
f = {x["properties"]["plan_id"]: x for x in fc["features"]}
assert f["P"]["properties"]["lab_did"] == -4.0
ring = f["P"]["geometry"]["coordinates"][0]
area2 = sum(x0*y1 - x1*y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
assert area2 > 0, "exterior ring must be counter-clockwise"
assert all(8 < x < 16 and 54 < y < 58 for x, y in ring), ring
PY
"$N" plans compare "$ws" -f csv --indicators lab | grep -q '^P,Plan P,2021,2022,lab,2020,2022,43,38,-5,ok' || fail "csv row"
# Disclosure control: with at least 1500 residents required, A1 (1000) takes
# part in no aggregate (else P minus A2 would reveal it) and its categories
# are not shown. P = A2 alone: 44 -> 40, change -4; comparison A3 -1; did -3.
printf '[disclosure]\nmin_residents_publish = 1500\n' > "$T/disc.ini"
"$N" plans compare "$ws" -f json --indicators lab --config "$T/disc.ini" > "$T/disc.json"
/usr/bin/python3 - "$T/disc.json" <<'PY'
import json, sys
p = {r["plan_id"]: r for r in json.load(open(sys.argv[1]))}["P"]
for k, v in {"baseline": 44.0, "latest": 40.0, "change": -4.0, "did": -3.0,
             "areas_used": 1, "missing_areas": ["A1"]}.items():
    assert p[k] == v, (k, p[k], v)
assert p["transitions"][0] == {"area_id": "A1", "from": None, "to": None,
    "from_status": "suppressed", "to_status": "suppressed"}, p["transitions"]
PY
"$N" --lang en plans compare "$ws" --indicators lab --config "$T/disc.ini" > "$T/disc.txt"
grep -q "A1 (suppressed -> suppressed)" "$T/disc.txt" || fail "text: suppressed transition: $(cat "$T/disc.txt")"
grep -q "left out of lab (suppressed: fewer than 1500 residents in 2020 or 2022): A1" "$T/disc.txt" || fail "text: suppressed area: $(cat "$T/disc.txt")"
grep -q "udsat" "$T/disc.txt" && fail "text shows a suppressed category: $(cat "$T/disc.txt")"
"$N" plans compare "$ws" --indicators lab --config "$T/disc.ini" | grep -q "udeladt af lab (skjult: færre end 1.500 beboere i 2020 eller 2022): A1" || fail "Danish: suppressed area"
"$N" plans compare "$ws" -f csv --indicators lab --config "$T/disc.ini" | grep -q '^P,.*,A1,A1:suppressed>suppressed|A2:none>none,$' || fail "csv: suppressed"
# an output that cannot be written is an error (exit 1), not a silent loss
rc=0; "$N" plans compare "$ws" -f json > /dev/full 2>"$T/full.err" || rc=$?
[ "$rc" = 1 ] || fail "write to a full device: exit $rc"
grep -q "cannot write\|No space" "$T/full.err" || fail "full device message: $(cat "$T/full.err")"
# a bad threshold is an error naming the key (read by the disclosure module)
printf '[disclosure]\nmin_residents_publish = many\n' > "$T/bad.ini"
rc=0; "$N" plans compare "$ws" --config "$T/bad.ini" >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "bad min_residents_publish: exit $rc"
# Plans from a workbook (issue 9 point 3): an .xlsx made with GDAL from
# CSV (every cell text, so the target 35,5 is text with a decimal comma,
# as Danish Excel writes it), with a second sheet. No --sheet: an error
# listing the sheets; --sheet names it; an error names sheet and row.
cp "$ws" "$T/wb.sqlite"
wbsum=$(sha256sum < "$T/wb.sqlite")
printf 'plan_id,name,start_year,end_year,areas,target.lab\nW,Plan W,2021,2022,A1|A3,"35,5"\n' > "$T/Planer.csv"
printf 'note,by\nfrom the board,x\n' > "$T/Noter.csv"
ogr2ogr -f XLSX "$T/plans.xlsx" "$T/Planer.csv" 2>/dev/null
ogr2ogr -update "$T/plans.xlsx" "$T/Noter.csv" 2>/dev/null
rc=0; out=$("$N" import plans "$T/wb.sqlite" "$T/plans.xlsx" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "workbook without --sheet: exit $rc: $out"
grep -q "plans.xlsx: the workbook has 2 sheets ('Planer', 'Noter'); name one" <<<"$out" || fail "sheet list: $out"
[ "$(sha256sum < "$T/wb.sqlite")" = "$wbsum" ] || fail "workspace changed by a refused workbook"
"$N" -q import plans "$T/wb.sqlite" "$T/plans.xlsx" --sheet Planer || fail "workbook with --sheet"
got=$(spatialite -silent "$T/wb.sqlite" "SELECT p.plan_id||':'||p.start_year||'-'||p.end_year||':'||(SELECT group_concat(area_id,'|') FROM (SELECT area_id FROM plan_areas a WHERE a.plan_id=p.plan_id ORDER BY 1))||':'||(SELECT indicator||'='||target FROM plan_targets t WHERE t.plan_id=p.plan_id) FROM plans p WHERE plan_id='W'")
[ "$got" = "W:2021-2022:A1|A3:lab=35.5" ] || fail "workbook plan: $got"
printf 'plan_id,name,start_year,end_year,areas\nV,Plan V,2021,2022,A1\nX,Plan X,2021,2022,A1|A9\n' > "$T/Planer.csv"
ogr2ogr -f XLSX "$T/bad.xlsx" "$T/Planer.csv" 2>/dev/null
rc=0; out=$("$N" import plans "$T/wb.sqlite" "$T/bad.xlsx" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "bad workbook: exit $rc"
grep -q "bad.xlsx: sheet 'Planer' row 3: column 'areas': unknown area id 'A9'" <<<"$out" || fail "workbook error: $out"
rc=0; "$N" import plans "$T/wb.sqlite" "$T/plans.csv" --sheet Planer 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--sheet for a CSV: exit $rc"

# Overlapping plans (issue 10 point 7): O covers A2 in 2022-2023, U covers
# A1 and A3 in 2015-2021. P (A1, A2; 2021-2022) shares A2 with O in 2022 and
# A1 with U in 2021; S (A4) overlaps nothing; Q (A1, A2; 2016-2018) shares
# A1 with U in 2016-2018.
cp "$ws" "$T/ov.sqlite"
printf 'plan_id,name,start_year,end_year,areas\nO,Plan O,2022,2023,A2\nU,Plan U,2015,2021,A1|A3\n' > "$T/more.csv"
"$N" -q import plans "$T/ov.sqlite" "$T/more.csv"
"$N" plans compare "$T/ov.sqlite" -f json --indicators lab > "$T/ov.json"
/usr/bin/python3 - "$T/ov.json" <<'PY'
import json, sys
rows = {r["plan_id"]: r["overlapping_plans"] for r in json.load(open(sys.argv[1]))}
assert rows["P"] == [{"plan_id": "O", "from_year": 2022, "to_year": 2022, "areas": ["A2"]},
                     {"plan_id": "U", "from_year": 2021, "to_year": 2021, "areas": ["A1"]}], rows["P"]
assert rows["S"] == [], rows["S"]
assert rows["Q"] == [{"plan_id": "U", "from_year": 2016, "to_year": 2018, "areas": ["A1"]}], rows["Q"]
assert rows["O"] == [{"plan_id": "P", "from_year": 2022, "to_year": 2022, "areas": ["A2"]}], rows["O"]
assert [x["plan_id"] for x in rows["U"]] == ["P", "Q", "R"], rows["U"]
PY
"$N" plans compare "$T/ov.sqlite" --indicators lab > "$T/ov.txt"
grep -q "^  overlapper plan O i 2022-2022 (områder A2)" "$T/ov.txt" || fail "Danish overlap line: $(cat "$T/ov.txt")"
"$N" --lang en plans compare "$T/ov.sqlite" --indicators lab | grep -q "^  overlaps plan U in 2021-2021 (areas A1)" || fail "English overlap line"
"$N" plans compare "$T/ov.sqlite" -f csv --indicators lab | grep -q '^P,.*,O|U$' || fail "csv overlapping_plans"
echo "plans: all checks passed"
