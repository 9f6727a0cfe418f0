#!/bin/bash
# labels: cli
# Statistics as they arrive, end to end (issue 9 points 1-4, 7): a Danish
# Excel CSV (Windows-1252, ';', Danish headings, a name column, empty rows)
# with a column mapping; an .xlsx made with GDAL (ogr2ogr) from it, for the
# Copenhagen areas in ../shared/realdata; the real Copenhagen StatBank
# download (KKBYG1, BOM, CRLF, labels without codes) into the districts;
# a StatBank reference file with quarters (period = last); and, in a
# project file, a glob source and a missing file named by line and key.
# Expected values are the literal numbers written here, and for the real
# StatBank file counted from the file with awk.
set -uo pipefail
BIN=$NBL_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() { # expect CODE CMD...
    local want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    [ "$got" = "$want" ] || fail "exit $got (want $want): $* :: $(head -3 "$T/err")"
}
has() { grep -qF -- "$1" "$T/err" || fail "missing '$1' in: $(head -5 "$T/err")"; }
q() { sqlite3 "$WS" "$1"; }

R=${NBL_REALDATA:-}
CPH=$R/cph-udsatte-byomraader
if [ ! -f "$CPH/f_udsatte_byomraader.json" ]; then
    echo "skipped: real data not found (NBL_REALDATA=$R)"
    exit 0
fi
WS=$T/ws.sqlite
"$BIN" init "$WS" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
expect 0 "$BIN" import areas "$WS" "$CPH/f_udsatte_byomraader.json" --id ogc_fid --name delomraade
n=$(q "SELECT count(*) FROM areas")
[ "$n" -ge 3 ] || fail "areas: $n"
sum0=$(sha256sum <"$WS")

# 1. The officer's Excel export, as Danish Excel's "CSV (semikolonsepareret)"
# writes it: Windows-1252 (Å C5, ø F8, æ E6), CRLF, two empty rows at the end
printf 'Omr\xe5de-ID;Omr\xe5denavn;\xc5r;Antal beboere;Beboere 18-64 \xe5r;Bem\xe6rkning\r\n1;Tingbjerg/Husum;2023;6500;4100;\r\n2;Ved Bispebjerg Parkall\xe9;2023;2100;1400;ny opg\xf8relse\r\n3;Ryparken;2023;1800;1150;\r\n;;;;;\r\n;;;;;\r\n' >"$T/statistik_2023.csv"
# unmapped: the unplaced headings are listed, nothing stored
expect 1 "$BIN" import stats "$WS" "$T/statistik_2023.csv"
has "statistik_2023.csv:1: header fits neither layout"
has "'Område-ID;Områdenavn;År;Antal beboere;Beboere 18-64 år;Bemærkning'"
M=(--column "area_id=Område-ID" --column "year=År" --column "pop=Antal beboere"
    --column "pop_18_64=Beboere 18-64 år")
expect 1 "$BIN" import stats "$WS" "$T/statistik_2023.csv" "${M[@]}" --ignore Områdenavn
has "statistik_2023.csv:1: unplaced heading 'Bemærkning' (nearest: "
has "or list it under ignore (header 'Område-ID;Områdenavn;År;Antal beboere;Beboere 18-64 år;Bemærkning')"
# a mapped heading the file does not have
expect 1 "$BIN" import stats "$WS" "$T/statistik_2023.csv" "${M[@]}" --ignore Områdenavn \
    --ignore Bemærkning --column "noattach_18_64=Uden for arbejdsmarkedet"
has "statistik_2023.csv:1: column.noattach_18_64: heading 'Uden for arbejdsmarkedet' is not in the header"
[ "$(sha256sum <"$WS")" = "$sum0" ] || fail "workspace changed by refused files"
expect 0 "$BIN" import stats "$WS" "$T/statistik_2023.csv" "${M[@]}" --ignore Områdenavn --ignore Bemærkning
has "3 rows read, 3 stored (6 values: 6 new"
has "statistik_2023.csv: read as Windows-1252 text (converted to UTF-8)"
has "statistik_2023.csv: 2 empty rows skipped"
[ "$(q "SELECT value FROM stats WHERE area_id='2' AND year=2023 AND variable='pop_18_64'")" = 1400.0 ] ||
    fail "cp1252 file: pop_18_64 of area 2"
# a bad value names the file's own heading
printf 'Omr\xe5de-ID;\xc5r;Antal beboere\r\n1;2022;mange\r\n' >"$T/bad.csv"
expect 1 "$BIN" import stats "$WS" "$T/bad.csv" --column "area_id=Område-ID" --column "year=År" \
    --column "pop=Antal beboere"
has "bad.csv:2: column 'Antal beboere': not a number: 'mange'"

# 2. The same table as a workbook made with GDAL: numbers stored as numbers,
# the header row first, a second sheet so the sheet must be named
iconv -f WINDOWS-1252 -t UTF-8 "$T/statistik_2023.csv" | sed 's/2023/2022/' |
    tr -d '\r' | grep -v '^;*$' >"$T/s.csv"
