#!/bin/bash
# labels: cli
# What a new user's own files ran into (docs/statistics.md; the findings of
# the session-12 new-user review): every case ran a command the docs show
# and got a message that pointed the wrong way, or could not be run at all.
#   - `nabolag run` reads a file whose decimal mark or delimiter cannot be
#     detected when the project file says it ([stats] decimal, delimiter);
#     the detection's message names that key, not only --decimal, which
#     `run` does not have; ';' (a comment in INI) is named as such;
#     [incidents] and [grid] take delimiter too;
#   - a thousands separator is named as one, with the number to write:
#     "412.392,7" (both marks), "57.369" beside "6,8" on one line, "57.369"
#     as a count in a '.' file, "57.369" in a ',' file;
#   - a ';' file whose first line is data ("6,8" in it) is not taken for an
#     undecidable delimiter but reported as having no header;
#   - unplaced headings in Danish are Danish throughout;
#   - a StatBank row's problem names the file's heading (OMRKK, TID);
#   - `nabolag area WS 01` for area 1 names '1', as the imports do;
#   - a repeated row of a wide file is named once per line, not once per
#     column;
#   - Excel's trailing ';' (an empty last heading) is no error, a value
#     under it is;
#   - import stats --config whose sections name no such file says so;
#   - the checks over all rows name the file's heading, as the row checks;
#   - '\r' alone as the line end (old Mac Excel) gives the right line;
#   - a year cell left empty is 'empty year', not "year is not an
#     integer: ''";
#   - the reasons of a rejected value are Danish with --lang da (no English
#     fragment inside);
#   - areas without a municipality code: compute says they get no
#     profile;
#   - [project] name titles nabolag.qgs and its print layout;
#   - a second run into an export folder without overwrite stops before
#     the job, not after it;
#   - importing the areas again with another --id field keeps the areas of
#     the first import beside the new ones (documented): the import says
#     how many and which, instead of nothing;
#   - UTM metres read as lon/lat (a GeoJSON without a crs member, or
#     --src-crs EPSG:4326) are said to look like metres;
#   - municipalities (all over 100 km²) give three size warnings and a
#     count, not one per municipality (73 for DAGI's).
set -u
BIN=${NBL_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() { # CODE CMD...: stderr to $T/err
    local want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    [ "$got" -eq "$want" ] || { fail "exit $got (wanted $want): $*"; sed 's/^/    /' "$T/err"; }
}
has() { grep -qF -- "$1" "$T/err" || { fail "stderr lacks: $1"; sed 's/^/    /' "$T/err"; }; }
lacks() { ! grep -qF -- "$1" "$T/err" || { fail "stderr has: $1"; sed 's/^/    /' "$T/err"; }; }

# two areas as GeoJSON (EPSG:4326), ids 1 and 2
cat >"$T/areas.geojson" <<'EOF'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"nr":1,"navn":"Indre By"},"geometry":{"type":"Polygon","coordinates":[[[12.57,55.67],[12.59,55.67],[12.59,55.69],[12.57,55.69],[12.57,55.67]]]}},
{"type":"Feature","properties":{"nr":2,"navn":"Østerbro"},"geometry":{"type":"Polygon","coordinates":[[[12.57,55.69],[12.59,55.69],[12.59,55.71],[12.57,55.71],[12.57,55.69]]]}}]}
EOF
# cri_share with three decimals throughout: '1,250' is 1.25 % or 1250
printf '\xef\xbb\xbfOmr\xc3\xa5de;\xc3\x85r;Andel d\xc3\xb8mte (%%)\r\n1;2024;1,250\r\n2;2024;2,500\r\n' >"$T/cri.csv"
cat >"$T/p.ini" <<'EOF'
[project]
workspace = ws.sqlite
[areas]
source = areas.geojson
id = nr
name = navn
[stats]
source = cri.csv
column.area_id = Område
column.year = År
column.cri_share = Andel dømte (%)
EOF
expect 1 "$BIN" run "$T/p.ini"
has "cri.csv:2: cannot tell the decimal mark: '1,250' could be a decimal or a thousands separator; pass --decimal . or --decimal , (in a project file: decimal = . or ,)"
[ -e "$T/ws.sqlite" ] && fail "the failed first run left its workspace"
has "ws.sqlite removed again: the run that created it failed"
sed -i 's/^\[stats\]$/[stats]\ndecimal = ,/' "$T/p.ini"
expect 0 "$BIN" run "$T/p.ini"
[ "$(sqlite3 "$T/ws.sqlite" "SELECT group_concat(value, ' ') FROM (SELECT value FROM stats WHERE variable='cri_share' ORDER BY area_id)")" = "1.25 2.5" ] ||
    fail "decimal = , did not read '1,250' as 1.25"
