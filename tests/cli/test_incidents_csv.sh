#!/bin/bash
# labels: cli
# Incident CSV quirks found in review: a ';' file with '.' decimals keeps
# every point (coordinates accept either decimal mark), and a stray quote is
# an error naming the record instead of a category with a quote in it; the
# workspace is unchanged after the error. Windows-1252 text is converted
# and noted, a mix of encodings, binary bytes and UTF-16 are refused (the
# encoding decision of the statistics reader).
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
fail() { echo "FAIL: $*" >&2; exit 1; }
"$N" -q init "$T/ws.sqlite"
spatialite -silent "$T/ws.sqlite" "INSERT INTO areas(area_id,name,geom) VALUES ('A','a',CastToMulti(GeomFromText('POLYGON((0 0,200 0,200 200,0 200,0 0))',25832)))" >/dev/null
# (10.5, 10.5) and (150.25, 50) lie in A, (99999, 5) outside
printf 'x;y;year;category\n10.5;10.5;2021;a\n150,25;50;2021;a\n99999;5;2021;a\n' > "$T/semi.csv"
"$N" -q import incidents "$T/ws.sqlite" "$T/semi.csv" --src-crs EPSG:25832 2>/dev/null
got=$(sqlite3 "$T/ws.sqlite" "SELECT area_id||'|'||year||'|'||category||'|'||n FROM incident_counts")
[ "$got" = "A|2021|a|2" ] || fail "';' file with '.' decimals: $got"
sum=$(sha256sum < "$T/ws.sqlite")
printf 'x,y,year,category\n10,10,2021,a"b\n150,50,2021,"a"x\n' > "$T/quote.csv"
rc=0; out=$("$N" import incidents "$T/ws.sqlite" "$T/quote.csv" --src-crs EPSG:25832 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "stray quote: exit $rc"
grep -q "quote.csv:2: " <<<"$out" || fail "stray quote message: $out"
[ "$(sha256sum < "$T/ws.sqlite")" = "$sum" ] || fail "workspace changed"
# Windows-1252 (Danish Excel's "CSV (semikolonsepareret)"): the same
# encoding decision as statistics (csvread.c), converted and noted. The
# fixture's categories are hærværk, røveri and "vold på gaden" as the
# bytes E6, F8, E5; stored as UTF-8 (compared with Python's own encoding).
cp="$NBL_SOURCE_DIR/tests/fixtures/incidents/points_cp1252.csv"
"$N" import incidents "$T/ws.sqlite" "$cp" --src-crs EPSG:25832 2> "$T/cp.err" || fail "cp1252 import: $(cat "$T/cp.err")"
grep -q "points_cp1252.csv: read as Windows-1252 text (converted to UTF-8; line 2 showed it)" "$T/cp.err" || fail "cp1252 not noted: $(cat "$T/cp.err")"
got=$(sqlite3 "$T/ws.sqlite" "SELECT year||'|'||category||'|'||n FROM incident_counts WHERE category <> 'a' ORDER BY 1" | tr '\n' ' ')
want=$(/usr/bin/python3 -c 'print("2021|hærværk|1 2021|røveri|1 2022|hærværk|1 2022|vold på gaden|1 ")')
[ "$got" = "$want" ] || fail "cp1252 categories: '$got', expected '$want'"
# the same file saved as UTF-8 reads as it is, with no note
iconv -f WINDOWS-1252 -t UTF-8 "$cp" > "$T/utf8.csv"
"$N" import incidents "$T/ws.sqlite" "$T/utf8.csv" --src-crs EPSG:25832 2> "$T/u.err" || fail "utf-8 import: $(cat "$T/u.err")"
grep -q "Windows-1252" "$T/u.err" && fail "UTF-8 noted as Windows-1252: $(cat "$T/u.err")"
got2=$(sqlite3 "$T/ws.sqlite" "SELECT year||'|'||category||'|'||n FROM incident_counts WHERE category <> 'a' ORDER BY 1" | tr '\n' ' ')
[ "$got2" = "$want" ] || fail "utf-8 categories: '$got2'"
# a UTF-8 line, then a line that is not UTF-8: a mix, refused naming the
# line; binary bytes likewise; the workspace is unchanged
sum=$(sha256sum < "$T/ws.sqlite")
{ printf 'x;y;year;category\n1;1;2021;s\xc3\xb8\n'; printf '2;2;2021;s\xf8\n'; } > "$T/mix.csv"
rc=0; out=$("$N" import incidents "$T/ws.sqlite" "$T/mix.csv" --src-crs EPSG:25832 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "mixed encodings: exit $rc"
grep -q "mix.csv:3: not valid UTF-8 or Windows-1252 text (line 2 is UTF-8" <<<"$out" || fail "mixed message: $out"
printf 'x;y;year;category\n1;1;2021;\x01\xff\n' > "$T/bin.csv"
rc=0; out=$("$N" import incidents "$T/ws.sqlite" "$T/bin.csv" --src-crs EPSG:25832 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "bin.csv:2: not valid UTF-8 or Windows-1252 text (byte 0x01)" <<<"$out" || fail "binary: exit $rc: $out"
printf 'x,y,year,category\n' | iconv -t UTF-16 > "$T/u16.csv"
rc=0; out=$("$N" import incidents "$T/ws.sqlite" "$T/u16.csv" --src-crs EPSG:25832 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "u16.csv: the file is UTF-16 text" <<<"$out" || fail "utf-16: exit $rc: $out"
[ "$(sha256sum < "$T/ws.sqlite")" = "$sum" ] || fail "workspace changed by a refused file"
# a Windows-1252 line longer than the reader's 1 MiB block: whole lines
# are decoded, never a line cut at a block boundary
/usr/bin/python3 - "$T/long.csv" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"x;y;year;category\n")
    f.write(b"5;5;2023;" + "ø".encode("cp1252") * (3 << 20) + b"\n")
    f.write(b"6;6;2023;b\xe5d\n")
PY
"$N" -q import incidents "$T/ws.sqlite" "$T/long.csv" --src-crs EPSG:25832 || fail "long cp1252 line"
got3=$(sqlite3 "$T/ws.sqlite" "SELECT length(category)||'|'||n FROM incident_counts WHERE year = 2023 ORDER BY 1" | tr '\n' ' ')
[ "$got3" = "3145728|1 3|1 " ] || fail "long line: $got3"
cp "$T/ws.sqlite" "$T/ws2.sqlite"
sum2=$(sha256sum < "$T/ws2.sqlite")
# The delimiter is decided as for statistics (csvread.c): a header with
# both ';' and ',' outside quotes (here "x;y;year;type,sub") was read as
# ';' by majority vote; now it is an error naming the file and line 1 and
# the option, the workspace unchanged; --delimiter ';' reads it
printf 'x;y;year;type,sub\n10;10;2022;a\n150;50;2022;a\n' > "$T/mixed.csv"
rc=0; out=$("$N" --lang en import incidents "$T/ws2.sqlite" "$T/mixed.csv" --src-crs EPSG:25832 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "mixed delimiters: exit $rc"
grep -q "mixed.csv:1: cannot tell the delimiter: .*(pass --delimiter" <<<"$out" || fail "mixed delimiters message: $out"
[ "$(sha256sum < "$T/ws2.sqlite")" = "$sum2" ] || fail "workspace changed by mixed delimiters"
"$N" -q import incidents "$T/ws2.sqlite" "$T/mixed.csv" --src-crs EPSG:25832 --delimiter ';' --category-field 'type,sub' 2>/dev/null || fail "--delimiter ';'"
got=$(sqlite3 "$T/ws2.sqlite" "SELECT n FROM incident_counts WHERE year = 2022 AND category = 'a'")
[ "$got" = 2 ] || fail "--delimiter ';': $got"
# a tab-separated file, detected; and in quotes a ',' is no delimiter
printf 'x\ty\tyear\t"category, kind"\n10\t10\t2020\tb\n11\t12\t2020\tb\n' > "$T/tab.csv"
"$N" -q import incidents "$T/ws2.sqlite" "$T/tab.csv" --src-crs EPSG:25832 --category-field 'category, kind' 2>/dev/null || fail "tab file"
got=$(sqlite3 "$T/ws2.sqlite" "SELECT n FROM incident_counts WHERE year = 2020 AND category = 'b'")
[ "$got" = 2 ] || fail "tab file: $got"
rc=0; out=$("$N" --lang en import incidents "$T/ws2.sqlite" "$T/tab.csv" --delimiter '|' 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "--delimiter '|': exit $rc"
grep -q -- "--delimiter: expected ',', ';' or tab, not '|'" <<<"$out" || fail "--delimiter '|' message: $out"
echo "incidents csv: all checks passed"