ogr2ogr -q -f XLSX "$T/statistik.xlsx" "$T/s.csv" -oo AUTODETECT_TYPE=YES -nln Beboere 2>/dev/null ||
    fail "ogr2ogr xlsx"
ogr2ogr -q -update "$T/statistik.xlsx" "$T/s.csv" -nln Noter 2>/dev/null
X=("${M[@]}" --ignore Områdenavn --ignore Bemærkning)
expect 1 "$BIN" import stats "$WS" "$T/statistik.xlsx" "${X[@]}"
has "statistik.xlsx: the workbook has 2 sheets ('Beboere', 'Noter'); name one with sheet = NAME"
expect 0 "$BIN" import stats "$WS" "$T/statistik.xlsx" "${X[@]}" --sheet Beboere
has "3 rows read, 3 stored (6 values: 6 new"
[ "$(q "SELECT value FROM stats WHERE area_id='3' AND year=2022 AND variable='pop'")" = 1800.0 ] ||
    fail "xlsx: pop of area 3"
# a workbook under a .csv name is read as a workbook, not "not valid UTF-8"
cp "$T/statistik.xlsx" "$T/renamed.csv"
expect 0 "$BIN" import stats "$WS" "$T/renamed.csv" "${X[@]}" --sheet Beboere
has "6 unchanged"
# a bad cell names sheet and row
printf 'Område-ID,År,Antal beboere\n1,2021,100\n99,2021,5\n' >"$T/b.csv"
ogr2ogr -q -f XLSX "$T/b.xlsx" "$T/b.csv" -nln Ark1 2>/dev/null
expect 1 "$BIN" import stats "$WS" "$T/b.xlsx" --column "area_id=Område-ID" --column "year=År" \
    --column "pop=Antal beboere"
has "b.xlsx: sheet 'Ark1' row 3: column 'Område-ID': unknown area: '99'"
# .ods through GDAL's ODS driver
ogr2ogr -q -f ODS "$T/s.ods" "$T/s.csv" -oo AUTODETECT_TYPE=YES -nln Beboere 2>/dev/null
expect 0 "$BIN" import stats "$WS" "$T/s.ods" "${X[@]}"
has "6 unchanged"

# 3. The real StatBank download of Copenhagen's statistics bank (KKBYG1:
# buildings from 1850-1899 per area; BOM, ';', CRLF, labels without codes)
# into the city's districts, whose ids are the labels the file uses
D=$T/bydel.sqlite
"$BIN" init "$D" >/dev/null 2>&1
ogr2ogr -q -f GeoJSON "$T/bydel.geojson" "$CPH/bydel.json" -dialect sqlite \
    -sql "SELECT 'Bydel - ' || navn AS bydel, geometry FROM bydel" 2>/dev/null || fail "ogr2ogr bydel"
WS=$D expect 0 "$BIN" import areas "$D" "$T/bydel.geojson" --id bydel
printf '[variable.buildings_1850_1899]\nkind = count\n[stats]\nformat = statbank\ncolumn.area_id = OMRKK\nvariable = buildings_1850_1899\nwhere.ENHED = Antal bygninger\n' >"$T/kk.ini"
expect 0 "$BIN" import stats "$D" "$CPH/1850-1899.csv" --config "$T/kk.ini" --skip-invalid
# the rows the file has for the districts, counted independently
want=$(ogrinfo -q -al "$T/bydel.geojson" | sed -n 's/^ *bydel (String) = //p' | sort >"$T/ids"
    awk -F';' 'NR==FNR{ids[$0]=1;next} FNR>1 && ($1 in ids){n++} END{print n+0}' "$T/ids" \
        <(tr -d '\r' <"$CPH/1850-1899.csv"))
got=$(sqlite3 "$D" "SELECT count(*) FROM stats WHERE variable='buildings_1850_1899'")
[ "$want" -gt 100 ] && [ "$got" = "$want" ] || fail "KKBYG1: $got values stored, want $want"
v=$(tr -d '\r' <"$CPH/1850-1899.csv" | awk -F';' '$1=="Bydel - Nørrebro" && $4=="2023"{print $5}')
[ "$(sqlite3 "$D" "SELECT CAST(value AS INTEGER) FROM stats WHERE area_id='Bydel - Nørrebro' AND year=2023")" = "$v" ] ||
    fail "KKBYG1: Nørrebro 2023 is not $v"

