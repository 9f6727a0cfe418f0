#!/bin/bash
# labels: cli
# The HTML report: category counts, movements since last year (positive
# change shown), escaping, disclosure of small areas, a map path per area,
# atomic output (no partial file on failure, --overwrite needed).
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
ws="$T/ws.sqlite"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$N" -q init "$ws"
sq() { local x=$((570000 + $1)); echo "CastToMulti(GeomFromText('POLYGON(($x 6220000,$((x+100)) 6220000,$((x+100)) 6220100,$x 6220100,$x 6220000))',25832))"; }
spatialite -silent "$ws" >/dev/null <<SQL
INSERT INTO areas(area_id,name,municipality,region,geom) VALUES
 ('A1','Øst & <Vest>','M1','R',$(sq 0)), ('A2','Lille','M1','R',$(sq 200)),
 ('A3','Parken','M1','R',$(sq 400));
INSERT INTO stats(area_id,year,variable,value) VALUES
 ('A1',2024,'pop',2500),('A2',2024,'pop',60),('A3',2024,'pop',1800);
INSERT INTO criterion_results(area_id,year,ruleset,criterion,value,ratio,status,met) VALUES
 ('A1',2024,'dk2021','lab',41.25,NULL,'ok',1),('A1',2024,'dk2021','cri',4.1,2.93,'ok',0),
 ('A2',2024,'dk2021','lab',55.5,NULL,'ok',1),('A3',2024,'dk2021','lab',20,NULL,'ok',0);
INSERT INTO category_results(area_id,year,ruleset,ruleset_version,category,criteria_met,computed_at) VALUES
 ('A1',2023,'dk2021','2021.1','none',1,'x'),('A1',2024,'dk2021','2021.1','udsat',2,'x'),
 ('A2',2024,'dk2021','2021.1','none',1,'x'),
 ('A3',2023,'dk2021','2021.1','udsat',2,'x'),('A3',2024,'dk2021','2021.1','none',0,'x');
INSERT INTO alerts(area_id,year,ruleset,kind,rule,value,threshold,severity,message,state,first_year,created_at) VALUES
 ('A3',2024,'dk2021','improved','category:udsat',NULL,NULL,'info','Parken left the category udsat boligområde in 2024.','new',2024,'x'),
 ('A3',2024,'dk2021','not_evaluable','criteria',NULL,NULL,'info','Parken: data missing.','ongoing',2023,'x'),
 ('A3',2024,'dk2021','status_dynamics','sd:low/negative',0.9,0.5,'warning','Parken: status index 0.9.','new',2024,'x');
