#!/bin/bash
# labels: cli
# `nabolag export` review findings:
# 1. criteria_met is null as soon as one criterion of the row is suppressed
#    (with the published *_met flags it gives the suppressed flag away):
#    A1 2500 residents, lab 41.25 % met of pop_18_64 15 (< 20: suppressed),
#    cri met of pop_18p 500 (published), criteria_met 2 -> null;
#    A2 1200 residents, lab 20 % not met of pop_18_64 400, criteria_met 0
#    -> 0.
# 2. Output files are replaced only when every final path is a regular file
#    or absent: a directory where safety.qml goes fails the export before
#    anything is renamed (also with --overwrite), and the folder is left as
#    it was.
set -u
N=${NBL_BIN:?}
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-export-disc.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

ws="$T/ws.sqlite"
"$N" -q init "$ws" || exit 1
sq() { local x=$((570000 + $1)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
spatialite -silent "$ws" >/dev/null <<SQL || exit 1
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Et','M1','R',$(sq 0)), ('A2','To','M1','R',$(sq 200));
INSERT INTO stats(area_id,year,variable,value) VALUES
 ('A1',2024,'pop',2500),('A1',2024,'pop_18_64',15),('A1',2024,'pop_18p',500),
 ('A2',2024,'pop',1200),('A2',2024,'pop_18_64',400);
INSERT INTO criterion_results(area_id,year,ruleset,criterion,value,ratio,status,met) VALUES
 ('A1',2024,'dk2021','lab',41.25,NULL,'ok',1),('A1',2024,'dk2021','cri',4.1,2.93,'ok',1),
 ('A2',2024,'dk2021','lab',20,NULL,'ok',0);
INSERT INTO category_results(area_id,year,ruleset,ruleset_version,category,criteria_met,computed_at) VALUES
 ('A1',2024,'dk2021','2021.1','udsat',2,'x'),('A2',2024,'dk2021','2021.1','none',0,'x');
INSERT INTO meta VALUES('current_ruleset','dk2021');
SQL
"$N" -q export "$ws" -o "$T/x" 2>"$T/err" || fail "export: $(cat "$T/err")"
$PY - "$T/x/areas.geojson" <<'EOF' || fail "criteria_met"
import json, sys
f = {x["properties"]["area_id"]: x["properties"]
     for x in json.load(open(sys.argv[1]))["features"]}
a1, a2 = f["A1"], f["A2"]
assert a1["lab_status"] == "suppressed" and a1["lab_met"] is None, a1
assert a1["cri_met"] is True and a1["cri_status"] == "ok", a1
assert a1["criteria_met"] is None, a1
assert a2["criteria_met"] == 0 and a2["lab_met"] is False, a2
EOF
"$N" -q export "$ws" -o "$T/u" --internal-unsuppressed 2>/dev/null || fail "export unsuppressed"
$PY -c "
import json
f = {x['properties']['area_id']: x['properties'] for x in json.load(open('$T/u/areas-INTERNAL.geojson'))['features']}
assert f['A1']['criteria_met'] == 2, f['A1']
" || fail "unsuppressed criteria_met"

# ---- a directory where an output file goes --------------------------------
rm -f "$T/x/safety.qml" && mkdir "$T/x/safety.qml" && touch "$T/x/safety.qml/keep"
(cd "$T/x" && find . -type f -exec sha256sum {} + | sort) > "$T/before"
for ow in "" --overwrite; do
    rc=0
    "$N" -q export "$ws" -o "$T/x" $ow 2>"$T/err" || rc=$?
    [ "$rc" = 1 ] || fail "directory in the way ($ow): exit $rc"
    # without --overwrite the first existing file is named
    [ -z "$ow" ] || grep -q "safety.qml: exists and is not a regular file" "$T/err" ||
        fail "directory in the way ($ow): message: $(cat "$T/err")"
    [ "$(wc -l < "$T/err")" = 1 ] || fail "message not one line: $(cat "$T/err")"
    (cd "$T/x" && find . -type f -exec sha256sum {} + | sort) > "$T/after"
    cmp -s "$T/before" "$T/after" || fail "folder changed ($ow): $(diff "$T/before" "$T/after")"
    ls -A "$T/x" | grep -v -q '^\(areas\|alerts\|plans\|profile\|safety\|timeseries\)\.\(geojson\|qml\)$\|^nabolag\.qgs$\|^safety\.qml$' &&
        fail "temporary files left ($ow): $(ls -A "$T/x")"
done
[ $fails -eq 0 ] || exit 1
echo "export disclosure: ok"
