#!/bin/bash
# labels: cli
# The HTML report withholds what the export withholds (review finding):
#   A1 2500 residents; lab 41.25 % (met) of pop_18_64 15 (< min_denominator
#      20) -> lab cell '·' and criteria met '·'; cri ratio 2.93 of pop_18p
#      500 -> shown.
#   A2 60 residents (< 100) -> residents, values, category '·'; no-value map
#      fill (#ffffff); its move none -> udsat not in "Changes since".
#   A3 1800 residents in 2024 but 50 in 2023 -> its 2023 category '·' and
#      its move udsat -> none not listed.
#   A4 1200 residents, none -> none: published as before.
# Safety index (as the export): A1's 71 includes a survey sub-index of
#   survey_n 10 (< 20) -> '·'; A4's 63 from registered incidents only ->
#   shown.
# [disclosure] comes through nbl__disclosure_load: min_count honoured (an
# area of 2 residents with min_residents_publish 0), a bad value refused.
set -u
N=${NBL_BIN:?}
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-report-disc.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

ws="$T/ws.sqlite"
"$N" -q init "$ws" || exit 1
sq() { local x=$((570000 + $1)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
spatialite -silent "$ws" >/dev/null <<SQL || exit 1
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Et','M1','R',$(sq 0)), ('A2','To','M1','R',$(sq 200)),
 ('A3','Tre','M1','R',$(sq 400)), ('A4','Fire','M1','R',$(sq 600));
INSERT INTO stats(area_id,year,variable,value) VALUES
 ('A1',2024,'pop',2500),('A1',2024,'pop_18_64',15),('A1',2024,'pop_18p',500),
 ('A1',2024,'survey_n',10),
 ('A2',2024,'pop',60),('A2',2023,'pop',60),
 ('A3',2024,'pop',1800),('A3',2023,'pop',50),
 ('A4',2024,'pop',1200),('A4',2023,'pop',1200);
INSERT INTO criterion_results(area_id,year,ruleset,criterion,value,ratio,status,met) VALUES
 ('A1',2024,'dk2021','lab',41.25,NULL,'ok',1),('A1',2024,'dk2021','cri',4.1,2.93,'ok',1),
 ('A2',2024,'dk2021','lab',55.5,NULL,'ok',1),('A4',2024,'dk2021','lab',20,NULL,'ok',0);
INSERT INTO category_results(area_id,year,ruleset,ruleset_version,category,criteria_met,computed_at) VALUES
 ('A1',2024,'dk2021','2021.1','udsat',2,'x'),
 ('A2',2023,'dk2021','2021.1','none',0,'x'),('A2',2024,'dk2021','2021.1','udsat',2,'x'),
 ('A3',2023,'dk2021','2021.1','udsat',2,'x'),('A3',2024,'dk2021','2021.1','none',0,'x'),
 ('A4',2023,'dk2021','2021.1','none',0,'x'),('A4',2024,'dk2021','2021.1','none',0,'x');
INSERT INTO safety_results(area_id,year,perceived,problems,registered,safety_index,safety_band) VALUES
 ('A1',2024,80,NULL,NULL,71,'b'),('A4',2024,NULL,NULL,60,63,'b');
INSERT INTO meta VALUES('current_ruleset','dk2021');
SQL
"$N" -q report "$ws" -o "$T/r.html" || fail "report"
$PY - "$T/r.html" <<'EOF' || fail "report disclosure"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
rows = {}
for tr in re.findall(r"<tr><td>(.*?)</tr>", h):
    m = re.search(r'<span class="id">(A\d)</span>', tr)
    if m:
        rows[m.group(1)] = re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + tr)
# cells: area, residents, lab, cri, edu, inc, eth, criteria met, safety,
# category, prev
a1, a2, a3, a4 = rows["A1"], rows["A2"], rows["A3"], rows["A4"]
assert a1[1] == "2.500" and a1[2] == "·" and a1[3] == "2,93", a1
assert a1[7] == "·", ("criteria met of A1 gives the lab flag away", a1)
assert "41.3" not in h and "41.25" not in h and "41,3" not in h
assert a1[8] == "·" and ">71<" not in h, a1
assert a2[1] == "·" and a2[2] == "·" and a2[9] == "·" and a2[10] == "·", a2
assert ">60<" not in h and "55.5" not in h and "55,5" not in h
assert a3[1] == "1.800" and a3[9] == "Ikke på listen" and a3[10] == "·", a3
assert a4[1] == "1.200" and a4[2] == "20,0" and a4[7] == "0" and a4[8] == "63", a4
assert a4[9] == "Ikke på listen" and a4[10] == "Ikke på listen", a4
# map: A2 with the no-value fill, its title without category
p = re.search(r'<path fill="([^"]*)"[^>]*><title>To \(A2\): ([^<]*)</title>', h)
assert p and p.group(1) == "#ffffff" and p.group(2) == "·", p and p.groups()
# changes: neither A2 (small in both years) nor A3 (small in 2023)
ch = h.split("<h3>Ændringer siden 2023</h3>")[1].split("</ul>")[0]
# A2 is small in both years: not listed; A3, small in 2023, is listed as
# "not shown -> Ikke på listen" (its 2023 category stays unknown), so the
# changes add up to the table
assert "A2" not in ch, ch
assert 'data-from="withheld" data-to="none">Tre (A3): vises ikke' in ch, ch
assert "0 områder forlod listen" in h and "0 områder kom på listen" in h
# category counts: withheld areas counted apart (A2 both years, A3 2023)
assert re.search(r'vises ikke \(under mindstetallet for offentliggørelse\)</td><td class="num now">1</td><td class="num before">2</td>', h)
assert re.search(r'Udsat boligområde</td><td class="num now">1</td><td class="num before">0</td>', h)
EOF
# min_count through [disclosure]: 2 residents is a small count even when
# min_residents_publish is 0
sqlite3 "$ws" "UPDATE stats SET value = 2 WHERE area_id = 'A4' AND year = 2024 AND variable = 'pop'" || exit 1
printf '[disclosure]\nmin_residents_publish = 0\nmin_denominator = 0\n' > "$T/c.ini"
"$N" -q report "$ws" --config "$T/c.ini" -o "$T/c.html" || fail "report min_count"
grep -q '<span class="id">A4</span></td><td class="num">·</td>' "$T/c.html" ||
    fail "min_count: A4's 2 residents shown"
grep -q '<span class="id">A2</span></td><td class="num">60</td>' "$T/c.html" ||
    fail "min_residents_publish 0: A2 withheld"
printf '[disclosure]\nmin_count = x\n' > "$T/bad.ini"
rc=0; "$N" -q report "$ws" --config "$T/bad.ini" -o "$T/bad.html" 2>"$T/bad.err" || rc=$?
[ "$rc" = 1 ] && grep -q "min_count" "$T/bad.err" || fail "bad min_count: exit $rc $(cat "$T/bad.err")"
[ ! -e "$T/bad.html" ] || fail "bad config: file written"
printf '[disclosure\n' > "$T/broken.ini"
rc=0; "$N" -q report "$ws" --config "$T/broken.ini" -o "$T/b.html" 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "invalid INI: exit $rc"
[ $fails -eq 0 ] || exit 1
echo "report disclosure: ok"