# the areas have no municipality field: the run says why there are no
# profiles ('profiles for 0 area-years' alone did not)
has "2 areas have no municipality code and get no area profile"
expect 0 "$BIN" compute "$T/ws.sqlite" --criteria-only
lacks "no municipality code"
sed -i 's/^decimal = ,$/decimal = ;/' "$T/p.ini"
expect 1 "$BIN" run "$T/p.ini"
has "p.ini:8: [stats] decimal: expected . or , (point or comma), got ''"

# a heading with a comma in a ';' file: delimiter = semicolon
rm -f "$T/ws.sqlite"
printf 'Omr\xc3\xa5de;\xc3\x85r;Indkomst, gns. 15-64\r\n1;2024;412392,5\r\n2;2024;400000,25\r\n' >"$T/ind.csv"
cat >"$T/q.ini" <<'EOF'
[project]
workspace = ws.sqlite
[areas]
source = areas.geojson
id = nr
[stats]
source = ind.csv
column.area_id = Område
column.year = År
column.income_mean_15_64 = Indkomst, gns. 15-64
EOF
expect 1 "$BIN" run "$T/q.ini"
has "ind.csv:1: cannot tell the delimiter: the header has more than one of ',', ';' and tab outside quotes (pass --delimiter ',', ';' or tab; in a project file: delimiter = comma, semicolon or tab)"
sed -i 's/^\[stats\]$/[stats]\ndelimiter = ;/' "$T/q.ini"
expect 1 "$BIN" run "$T/q.ini"
has "q.ini:7: [stats] delimiter: expected comma, semicolon or tab, got '' (';' starts a comment: write semicolon)"
sed -i 's/^delimiter = ;$/delimiter = semicolon/' "$T/q.ini"
expect 0 "$BIN" run "$T/q.ini"
[ "$(sqlite3 "$T/ws.sqlite" "SELECT group_concat(value, ' ') FROM (SELECT value FROM stats WHERE variable='income_mean_15_64' ORDER BY area_id)")" = "412392.5 400000.25" ] ||
    fail "delimiter = semicolon: values not read"

# [project] name heads the QGIS project's title and the board map's title
# (they said only 'nabolag 2024 (dk2021)'), escaped, in a font that fits
mkdir -p "$T/named"
cp "$T/areas.geojson" "$T/ind.csv" "$T/named/"
sed 's/^\[project\]$/[project]\nname = Bydele \& boligomr\xc3\xa5der i K\xc3\xb8benhavns Kommune, til bestyrelsen/' \
    "$T/q.ini" >"$T/named/q.ini"
printf '[export]\ndir = out\n' >>"$T/named/q.ini"
expect 0 "$BIN" run "$T/named/q.ini"
Q=$T/named/out/nabolag.qgs
grep -q '<title>Bydele &amp; boligområder i Københavns Kommune, til bestyrelsen: nabolag 2024 (dk2021)</title>' "$Q" ||
    fail "project title: $(grep -o '<title>[^<]*</title>' "$Q")"