INSERT INTO meta VALUES('current_ruleset','dk2021');
SQL
"$N" -q report "$ws" -o "$T/r.html"
h="$T/r.html"
grep -q '<title>nabolag-rapport 2024</title>' "$h" || fail title
grep -q '<html lang="da">' "$h" || fail "lang da"
grep -q 'Øst &amp; &lt;Vest&gt;' "$h" || fail "escaping"
grep -q '<Vest>' "$h" && fail "unescaped name"
# A1 lab 41.25 % is met: bold cell with one decimal, Danish decimal comma;
# A2 (60 residents, under the default minimum of 100) shows no values.
grep -q '<td class="num met">41,3</td>' "$h" || fail "met value cell"
grep -q '<td class="num">2.500</td>' "$h" || fail "residents with a Danish thousands separator"
grep -q '55[.,]5' "$h" && fail "value of a suppressed area published"
grep -q 'under mindstetallet' "$h" || fail "suppression note"
[ "$(grep -c '<path fill=' "$h")" = 3 ] || fail "map paths"
# counts: udsat 1 (2024) vs 1 (2023); none 1 (A3; A2, 60 residents, is
# counted apart as withheld: 1 vs 0) vs 1
grep -q 'Udsat boligområde</td><td class="num now">1</td><td class="num before">1</td>' "$h" || fail "udsat counts"
grep -q 'Ikke på listen</td><td class="num now">1</td><td class="num before">1</td>' "$h" || fail "none counts"
grep -q 'vises ikke (under mindstetallet for offentliggørelse)</td><td class="num now">1</td><td class="num before">0</td>' "$h" || fail "withheld counts"
grep -q '<li class="better" data-from="udsat" data-to="none">Parken (A3): Udsat boligområde → Ikke på listen</li>' "$h" || fail "positive change"
grep -q '<li class="worse" data-from="none" data-to="udsat">Øst &amp; &lt;Vest&gt; (A1): Ikke på listen → Udsat boligområde</li>' "$h" || fail "negative change"
# A2 had no result in 2023 and is withheld in 2024: listed, so the counts add up
grep -q 'data-from="none_result" data-to="withheld">' "$h" || fail "no result -> withheld listed"
grep -q '1 område forlod listen eller kom i en lettere kategori; 1 område kom på listen eller i en mere alvorlig kategori; 1 område flyttede' "$h" || fail "movement counts"
grep -q 'Parken left the category' "$h" || fail "alert row"
# the kind column in words of the language, not the codes not_evaluable
# and status_dynamics (which are no words: a new user's report showed them)
grep -q '<td>kan ikke vurderes</td><td>Parken: data missing.</td>' "$h" || fail "kind not_evaluable in Danish"
grep -q '<td>status/dynamik</td><td>Parken: status index 0.9.</td>' "$h" || fail "kind status_dynamics in Danish"
grep -qE '<td>(not_evaluable|status_dynamics)</td>' "$h" && fail "an alert kind shown as its code"
grep -q '<h2 id="plans">Planer</h2>' "$h" && grep -q 'Arbejdsfilen har ingen planer' "$h" || fail "no plans: said so"
/usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/report_counts.py" "$h" || fail "changes do not add up to the count table"
# English on request
"$N" -q --lang en report "$ws" -o "$T/en.html"
grep -q '<title>nabolag report 2024</title>' "$T/en.html" || fail "en title"
grep -q '<td class="num met">41.3</td>' "$T/en.html" || fail "en decimal point"
grep -q 'Changes since 2023' "$T/en.html" || fail "en changes heading"
grep -q 'Not listed' "$T/en.html" || fail "en not listed"
grep -q '<td>not evaluable</td>' "$T/en.html" && grep -q '<td>status/dynamics</td>' "$T/en.html" || fail "en alert kinds in words"
grep -qi "$(printf 'g%s' hetto)" "$h" && fail "forbidden word"
# exists: refused without --overwrite, file unchanged
sum=$(sha256sum < "$h")
rc=0; "$N" report "$ws" -o "$h" 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "overwrite refused: exit $rc"
[ "$(sha256sum < "$h")" = "$sum" ] || fail "file changed"
"$N" -q report "$ws" -o "$h" --overwrite --year 2024
# unknown year: error, no file
rc=0; out=$("$N" report "$ws" -o "$T/none.html" --year 2030 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "no results for 2030" <<<"$out" || fail "unknown year: $rc $out"
[ ! -e "$T/none.html" ] || fail "partial output"
ls -A "$T" | grep -q '\.tmp' && fail "temporary file left"
# a context file that cannot be read, or has no CRS: error naming it, no file
rc=0; out=$("$N" report "$ws" -o "$T/c.html" --context "$T/none.geojson" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "none.geojson: \[report\] context: cannot open" <<<"$out" || fail "missing context: $rc $out"
printf 'id,WKT\n1,"POLYGON((0 0,1 0,1 1,0 0))"\n' > "$T/nocrs.csv"
rc=0; out=$("$N" report "$ws" -o "$T/c.html" --context "$T/nocrs.csv" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "nocrs.csv: \[report\] context: the layer has no CRS" <<<"$out" || fail "context without CRS: $rc $out"
[ ! -e "$T/c.html" ] || fail "report written despite a bad context"

# The sample, in both languages: charts, category chart, area cards, map
# labels and plans against values computed here from the sample's CSVs
# (stats.csv, refs.csv, plans.csv, areas.geojson) and the categories of the
# independent reference implementation (sample-data/expected.json).
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
"$N" -q run "$T/s/sample.ini" >/dev/null 2>&1 || fail "sample run"
"$N" -q report "$T/s/out/sample.sqlite" --config "$T/s/sample.ini" \
    --context "$T/s/kommune.geojson" -o "$T/s/da.html" || fail "sample report da"
"$N" -q --lang en report "$T/s/out/sample.sqlite" --config "$T/s/sample.ini" \
    -o "$T/s/en.html" || fail "sample report en"
/usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/report_sample_check.py" "$T/s" ||
    fail "sample report against the CSVs"
echo "report: all checks passed"
