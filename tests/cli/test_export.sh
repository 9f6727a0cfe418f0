#!/bin/bash
# labels: cli golden
# `nabolag export`: GeoJSON layers from a hand-made workspace
# (tests/fixtures/export/workspace.sql): RFC 7946 (checked by ogrinfo and
# tests/qgis/check_rfc7946.py), lon/lat of a known point, disclosure control,
# the golden areas layer, determinism, --overwrite, no partial output, usage
# errors, and the workspace left unchanged by a failing export.
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d /tmp/nbl_export.XXXXXX)
trap 'rm -rf "$T"' EXIT
FIX="$NBL_SOURCE_DIR/tests/fixtures/export"
PY=/usr/bin/python3

"$NBL_BIN" -q init "$T/ws.sqlite" || fail "init"
spatialite -silent "$T/ws.sqlite" < "$FIX/workspace.sql" >/dev/null ||
    fail "loading the fixture"

"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out" || fail "export exited $?"
for l in areas alerts safety timeseries plans profile; do
    [ -s "$T/out/$l.geojson" ] || fail "$l.geojson missing"
    [ -s "$T/out/$l.qml" ] || fail "$l.qml missing"
    ogrinfo -ro -q "$T/out/$l.geojson" >/dev/null 2>"$T/err" ||
        fail "ogrinfo $l.geojson: $(cat "$T/err")"
done
[ -s "$T/out/nabolag.qgs" ] || fail "nabolag.qgs missing"
ls -A "$T/out" | grep -q nbltmp && fail "temporary files left"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_rfc7946.py" "$T"/out/*.geojson ||
    fail "RFC 7946 check"

# No stigmatising word in any output (the word is built, as in test_lint.sh),
# and the category labels are exactly the statutory ones.
word=$(printf 'g%s' 'hetto')
grep -rIil "$word" "$T/out" && fail "outputs use a word the project never uses"
labels=$(grep -o 'category render="true" symbol="[0-9]*" value="[^"]*" label="[^"]*"' \
    "$T/out/areas.qml" | sed 's/.*label="//; s/"$//' | paste -sd '|')
[ "$labels" = "Omdannelsesområde|Parallelsamfund|Udsat boligområde|Forebyggelsesområde|Ikke på listen|Kan ikke vurderes|Ingen værdi (mangler eller diskretioneret)" ] ||
    fail "areas.qml labels: $labels"

# Golden: checked by hand against workspace.sql. Values rounded (42.456 ->
# 42.46, 61.005 -> 61.01 half away from zero... as stored in binary, 2.0123
# -> 2.01, 1.87654 -> 1.877); A2 (80 residents < 100) all suppressed; A3's
# edu denominator 15 < 20 suppressed (so its criteria_met is null: with the
# published lab_met it would give edu_met away), inc not_evaluable, cri
# missing; A4 has
# no results. A1's corner (575000, 6220000) is 10.20629186 56.11918339 by
# `cs2cs EPSG:25832 EPSG:4326`, here 10.2062919, 56.1191834 (7 decimals,
# tolerance 1e-7 degrees, about 1 cm).
diff -u "$FIX/areas.geojson" "$T/out/areas.geojson" ||
    fail "areas.geojson differs from the golden file"

# Spot checks that do not depend on GDAL's formatting.
$PY - "$T/out" <<'PYEOF' || fail "property checks"
import json, sys
d = sys.argv[1]
a = json.load(open(d + "/areas.geojson"))
f = {x["properties"]["area_id"]: x for x in a["features"]}
assert [x["properties"]["area_id"] for x in a["features"]] == ["A1", "A2", "A3", "A4"]
p = f["A1"]["properties"]
assert p["lab"] == 42.46 and p["lab_met"] is True and p["cri_ratio"] == 1.877
assert p["pop"] == 2400 and isinstance(p["pop"], int)
assert p["category"] == "udsat" and p["category_label"] == "Udsat boligområde"
ring = f["A1"]["geometry"]["coordinates"][0]
assert abs(ring[0][0] - 10.20629186) <= 1e-7 and abs(ring[0][1] - 56.11918339) <= 1e-7, ring[0]
p = f["A2"]["properties"]
assert p["pop"] is None and p["pop_status"] == "suppressed" and p["lab"] is None
p = f["A3"]["properties"]
assert p["edu"] is None and p["edu_status"] == "suppressed"
assert p["inc"] is None and p["inc_status"] == "not_evaluable" and p["inc_met"] is None
assert p["category"] == "not_evaluable"
assert p["criteria_met"] is None
assert f["A4"]["properties"]["category_status"] == "missing"
al = json.load(open(d + "/alerts.geojson"))
msgs = " ".join(x["properties"]["message"] for x in al["features"])
assert "37.0" not in msgs and "66.7" not in msgs, msgs  # suppressed values
assert len(al["features"]) == 4
ts = json.load(open(d + "/timeseries.geojson"))
assert [(x["properties"]["area_id"], x["properties"]["year"]) for x in ts["features"]] == \
    [("A1", 2023), ("A1", 2024), ("A2", 2024), ("A3", 2023), ("A3", 2024)]