grep -q 'labelText="Bydele &amp; boligområder i Københavns Kommune, til bestyrelsen: boligområder 2024, regelsæt dk2021"' "$Q" ||
    fail "layout title: $(grep -o 'labelText="[^"]*"' "$Q" | head -1)"
grep -A1 'labelText="Bydele' "$Q" | grep -q 'DejaVu Sans,12,' || fail "an 83-character title not in 12 pt"
# the same project again, [export] overwrite left at its default false:
# refused before anything is imported or exported (it used to run the
# whole job, print 'exported 6 layers ... to out', then fail)
expect 1 "$BIN" run "$T/named/q.ini"
has "out/nabolag.qgs: already exists (set [export] overwrite = true to replace it)"
lacks "exported"
lacks "stats:"
rm "$Q"
expect 1 "$BIN" run "$T/named/q.ini"
has "already exists (set [export] overwrite = true to replace it)"

# [incidents] and [grid] delimiter: a heading with a comma in a ';' file
mkdir -p "$T/inc"
cp "$T/areas.geojson" "$T/inc/"
printf 'Dato;Kategori, type;X;Y\r\n12-10-2024;vold;12.58;55.68\r\n' >"$T/inc/h.csv"
printf 'cell_id;year;Beboere, i alt\r\n100m_61756_7195;2024;12\r\n' >"$T/inc/g.csv"
cat >"$T/inc/i.ini" <<'EOF'
[project]
workspace = ws.sqlite
[areas]
source = areas.geojson
id = nr
[incidents]
source = h.csv
date_field = Dato
category_field = Kategori, type
x_field = X
y_field = Y
src_crs = EPSG:4326
[grid]
source = g.csv
column.pop = Beboere, i alt
[stats]
source = s.csv
EOF
printf 'area_id,year,pop\n1,2024,1200\n2,2024,900\n' >"$T/inc/s.csv"
expect 1 "$BIN" run "$T/inc/i.ini"
has "cannot tell the delimiter"
has "in a project file: delimiter = comma, semicolon or tab"
sed -i 's/^\[grid\]$/[grid]\ndelimiter = semicolon/' "$T/inc/i.ini"
expect 1 "$BIN" run "$T/inc/i.ini"
has "h.csv:1: cannot tell the delimiter"
sed -i 's/^\[incidents\]$/[incidents]\ndelimiter = semicolon/' "$T/inc/i.ini"
expect 0 "$BIN" run "$T/inc/i.ini"
has "incidents: h.csv: 1 point, 1 in an area"
has "g.csv"

# thousands separators, with the stored workspace left alone
WS=$T/ws.sqlite
cp "$WS" "$T/before.sqlite"
w() { printf 'area_id;year;pop;eth_share\r\n%s\r\n' "$1" >"$T/$2"; }
w '1;2024;1200;412.392,7' both.csv
expect 1 "$BIN" import stats "$WS" "$T/both.csv"
has "both.csv:2: '412.392,7' has both '.' and ',': thousands separators are not accepted: write '412392,7'"
w '1;2024;57.369;6,8' sameline.csv
expect 1 "$BIN" import stats "$WS" "$T/sameline.csv"
has "sameline.csv:2: cannot tell the decimal mark: the line has '57.369' and '6,8' ('57.369' has a thousands separator? they are not accepted: write '57369'); pass --decimal . or --decimal ,"
expect 1 "$BIN" import stats "$WS" "$T/sameline.csv" --decimal ,
has "sameline.csv:2: column 'pop': not a number: '57.369' (thousands separators are not accepted: write '57369')"
w '1;2024;57.369;6.8' dotcount.csv
expect 1 "$BIN" import stats "$WS" "$T/dotcount.csv"
has "dotcount.csv:2: column 'pop': a count must be a whole number: '57.369' (a thousands separator? they are not accepted: write '57369')"
printf 'area_id,year,variable,value\n1,2024,pop,1.200\n1,2024,eth_share,6.5\n' >"$T/long.csv"
expect 1 "$BIN" import stats "$WS" "$T/long.csv"
has "long.csv:2: column 'value': pop is a count and must be a whole number: '1.200' (a thousands separator? they are not accepted: write '1200')"
w '1;2024;1200;12.5' dotin.csv
printf '2;2024;1300;6,8\r\n' >>"$T/dotin.csv"
expect 1 "$BIN" import stats "$WS" "$T/dotin.csv" --decimal ,
has "dotin.csv:2: column 'eth_share': not a number (the decimal mark of this file is ','): '12.5'"
expect 1 "$BIN" --lang da import stats "$WS" "$T/dotin.csv" --decimal ,
has "dotin.csv:2: kolonne 'eth_share': ikke et tal (decimaltegnet i denne fil er ','): '12.5'"
lacks "the decimal mark of this file"
cmp -s "$WS" "$T/before.sqlite" || fail "a failed import changed the workspace"

# an area asked for with a leading zero: the id it may mean is named
expect 1 "$BIN" area "$WS" 01
has "no area with id '01' (did you mean '1'? ids are compared exactly)"
expect 0 "$BIN" area "$WS" 1

# unplaced headings in Danish: no English words inside ("nearest",
# "each", "them" were pasted into the Danish message)
printf 'Omr\xc3\xa5de;\xc3\x85r;Antal beboere;Bem\xc3\xa6rkning;Navn\r\n1;2024;100;;A\r\n' >"$T/da.csv"
expect 1 "$BIN" --lang da import stats "$WS" "$T/da.csv" --column area_id=Område --column year=År --column pop="Antal beboere"
has "overskrifter uden tilknytning: 'Bemærkning' (nærmeste: "
has "tilknyt hver med column.<variabel> = OVERSKRIFT, eller skriv dem under ignore"
lacks "nearest"
lacks " each "
lacks " them "

# the hints inside Danish messages are Danish (they were English)
printf 'area_id,year,variable,value\n1,2024,Pop,5\n' >"$T/case.csv"
expect 1 "$BIN" --lang da import stats "$WS" "$T/case.csv"
has "ukendt variabel: 'Pop' (mente du 'pop'? navne sammenlignes nøjagtigt)"
printf 'area_id,year,variable,value\n1,2023,pop,\n' >"$T/miss.csv"
expect 0 "$BIN" import stats "$WS" "$T/miss.csv"
printf 'area_id,year,variable,value\n1,2023,pop,7\n' >"$T/miss2.csv"
expect 1 "$BIN" --lang da import stats "$WS" "$T/miss2.csv"
has "pop 7 afviger fra værdien, der allerede er i arbejdsfilen (mangler)"

# a StatBank download (KK's KKBYG1 shape): a row's problem names the
# file's heading OMRKK, not the long layout's 'area_id' it is turned into
printf '\xef\xbb\xbfOMRKK;ENHED;TID;INDHOLD\r\nK\xc3\xb8benhavn i alt;Antal bygninger;2023;1653\r\n1;Antal bygninger;2023;20\r\n' >"$T/kk.csv"
expect 1 "$BIN" import stats "$WS" "$T/kk.csv" --variable pop
has "kk.csv:2: column 'OMRKK': unknown area: 'København i alt'"
lacks "column 'area_id'"
printf '\xef\xbb\xbfOMRKK;TID;INDHOLD\r\n1;2023;..\r\n2;20x3;5\r\n' >"$T/kk2.csv"
expect 1 "$BIN" import stats "$WS" "$T/kk2.csv" --variable pop
has "kk2.csv:3: column 'TID':"

# a row of the wide export repeated: one line for each of the two rows,
# not one per column and line (it was 2 x 3 here)
printf 'area_id;year;pop;pop_18_64;eth_share\r\n1;2022;100;60;5,5\r\n1;2022;100;60;5,5\r\n2;2022;90;50;6,5\r\n' >"$T/dup.csv"
expect 1 "$BIN" import stats "$WS" "$T/dup.csv"
has "dup.csv:2: row: duplicate key (area '1', year 2022), also on line 3"
has "dup.csv:3: row: duplicate key (area '1', year 2022), also on line 2"
[ "$(grep -c 'duplicate key' "$T/err")" = 2 ] || fail "a repeated wide row: $(grep -c 'duplicate key' "$T/err") lines, wanted 2"

# Excel's ';' after the last column (an empty column selected): the empty
# heading at the end and its empty fields are left out, with or without a
# mapping; a value under it is a row problem, not dropped
printf 'Omr\xc3\xa5de;\xc3\x85r;Antal beboere;\r\n1;2021;100;\r\n2;2021;90;\r\n' >"$T/trail.csv"
expect 0 "$BIN" import stats "$WS" "$T/trail.csv" --column area_id=Område --column year=År --column pop="Antal beboere"
has "2 rows read, 2 stored"
printf 'area_id;year;pop;;\r\n1;2020;100;;\r\n2;2020;90;;x\r\n' >"$T/trail2.csv"
expect 1 "$BIN" import stats "$WS" "$T/trail2.csv"
has "trail2.csv:3: column 5: a value under an empty heading: 'x'"
has "1 invalid row"

# import stats --config with a project of several [stats] sections and
# next year's file under a new name: the mapping of none applies, and the
# import says why before the header error (it said only 'header fits
# neither layout')
printf '[stats]\nsource = a.csv\n[stats.excel]\nsource = trail.csv\ncolumn.area_id = Område\ncolumn.year = År\ncolumn.pop = Antal beboere\n' >"$T/two.ini"
cp "$T/trail.csv" "$T/trail_2025.csv"
expect 1 "$BIN" import stats "$WS" "$T/trail_2025.csv" --config "$T/two.ini"
has "two.ini: none of its 2 [stats] sections names $T/trail_2025.csv in its source, so none of their column mappings applies"
expect 0 "$BIN" import stats "$WS" "$T/trail.csv" --config "$T/two.ini"
lacks "none of its"

# the checks over all rows (a value that differs from the workspace's, a
# numerator over its denominator) name the file's heading too, as the row
# checks do (they named the variable: 'column eth_share' for 'Andel')
printf 'Omr\xc3\xa5de;\xc3\x85r;Andel;Beboere;Heraf 18-64\r\n1;2021;12,5;100;120\r\n' >"$T/andel.csv"
expect 1 "$BIN" import stats "$WS" "$T/andel.csv" --column area_id=Område --column year=År --column eth_share=Andel --column pop=Beboere --column pop_18_64="Heraf 18-64"
has "andel.csv:2: column 'Heraf 18-64': pop_18_64 120 is larger than its denominator pop 100"
printf 'Omr\xc3\xa5de;\xc3\x85r;Beboere\r\n1;2021;101\r\n' >"$T/beb.csv"
expect 1 "$BIN" import stats "$WS" "$T/beb.csv" --column area_id=Område --column year=År --column pop=Beboere
has "beb.csv:2: column 'Beboere': pop 101 differs from the value already in the workspace (100)"

# the rejects file of a ';' file opens in Danish Excel: a UTF-8 BOM (the
# headings and reasons were mojibake there)
expect 0 "$BIN" import stats "$WS" "$T/andel.csv" --column area_id=Område --column year=År --column eth_share=Andel --column pop=Beboere --column pop_18_64="Heraf 18-64" --skip-invalid --rejects "$T/rej.csv"
[ "$(head -c 3 "$T/rej.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "rejects of a ';' file without a BOM"
grep -q "^.\{0,3\}line;reason;Område;År;Andel;Beboere;Heraf 18-64" "$T/rej.csv" || fail "rejects header: $(head -1 "$T/rej.csv")"
printf 'area_id,year,pop\n1,2030,x\n' >"$T/comma.csv"
expect 0 "$BIN" import stats "$WS" "$T/comma.csv" --skip-invalid --rejects "$T/rej2.csv"
[ "$(head -c 4 "$T/rej2.csv")" = "line" ] || fail "rejects of a ',' file with a BOM"

# a file saved by an old Mac Excel ("CSV (Macintosh)": '\r' alone ends a
# line): read, and a bad row named by its line (all were line 1)
printf 'area_id;year;pop\r1;2033;5\r2;2033;x\r' >"$T/mac.csv"
expect 1 "$BIN" import stats "$WS" "$T/mac.csv"
has "mac.csv:3: column 'pop': not a number: 'x'"
printf 'area_id;year;pop\r1;2033;5\r2;2033;6\r' >"$T/mac2.csv"
expect 0 "$BIN" import stats "$WS" "$T/mac2.csv"
has "2 rows read, 2 stored"

# a year left empty in the export: said so, not 'not an integer'
w '1;;1200;6,8' noyear.csv
expect 1 "$BIN" import stats "$WS" "$T/noyear.csv"
has "noyear.csv:2: column 'year': empty year"
lacks "not an integer"

# a ';' file without a header whose first line has "6,8": no header, not
# an undecidable delimiter
printf '1;2024;1200;6,8\r\n2;2024;1300;7,1\r\n' >"$T/nohead.csv"
expect 1 "$BIN" import stats "$WS" "$T/nohead.csv"
has "nohead.csv:1: no header line: the first line looks like data"
lacks "cannot tell the delimiter"

# areas imported by name, then again by number: the two by name are kept
A=$T/areas.sqlite
"$BIN" -q init "$A"
expect 0 "$BIN" import areas "$A" "$T/areas.geojson" --id navn
lacks "not in this source"
expect 0 "$BIN" import areas "$A" "$T/areas.geojson" --id nr --name navn
has "areas.geojson: 2 areas of the workspace are not in this source and were kept, with their statistics ('Indre By', 'Østerbro'); ids are compared exactly, and a fresh workspace drops them"
has "2 areas stored (2 inserted, 0 updated)"
expect 0 "$BIN" --lang da import areas "$A" "$T/areas.geojson" --id nr
has "areas.geojson: 2 områder i arbejdsfilen er ikke i denne kilde og blev beholdt med deres statistik ('Indre By', 'Østerbro')"
[ "$(sqlite3 "$A" "SELECT count(*) FROM areas")" = 4 ] || fail "areas kept: not 4"

# five areas over 100 km² (municipalities): three named, the rest counted
python3 - "$T/big.geojson" <<'PY'
import json, sys
f = [{"type": "Feature", "properties": {"k": "K%d" % i},
      "geometry": {"type": "Polygon", "coordinates": [[[9 + i * 0.3, 55.0],
       [9.25 + i * 0.3, 55.0], [9.25 + i * 0.3, 55.2], [9 + i * 0.3, 55.2],
       [9 + i * 0.3, 55.0]]]}} for i in range(5)]
json.dump({"type": "FeatureCollection", "features": f}, open(sys.argv[1], "w"))
PY
B=$T/big.sqlite
"$BIN" -q init "$B"
expect 0 "$BIN" import areas "$B" "$T/big.geojson" --id k
[ "$(grep -c 'is over 100 km²' "$T/err")" = 3 ] || fail "not 3 areas over 100 km² named: $(cat "$T/err")"
has "big.geojson: 2 more areas under 100 m² or over 100 km²; check the source's CRS and units"
has "5 areas stored"

# a GeoJSON written in UTM metres without a crs member (so read as lon/lat)
# and the same given --src-crs EPSG:4326: both are told that the
# coordinates look like metres, not that they would lie at longitude 722000
# or that PROJ found an 'Invalid latitude'
cat >"$T/utm.geojson" <<'EOF'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"nr":1},"geometry":{"type":"Polygon","coordinates":[[[722000,6176000],[723000,6176000],[723000,6177000],[722000,6177000],[722000,6176000]]]}}]}
EOF
expect 1 "$BIN" import areas "$A" "$T/utm.geojson" --id nr
has "utm.geojson: feature 0 (id '1'): coordinates (722000, 6176000) are not longitude and latitude as"
has "they look like metres of a projected CRS (for Danish data EPSG:25832): check --src-crs"
lacks "Invalid latitude"
expect 1 "$BIN" import areas "$A" "$T/utm.geojson" --id nr --src-crs EPSG:4326
has "coordinates (722000, 6176000) are not longitude and latitude as EPSG:4326 (WGS 84) has them"
expect 0 "$BIN" import areas "$A" "$T/utm.geojson" --id nr --src-crs EPSG:25832

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
