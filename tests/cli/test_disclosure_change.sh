#!/bin/bash
# labels: cli
# The profile layer's <ind>_change (value of the year - value of the year
# before) is withheld when the year before fails disclosure control, since
# with the published value it gives last year's away (review finding).
# Four 100 m squares in municipality 751; only the noattach indicator
# (noattach_18_64 / pop_18_64), its min_denominator lowered to 10 so that
# small denominators are computed; [disclosure] defaults (3, 20, 100).
#   area 2024: pop pop_18_64 noattach  2023: pop pop_18_64 noattach
#   A1   1000  400  80 (20 %)          1000  15 (< 20)  5 (33.33 %)
#   A2   1000  400  80 (20 %)            50 (< 100) 400 100 (25 %)
#   A3   1000  400 160 (40 %)          1000 400 120 (30 %)
#   A4   1000  400 160 (40 %)          (none)
# Changes: A1 20 - 33.33 = -13.33 -> null (2023 denominator 15 < 20);
#   A2 20 - 25 = -5 -> null (2023: 50 residents < 100); A3 40 - 30 = 10
#   published; A4 null (no 2023 value). The values of 2024 are all published.
set -u
N=${NBL_BIN:?}
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-disc-change.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

W="$T/p.sqlite"
"$N" -q init "$W" || exit 1
sq() { local x=$((570000 + $1 * 200)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
st() { echo "('$1',$2,'pop',$3),('$1',$2,'pop_18_64',$4),('$1',$2,'noattach_18_64',$5)"; }
spatialite -silent "$W" >/dev/null <<SQL || exit 1
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Et','751','1082',$(sq 0)), ('A2','To','751','1082',$(sq 1)),
 ('A3','Tre','751','1082',$(sq 2)), ('A4','Fire','751','1082',$(sq 3));
INSERT INTO stats(area_id,year,variable,value) VALUES
 $(st A1 2024 1000 400 80), $(st A2 2024 1000 400 80),
 $(st A3 2024 1000 400 160), $(st A4 2024 1000 400 160),
 $(st A1 2023 1000 15 5), $(st A2 2023 50 400 100), $(st A3 2023 1000 400 120);
SQL
{
    for i in turnover evictions nonwestern basic_edu income convictions safety children; do
        printf '[indicator.%s]\nenabled = false\n' "$i"
    done
    printf '[indicator.noattach]\nmin_denominator = 10\n'
} > "$T/p.ini"
"$N" -q compute "$W" --config "$T/p.ini" >/dev/null 2>"$T/err" ||
    fail "compute: $(cat "$T/err")"
"$N" -q export "$W" -o "$T/x" --year 2024 --config "$T/p.ini" 2>"$T/err" ||
    fail "export: $(cat "$T/err")"
$PY - "$T/x/profile.geojson" <<'EOF' || fail "profile changes"
import json, sys
f = {x["properties"]["area_id"]: x["properties"]
     for x in json.load(open(sys.argv[1]))["features"]}
want = {"A1": (20.0, None), "A2": (20.0, None), "A3": (40.0, 10.0),
        "A4": (40.0, None)}
for a, (v, c) in want.items():
    got = (f[a]["noattach"], f[a]["noattach_change"])
    assert got == (v, c), (a, got, (v, c))
    assert f[a]["noattach_status"] == "ok", f[a]
EOF
# Unsuppressed: the changes are there (so the nulls above are disclosure).
"$N" -q export "$W" -o "$T/u" --year 2024 --config "$T/p.ini" \
    --internal-unsuppressed 2>/dev/null || fail "export unsuppressed"
$PY - "$T/u/profile-INTERNAL.geojson" <<'EOF' || fail "unsuppressed changes"
import json, sys
f = {x["properties"]["area_id"]: x["properties"]
     for x in json.load(open(sys.argv[1]))["features"]}
assert f["A1"]["noattach_change"] == -13.33, f["A1"]
assert f["A2"]["noattach_change"] == -5.0, f["A2"]
EOF
[ $fails -eq 0 ] || exit 1
echo "disclosure change: ok"