assert ts["features"][0]["properties"]["year_start"] == "2023-01-01"
sf = json.load(open(d + "/safety.geojson"))
assert sf["features"][1]["properties"]["perceived_status"] == "suppressed"
assert a["nabolag"]["ruleset_version"] == "2021.1" and a["nabolag"]["year"] == 2024
pl = json.load(open(d + "/plans.geojson"))["features"]
assert len(pl) == 1 and pl[0]["properties"]["areas"] == "A1|A2", pl
assert pl[0]["properties"]["active"] is True and pl[0]["properties"]["n_areas"] == 2
# no results for the plan's baseline year 2019: the comparison is missing
assert pl[0]["properties"]["lab_status"] == "missing" and pl[0]["properties"]["lab_did"] is None
# profile (fixture rows checked by hand in workspace.sql): rounding by unit,
# suppression by residents (A2) and by denominator (A3 basic_edu, whose
# municipal reference stays), not evaluable, not scored, no score row
pf = {x["properties"]["area_id"]: x["properties"]
      for x in json.load(open(d + "/profile.geojson"))["features"]}
p = pf["A1"]
assert (p["profile_points"], p["profile_band"], p["profile_band_label"]) == (7, "orange", "Forhøjet risiko")
assert (p["noattach"], p["noattach_ref"], p["noattach_sd"], p["noattach_points"], p["noattach_change"]) == (42.46, 23.23, 1.83, 2, 0.83), p
assert (p["income"], p["income_ref"], p["income_sd"], p["income_change"]) == (51.0, 83.0, 1.65, -0.5), p
assert p["children"] is None and p["children_status"] == "missing"
p = pf["A2"]
assert p["profile_status"] == "suppressed" and p["noattach"] is None and p["noattach_ref"] is None
assert p["noattach_status"] == "suppressed"
p = pf["A3"]
assert p["profile_status"] == "not_evaluable" and p["noattach"] == 41.0
assert p["basic_edu"] is None and p["basic_edu_status"] == "suppressed" and p["basic_edu_ref"] == 40.0
assert p["basic_edu_points"] is None and p["basic_edu_sd"] is None
assert p["evictions_status"] == "not_evaluable" and p["evictions_ref"] == 3.5
assert pf["A4"]["profile_status"] == "missing"
PYEOF

# Deterministic: a second export is byte for byte the same.
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out2" || fail "second export"
diff -r "$T/out" "$T/out2" >/dev/null || fail "two exports differ"

# Existing files are kept without --overwrite (exit 1), and nothing new is
# written; the workspace is left as it was.
sum_before=$(md5sum < "$T/ws.sqlite")
mkdir "$T/outc" && echo keep > "$T/outc/areas.qml"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/outc" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || fail "existing output: exit $rc, expected 1"
grep -q "areas.qml: already exists" "$T/err" || fail "message: $(cat "$T/err")"
[ "$(cat "$T/outc/areas.qml")" = keep ] || fail "areas.qml was replaced"
[ "$(ls -A "$T/outc")" = areas.qml ] || fail "files written: $(ls -A "$T/outc")"
[ "$(md5sum < "$T/ws.sqlite")" = "$sum_before" ] || fail "workspace changed"
echo keep > "$T/out/areas.qml"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out" --overwrite ||
    fail "--overwrite"
grep -q categorizedSymbol "$T/out/areas.qml" || fail "areas.qml not replaced"

# A failure leaves no output folder and no file.
printf '[disclosure]\nmin_count = many\n' > "$T/bad.ini"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out3" --config "$T/bad.ini" \
    2>"$T/err" && fail "bad config accepted"