# 4. A StatBank reference file with quarters: an error naming the period,
# or each year's last quarter with period = last; a varying column refused
WS=$T/ws.sqlite
printf '\xef\xbb\xbfOMR\xc3\x85DE;K\xc3\x98N;TID;INDHOLD\r\n101 K\xc3\xb8benhavn;I alt;2023K3;653000\r\n101 K\xc3\xb8benhavn;I alt;2023K4;654000\r\n101 K\xc3\xb8benhavn;M\xc3\xa6nd;2023K4;322000\r\n' >"$T/folk1a.csv"
expect 1 "$BIN" import refs "$WS" "$T/folk1a.csv" --variable pop
has "folk1a.csv:2: column 'TID': '2023K3' is a period of 2023, not a year"
printf '[refs]\nvariable = pop\nperiod = last\n' >"$T/r.ini"
expect 1 "$BIN" import refs "$WS" "$T/folk1a.csv" --config "$T/r.ini"
has "folk1a.csv:4: column 'KØN' varies: 'Mænd' here, 'I alt' on line 2; hold it to one value with where.KØN = VALUE"
printf '[refs]\nvariable = pop\nperiod = last\nwhere.KØN = I alt\n' >"$T/r.ini"
expect 0 "$BIN" import refs "$WS" "$T/folk1a.csv" --config "$T/r.ini"
[ "$(q "SELECT scope || ' ' || code || ' ' || year || ' ' || value FROM refs WHERE variable='pop'")" = \
    "municipality 101 2023 654000.0" ] || fail "folk1a: $(q "SELECT * FROM refs")"

# 4b. Plans share the encoding detection: a Windows-1252 plans table is
# converted (é E9, ø F8), a UTF-16 one named as such
printf 'plan_id;name;start_year;end_year;areas\r\nP1;Helhedsplan Tingbjerg og Bispebjerg Parkall\xe9;2020;2024;1|2\r\nP2;Ryparken f\xf8rst;2021;2025;3\r\n' >"$T/plans.csv"
expect 0 "$BIN" import plans "$WS" "$T/plans.csv"
has "plans.csv: read as Windows-1252 text (converted to UTF-8)"
[ "$(q "SELECT name FROM plans WHERE plan_id='P1'")" = "Helhedsplan Tingbjerg og Bispebjerg Parkallé" ] ||
    fail "plans: cp1252 name: $(q "SELECT name FROM plans")"
printf 'plan_id,name\n' | iconv -f UTF-8 -t UTF-16 >"$T/plans16.csv"
expect 1 "$BIN" import plans "$WS" "$T/plans16.csv"
has "plans16.csv: the file is UTF-16 text, not UTF-8; save it as UTF-8"

# 5. A project file: a glob source (sorted by name), the mapping in a
# [stats.excel] section, and a missing file named by line and key
mkdir -p "$T/p"
cp "$CPH/f_udsatte_byomraader.json" "$T/p/areas.json"
cp "$T/statistik_2023.csv" "$T/p/statistik_2023.csv"
sed 's/;2023;/;2021;/' "$T/statistik_2023.csv" >"$T/p/statistik_2021.csv"
cat >"$T/p/p.ini" <<'INI'
[project]
workspace = p.sqlite

[areas]
source = areas.json
id = ogc_fid

[stats.excel]
source = statistik_*.csv
column.area_id = Område-ID
column.year = År
column.pop = Antal beboere
column.pop_18_64 = Beboere 18-64 år
ignore = Områdenavn, Bemærkning

[refs]
source = mangler.csv
INI
expect 1 "$BIN" run "$T/p/p.ini"
has "p.ini:17: [refs] source: cannot read '$T/p/mangler.csv'"
[ ! -e "$T/p/p.sqlite" ] || fail "a run with a missing source created the workspace"
sed -i 's/^source = mangler.csv/source = folk_*.csv/' "$T/p/p.ini"
expect 1 "$BIN" run "$T/p/p.ini"
has "p.ini:17: [refs] source: no file matches '$T/p/folk_*.csv'"
sed -i '/^\[refs\]/,$d' "$T/p/p.ini"
expect 0 "$BIN" run "$T/p/p.ini"
has "stats: statistik_2021.csv: 3 rows"
grep -n "stats: statistik_20" "$T/err" | head -1 | grep -q 2021 || fail "glob not sorted by name"
[ "$(sqlite3 "$T/p/p.sqlite" "SELECT count(*) FROM stats WHERE variable='pop'")" = 6 ] ||
    fail "glob: not both years stored"
# the other inputs' files are checked the same way, before anything is done
sumP=$(sha256sum <"$T/p/p.sqlite")
sed -i 's/^source = areas.json/source = omraader.json/' "$T/p/p.ini"
expect 1 "$BIN" run "$T/p/p.ini"
has "p.ini:5: [areas] source: cannot read '$T/p/omraader.json'"
[ "$(sha256sum <"$T/p/p.sqlite")" = "$sumP" ] || fail "a run with a missing source changed the workspace"
sed -i 's/^source = omraader.json/source = areas.json/' "$T/p/p.ini"
printf '\n[grid]\nsource = kvadratnet_2024.csv\n' >>"$T/p/p.ini"
gl=$(grep -n '^source = kvadratnet' "$T/p/p.ini" | cut -d: -f1)
expect 1 "$BIN" run "$T/p/p.ini"
has "p.ini:$gl: [grid] source: cannot read '$T/p/kvadratnet_2024.csv'"
[ "$(sha256sum <"$T/p/p.sqlite")" = "$sumP" ] || fail "a run with a missing grid file changed the workspace"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
