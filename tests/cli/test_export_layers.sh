#!/bin/bash
# labels: cli
# `nabolag export`: the profile and plans layers end to end, against values
# computed by hand.
#   profile: statistics -> `nabolag compute` -> export; reference, SD
#     distance, points, band and change of two indicators; the field list
#     follows the configuration; disclosure control by residents and by
#     denominator; a configuration whose property names collide is refused.
#   plans: the hand example of tests/cli/test_plans.sh (did -4 for lab)
#     as properties of the plans layer, with the same names and values as
#     `nabolag plans compare -f geojson`; suppression of small aggregates.
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d /tmp/nbl_xlayers.XXXXXX)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
PY=/usr/bin/python3

# ---- profile --------------------------------------------------------------
# Six 100 m squares in municipality 751. Data year 2024 (A1 also 2023):
#   area pop   pop_18_64 noattach         pop_0_17 (children)
#   A1   1000  400       80 (20 %)        250 (25 %)   2023: 100/400 = 25 %
#   A2   1000  400       80 (20 %)        150 (15 %)
#   A3   1000  400       160 (40 %)       250 (25 %)
#   A4   1000  400       160 (40 %)       350 (35 %)
#   A5     80   25       10 (40 %)         20 (25 %)   < 100 residents
#   A6    300   25        5 (20 %)         75 (25 %)   pop_18_64 25 < 30
# Config: only noattach and children; min_residents 500 (A1-A4 scored);
# bands 1, 2, 4; export [disclosure] min_denominator 30.
# noattach: reference pooled over all six = 495 / 1650 = 30 %. SD over the
#   scored A1-A4 (20, 20, 40, 40; population SD) = 10. Distances A1, A2 -1
#   (0 points), A3, A4 +1 (2 points: 1 SD is inclusive). A1 change 20 - 25
#   = -5.
# children: reference 1095 / 4380 = 25 %. SD of 25, 15, 25, 35 =
#   sqrt(200 / 4) = 7.0711. Distances A1 0, A2 -1.41, A3 0, A4 +1.41
#   (2 points).
# Scores: A1 0 green, A2 0 green, A3 2 orange, A4 4 red. A5: every value
#   suppressed (80 residents). A6: not scored (300 < 500); its noattach
#   withheld (denominator 25 < 30) but the municipal reference 30 kept;
#   children published (25 %, SD distance 0).
W="$T/p.sqlite"
"$N" -q init "$W" || fail "init"
sq() { local x=$((570000 + $1 * 200)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
st() { echo "('$1',$2,'pop',$3),('$1',$2,'pop_18_64',$4),('$1',$2,'noattach_18_64',$5),('$1',$2,'pop_0_17',$6)"; }
spatialite -silent "$W" >/dev/null <<SQL || fail "loading the profile data"
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Et','751','1082',$(sq 0)), ('A2','To','751','1082',$(sq 1)),
 ('A3','Tre','751','1082',$(sq 2)), ('A4','Fire','751','1082',$(sq 3)),
 ('A5','Fem','751','1082',$(sq 4)), ('A6','Seks','751','1082',$(sq 5));
INSERT INTO stats(area_id,year,variable,value) VALUES
 $(st A1 2024 1000 400 80 250), $(st A2 2024 1000 400 80 150),
 $(st A3 2024 1000 400 160 250), $(st A4 2024 1000 400 160 350),
 $(st A5 2024 80 25 10 20), $(st A6 2024 300 25 5 75),
 ('A1',2023,'pop_18_64',400), ('A1',2023,'noattach_18_64',100);
SQL
{
    printf '[profile]\nmin_residents = 500\nbands = 1, 2, 4\n'
    for i in turnover evictions nonwestern basic_edu income convictions safety; do
        printf '[indicator.%s]\nenabled = false\n' "$i"
    done
    printf '[disclosure]\nmin_denominator = 30\n'
} > "$T/p.ini"
"$N" -q compute "$W" --config "$T/p.ini" >/dev/null 2>"$T/err" ||
    fail "compute: $(cat "$T/err")"
"$N" -q export "$W" -o "$T/p" --config "$T/p.ini" 2>"$T/err" ||
    fail "export: $(cat "$T/err")"
[ -s "$T/p/profile.geojson" ] && [ -s "$T/p/profile.qml" ] ||
    fail "profile.geojson/.qml missing"
$PY - "$T/p" <<'PYEOF' || fail "profile values"
import json, sys
fc = json.load(open(sys.argv[1] + "/profile.geojson"))
f = {x["properties"]["area_id"]: x["properties"] for x in fc["features"]}
assert sorted(f) == ["A1", "A2", "A3", "A4", "A5", "A6"], sorted(f)
fixed = ["area_id", "name", "municipality", "year", "profile_points",
         "profile_band", "profile_band_label", "profile_status"]
per = ["", "_status", "_ref", "_sd", "_points", "_change"]
keys = fixed + [i + s for i in ("noattach", "children") for s in per]
assert list(f["A1"]) == keys, list(f["A1"])
def check(area, **want):
    for k, v in want.items():
        got = f[area][k]
        assert got == v and type(got) == type(v), (area, k, got, v)
check("A1", year=2024, profile_points=0, profile_band="green",
      profile_band_label="Uden for risiko", profile_status="ok",
      noattach=20.0, noattach_status="ok", noattach_ref=30.0,
      noattach_sd=-1.0, noattach_points=0, noattach_change=-5.0,
      children=25.0, children_ref=25.0, children_sd=0.0, children_points=0,
      children_change=None)
check("A2", profile_points=0, profile_band="green", noattach_sd=-1.0,
      children=15.0, children_sd=-1.41, children_points=0)
check("A3", profile_points=2, profile_band="orange",
      profile_band_label="Forhøjet risiko", noattach=40.0, noattach_sd=1.0,
      noattach_points=2, children_sd=0.0, children_points=0)
check("A4", profile_points=4, profile_band="red",
      profile_band_label="Høj risiko", noattach_points=2, children=35.0,
      children_sd=1.41, children_points=2)
check("A5", profile_points=None, profile_band=None,
      profile_status="suppressed", noattach=None,
      noattach_status="suppressed", noattach_ref=None, noattach_sd=None,
      children=None, children_status="suppressed")
check("A6", profile_points=None, profile_status="not_evaluable",
      noattach=None, noattach_status="suppressed", noattach_ref=30.0,
      noattach_sd=None, noattach_points=None, children=25.0,
      children_status="ok", children_ref=25.0, children_sd=0.0,
      children_points=None)
PYEOF
grep -q 'attr="profile_band"' "$T/p/profile.qml" || fail "profile.qml renderer"
# Band labels carry the configured point ranges (bands 1, 2, 4).
for l in 'Uden for risiko (0–0 point)' 'Risikoområde (1–1 point)' \
    'Forhøjet risiko (2–3 point)' 'Høj risiko (4+ point)'; do
    grep -qF "label=\"$l\"" "$T/p/profile.qml" || fail "profile.qml: no '$l'"
done

# Without disclosure control A5 and A6 are published.
"$N" -q export "$W" -o "$T/pu" --config "$T/p.ini" --internal-unsuppressed \
    2>/dev/null || fail "export --internal-unsuppressed"
$PY - "$T/pu" <<'PYEOF' || fail "profile unsuppressed"
import json, sys
fc = json.load(open(sys.argv[1] + "/profile-INTERNAL.geojson"))
f = {x["properties"]["area_id"]: x["properties"] for x in fc["features"]}
assert f["A5"]["noattach"] == 40.0 and f["A5"]["noattach_sd"] == 1.0, f["A5"]
assert f["A6"]["noattach"] == 20.0 and f["A6"]["noattach_status"] == "ok"
PYEOF

# The field list follows the configuration: an indicator declared only in
# the export's config is there (status missing: not computed), the
# disabled ones are not.
cp "$T/p.ini" "$T/p2.ini"
printf '[indicator.rent_arrears]\nnumerator = rent_arrears\ndenominator = households\ndirection = higher_is_worse\n' >> "$T/p2.ini"
"$N" -q export "$W" -o "$T/p2" --config "$T/p2.ini" 2>"$T/err" ||
    fail "export with an extra indicator: $(cat "$T/err")"
$PY - "$T/p2" <<'PYEOF' || fail "extra indicator"
import json, sys
fc = json.load(open(sys.argv[1] + "/profile.geojson"))
p = fc["features"][0]["properties"]
assert p["rent_arrears"] is None and p["rent_arrears_status"] == "missing"
assert "rent_arrears_change" in p and "income" not in p, list(p)
PYEOF
# A name whose properties collide with the layer's own is refused, and
# nothing is written.
cp "$T/p.ini" "$T/p3.ini"
printf '[indicator.profile]\nnumerator = pop_0_17\ndenominator = pop\ndirection = higher_is_worse\n' >> "$T/p3.ini"
"$N" -q export "$W" -o "$T/p3" --config "$T/p3.ini" 2>"$T/err"
[ $? -eq 1 ] || fail "colliding indicator name accepted"
grep -q "layer 'profile': property 'profile_status' would appear twice" \
    "$T/err" || fail "message: $(cat "$T/err")"
[ -e "$T/p3" ] && fail "output folder left after a failure"

# ---- plans -----------------------------------------------------------------
# The data of tests/cli/test_plans.sh (four 100 m squares, A1-A3 in M1, A4
# in M2), by hand: baseline 2020 (1000*40 + 3000*44) / 4000 = 43; latest
# 2022 (1000*34 + 2000*40) / 3000 = 38; change -5. Comparison: A3 alone
# (same municipality, no plan): 30 -> 29, change -1. did = -5 - -1 = -4.
# Target 35 (lower is better): 38 > 35, not met. cri etc.: no data, missing.
W="$T/pl.sqlite"
"$N" -q init "$W" || fail "init"
sq() { local x=$((570000 + $1)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
spatialite -silent "$W" >/dev/null <<SQL || fail "loading the plans data"
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Et','M1','R',$(sq 0)), ('A2','To','M1','R',$(sq 100)),
 ('A3','Tre','M1','R',$(sq 200)), ('A4','Fire','M2','R',$(sq 300));
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
printf 'plan_id,name,start_year,end_year,areas,target.lab\nP,Plan P,2021,2022,A1|A2,35\n' > "$T/plans.csv"
"$N" -q import plans "$W" "$T/plans.csv" || fail "import plans"
# A project file: its [plans] source (the import's key) must not disturb
# the comparison.
printf '[plans]\nsource = plans.csv\ncomparison = municipality\n' > "$T/pl.ini"
"$N" -q export "$W" -o "$T/pl" --config "$T/pl.ini" 2>"$T/err" ||
    fail "export: $(cat "$T/err")"
"$N" plans compare "$W" -f geojson --config "$T/pl.ini" \
    -o "$T/compare.geojson" || fail "plans compare"
$PY - "$T/pl/plans.geojson" "$T/compare.geojson" <<'PYEOF' || fail "plans values"
import json, sys
fc = json.load(open(sys.argv[1]))
p = fc["features"][0]["properties"]
want = {"plan_id": "P", "name": "Plan P", "start_year": 2021,
        "end_year": 2022, "active": True, "areas": "A1|A2", "n_areas": 2,
        "baseline_year": 2020, "latest_year": 2022, "lab_baseline": 43.0,
        "lab_latest": 38.0, "lab_change": -5.0,
        "lab_comparison_change": -1.0, "lab_did": -4.0, "lab_target": 35.0,
        "lab_target_met": False, "lab_status": "ok", "cri_baseline": None,
        "cri_status": "missing", "safety_index_target": None,
        "safety_index_status": "missing"}
for k, v in want.items():
    assert p[k] == v and type(p[k]) == type(v), (k, p[k], v)
per = ["baseline", "latest", "change", "comparison_change", "did", "target",
       "target_met", "status"]
keys = ["plan_id", "name", "start_year", "end_year", "active", "areas",
        "n_areas", "baseline_year", "latest_year"] + \
    ["%s_%s" % (i, s) for i in ("lab", "cri", "edu", "inc", "eth",
                                 "safety_index") for s in per]
assert list(p) == keys, list(p)
# one vocabulary: `plans compare -f geojson` has the same properties and
# values; the export adds `active`, and always has safety_index (a fixed
# schema), which `plans compare` leaves out when no safety results exist
q = json.load(open(sys.argv[2]))["features"][0]["properties"]
extra = set(p) - set(q)
assert set(q) <= set(p) and extra == {"active"} | \
    {"safety_index_" + s for s in per}, extra
for k in q:
    assert p[k] == q[k], (k, p[k], q[k])
PYEOF
grep -q 'lab_did' "$T/pl/plans.qml" || fail "plans.qml does not label lab_did"

# A plan aggregate over fewer than min_residents_publish residents is
# suppressed (here 5000 > the plan's 4000 and 3000 residents).
printf '[disclosure]\nmin_residents_publish = 5000\n' > "$T/small.ini"
"$N" -q export "$W" -o "$T/pls" --config "$T/small.ini" || fail "export (small)"
"$N" -q export "$W" -o "$T/plu" --config "$T/small.ini" \
    --internal-unsuppressed 2>/dev/null || fail "export (unsuppressed)"
$PY - "$T/pls/plans.geojson" "$T/plu/plans-INTERNAL.geojson" <<'PYEOF' || fail "plans suppression"
import json, sys
p = json.load(open(sys.argv[1]))["features"][0]["properties"]
assert p["lab_status"] == "suppressed" and p["lab_did"] is None, p
assert p["lab_target"] == 35.0 and p["lab_target_met"] is None
u = json.load(open(sys.argv[2]))["features"][0]["properties"]
assert u["lab_status"] == "ok" and u["lab_did"] == -4.0, u
PYEOF

# The GeoPackage has both layers, typed.
"$N" -q export "$W" -o "$T/gp" -f gpkg || fail "gpkg"
ogrinfo -ro -so "$T/gp/nabolag.gpkg" plans > "$T/info" || fail "ogrinfo plans"
grep -q "^lab_did: Real" "$T/info" || fail "gpkg plans: lab_did not Real"
grep -q "^lab_target_met: Integer(Boolean)" "$T/info" ||
    fail "gpkg plans: lab_target_met not Boolean"
ogrinfo -ro -so "$T/gp/nabolag.gpkg" profile > "$T/info" || fail "ogrinfo profile"
grep -q "^noattach_sd: Real" "$T/info" || fail "gpkg profile: noattach_sd"
grep -q "^safety_points: Integer" "$T/info" || fail "gpkg profile: safety_points"
echo "ok"