grep -q "bad.ini: \[disclosure\] min_count" "$T/err" ||
    fail "message: $(cat "$T/err")"
[ -e "$T/out3" ] && fail "output folder left after a failure"

# Disclosure thresholds from --config; --internal-unsuppressed.
printf '[project]\nname = x\n[disclosure]\nmin_residents_publish = 50\nmin_denominator = 10\n' > "$T/c.ini"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out4" --config "$T/c.ini" ||
    fail "export with config"
$PY - "$T/out4" <<'PYEOF' || fail "config thresholds"
import json, sys
a = json.load(open(sys.argv[1] + "/areas.geojson"))
f = {x["properties"]["area_id"]: x["properties"] for x in a["features"]}
assert f["A2"]["pop"] == 80 and f["A2"]["lab"] == 37.0, f["A2"]
assert f["A3"]["edu"] == 66.67, f["A3"]
assert a["nabolag"]["disclosure"]["min_residents_publish"] == 50
PYEOF
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out5" --internal-unsuppressed \
    2>"$T/err" || fail "--internal-unsuppressed"
grep -q "FOR INTERNAL USE ONLY" "$T/err" || fail "no internal-use warning"
$PY - "$T/out5" <<'PYEOF' || fail "unsuppressed output"
import json, sys
a = json.load(open(sys.argv[1] + "/areas-INTERNAL.geojson"))
f = {x["properties"]["area_id"]: x["properties"] for x in a["features"]}
assert f["A2"]["pop"] == 80 and f["A3"]["edu"] == 66.67
assert a["nabolag"]["disclosure"]["applied"] is False
assert "INTERNAL USE ONLY" in a["nabolag"]["internal_use_only"]
PYEOF
grep -q "<title>.*KUN TIL INTERN BRUG" "$T/out5/nabolag-INTERNAL.qgs" ||
    fail "project title does not say internal use"

# Year and ruleset selection.
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out6" --year 2023 || fail "--year"
grep -q '"year": 2023' "$T/out6/areas.geojson" || fail "--year 2023"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out7" --ruleset dk2013 \
    2>"$T/err"
[ $? -eq 1 ] || fail "unknown ruleset accepted"
grep -q "no results for ruleset 'dk2013'" "$T/err" || fail "$(cat "$T/err")"

"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/out8" --year 2019 2>"$T/err"
[ $? -eq 1 ] || fail "--year without results accepted"
grep -q "no results for ruleset 'dk2021' in 2019 (results exist for 2023-2024)" \
    "$T/err" || fail "$(cat "$T/err")"
[ -e "$T/out8" ] && fail "output folder left after a failure"

# GeoPackage.
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/gp" -f gpkg || fail "gpkg"
ogrinfo -ro -q "$T/gp/nabolag.gpkg" > "$T/layers" || fail "ogrinfo gpkg"
for l in areas alerts safety timeseries plans profile layer_styles; do
    grep -q ": $l " "$T/layers" || fail "gpkg lacks $l: $(cat "$T/layers")"
done
n=$(ogrinfo -ro -q "$T/gp/nabolag.gpkg" -sql "SELECT COUNT(*) AS n FROM layer_styles WHERE useAsDefault" | sed -n 's/.*n (Integer) = //p')
[ "$n" = 6 ] || fail "gpkg: $n default styles, expected 6"
ogrinfo -ro "$T/gp/nabolag.gpkg" 2>/dev/null | grep -q 'NABOLAG_PROVENANCE=.*"ruleset_version":"2021.1"' ||
    fail "gpkg provenance metadata"

# The GeoPackage is reproducible too (gpkg_contents.last_change follows
# SOURCE_DATE_EPOCH).
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/gp2" -f gpkg || fail "gpkg 2"
cmp -s "$T/gp/nabolag.gpkg" "$T/gp2/nabolag.gpkg" || fail "two GeoPackages differ"

# Usage errors exit 2.
"$NBL_BIN" export "$T/ws.sqlite" 2>/dev/null; [ $? -eq 2 ] || fail "no -o"
"$NBL_BIN" export "$T/ws.sqlite" -o "$T/x" -f nosuchformat 2>/dev/null
[ $? -eq 2 ] || fail "-f nosuchformat"
"$NBL_BIN" export --help | grep -q "internal-unsuppressed" || fail "--help"
echo "ok"
