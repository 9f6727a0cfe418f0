#!/bin/bash
# labels: cli
# Counts in the summaries and messages people read after an import, a
# compute or a failed delivery, in the alert e-mail's subject, the alert
# list's summary, the countdown alert, the report's sentence under the
# changes and its head, and the plan comparison's plan lines, take
# the singular for 1 and the plural otherwise, in Danish (--lang da and a
# Danish LANG) and in English (--lang en): each count is its own gettext
# plural (po/da.po: plural=(n != 1)), never an English "s" pasted onto a
# Danish word ("rækkes", "celles", "værdis").
#
# Also a grid row's field count and the export's layer count.
# The expected lines are whole lines, written by hand. The Danish forms
# are the ones Den Danske Ordbog (ordnet.dk/ddo) gives for the words:
# række - rækker, celle - celler, værdi - værdier, område - områder,
# felt - felter, objekt - objekter, del - dele, geometri - geometrier,
# varsel - varsler, forsøg - forsøg (unchanged); ny - nyt
# (neuter: et varsel) - nye; tom - tomme; ugyldig - ugyldige; gemt -
# gemte, afvist - afviste, indsat - indsatte (gemme, afvise, indsætte);
# past participles in -et take -ede in the plural: opdateret -
# opdaterede, uændret - uændrede, diskretioneret - diskretionerede
# (Retskrivningsordbogen, dsn.dk). The alert list counts alerts (et
# varsel, neuter): 1 nyt - 2 nye, 1 kritisk - 2 kritiske, and the past
# participles in -t take -e in the plural: fortsat - fortsatte
# (fortsætte), ophørt - ophørte (ophøre), afløst - afløste (afløse);
# advarsel - advarsler, ændring - ændringer with positiv - positive
# (DDO); år is the same in the plural (DDO: år, året, år), so "1 år i
# træk", "om 4 år"; "tilbageholdt" after the noun stays as "læst" does
# ("2 varsler tilbageholdt", "2 rækker læst").
# The counts are worked out from the input files written below.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

want() { [ "$1" = "$2" ] || fail "got '$1', wanted '$2'"; }
# line WANT: stderr of the last command has the whole line WANT
line() { grep -qxF -- "$1" "$T/err" || { fail "stderr lacks the line: $1"; sed 's/^/    /' "$T/err"; }; }
# run LANG-OPTION CMD...: runs nabolag, stderr to $T/err ("env" for a
# Danish LANG without --lang)
run() {
    local l=$1
    shift
    if [ "$l" = env ]; then
        LC_ALL= LANGUAGE= LANG=da_DK.UTF-8 "$BIN" "$@" >/dev/null 2>"$T/err"
    else
        "$BIN" --lang "$l" "$@" >/dev/null 2>"$T/err"
    fi
}

# no English plural glued on with a conditional "s" anywhere in src/, nor
# English words chosen by a count ("map it"/"map each", "them") pasted into
# a translated message: the column mapping's unplaced headings did both
# (> 1 ? "s" : ""), which left "tilknyt each ... skriv them" in Danish
if grep -rnE '[!=<>]=? ?[0-9]+ \? "s?" : "s?"|\? "(each|them|it)" : "(each|them|it)"' \
    "$SRC/src" >"$T/glued"; then
    fail "a plural made of a conditional \"s\" or word: $(head -3 "$T/glued")"
fi

# ---- import stats: 1 row, 2 rows --------------------------------------
WS=$T/ws.sqlite
"$BIN" init "$WS" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
sqlite3 "$WS" "SELECT load_extension('mod_spatialite');
INSERT INTO areas(area_id, name, municipality, region, geom) VALUES
 ('0101','A','101','1084',CastToMultiPolygon(BuildMbr(0,0,1,1,25832))),
 ('0202','B','202','1084',CastToMultiPolygon(BuildMbr(0,0,1,1,25832)));" \
    >/dev/null || { echo "cannot add areas"; exit 1; }
cp "$WS" "$T/empty.sqlite"
printf 'area_id,year,variable,value\n0101,2020,pop_18p,100\n' >"$T/one.csv"
# the second file repeats one.csv's value (unchanged) and adds one (new)
printf 'area_id,year,variable,value\n0101,2020,pop_18p,100\n0202,2020,pop_18p,200\n' >"$T/two.csv"
# an empty row, and two
printf 'area_id,year,variable,value\n0101,2020,pop_18p,100\n,,,\n' >"$T/e1.csv"
printf 'area_id,year,variable,value\n0101,2020,pop_18p,100\n,,,\n,,,\n' >"$T/e2.csv"
# one bad row; two (the second with one field)
printf 'area_id,year,variable,value\n0101,2020,pop_18p,x\n' >"$T/b1.csv"
printf 'area_id,year,variable,value\n0101,2020,pop_18p,x\n0202\n' >"$T/b2.csv"

for l in da env en; do
    cp "$T/empty.sqlite" "$WS"
    run "$l" import stats "$WS" "$T/one.csv"
    if [ "$l" = en ]; then
        line "$T/one.csv: 1 row read, 1 stored (1 value: 1 new, 0 updated, 0 unchanged; 0 missing), 0 rejected"
    else
        line "$T/one.csv: 1 række læst, 1 gemt (1 værdi: 1 ny, 0 opdaterede, 0 uændrede; 0 mangler), 0 afviste"
    fi
    run "$l" import stats "$WS" "$T/two.csv"
    if [ "$l" = en ]; then
        line "$T/two.csv: 2 rows read, 2 stored (2 values: 1 new, 0 updated, 1 unchanged; 0 missing), 0 rejected"
    else
        line "$T/two.csv: 2 rækker læst, 2 gemte (2 værdier: 1 ny, 0 opdaterede, 1 uændret; 0 mangler), 0 afviste"
    fi
done

run da import stats "$WS" "$T/e1.csv"
line "$T/e1.csv: 1 tom række sprunget over"
run da import stats "$WS" "$T/e2.csv"
line "$T/e2.csv: 2 tomme rækker sprunget over"
run en import stats "$WS" "$T/e1.csv"
line "$T/e1.csv: 1 empty row skipped"
run en import stats "$WS" "$T/e2.csv"
line "$T/e2.csv: 2 empty rows skipped"

# bad rows: exit 1, the row messages and the one-line error
cp "$WS" "$T/before.sqlite"
run da import stats "$WS" "$T/b1.csv"
[ $? = 1 ] || fail "b1.csv: expected exit 1"
line "$T/b1.csv: 1 række læst, 0 gemte (0 værdier: 0 nye, 0 opdaterede, 0 uændrede; 0 mangler), 1 afvist"
line "nabolag: $T/b1.csv: 1 ugyldig række; intet blev importeret (--skip-invalid gemmer de gyldige rækker)"
run da import stats "$WS" "$T/b2.csv"
[ $? = 1 ] || fail "b2.csv: expected exit 1"
line "nabolag: fejl: $T/b2.csv:3: række: har 1 felt, overskriftslinjen har 4: '0202'"
line "nabolag: $T/b2.csv: 2 ugyldige rækker; intet blev importeret (--skip-invalid gemmer de gyldige rækker)"
run en import stats "$WS" "$T/b1.csv"
line "nabolag: $T/b1.csv: 1 invalid row; nothing was imported (--skip-invalid stores the valid rows)"
run en import stats "$WS" "$T/b2.csv"
line "nabolag: error: $T/b2.csv:3: row: has 1 field, the header has 4: '0202'"
line "nabolag: $T/b2.csv: 2 invalid rows; nothing was imported (--skip-invalid stores the valid rows)"
cmp -s "$WS" "$T/before.sqlite" || fail "workspace changed by a failed import"

# ---- import grid: 1 row, 2 rows ---------------------------------------
# A = [700000,700250] x [6170000,6170200], B = [700250,700400] x
# [6170000,6170100]. Cell 100m_61700_7000 lies in A, 100m_61700_7003 in B.
cat >"$T/areas.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Polygon","coordinates":[[[700000,6170000],[700250,6170000],[700250,6170200],[700000,6170200],[700000,6170000]]]}},
{"type":"Feature","properties":{"id":"B"},"geometry":{"type":"Polygon","coordinates":[[[700250,6170000],[700400,6170000],[700400,6170100],[700250,6170100],[700250,6170000]]]}}
]}
JSON
# the same with A only
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["features"] = d["features"][:1]; json.dump(d, open(sys.argv[2], "w"))' \
    "$T/areas.geojson" "$T/a1.geojson"
GW=$T/grid.sqlite
"$BIN" init "$GW" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
cp "$GW" "$T/init.sqlite"
run da import areas "$GW" "$T/areas.geojson" --id id
line "import af områder: $T/areas.geojson: 2 objekter læst, 2 områder gemt (2 indsatte, 0 opdaterede), 0 dele samlet, 0 geometrier repareret"
cp "$GW" "$T/grid0.sqlite"
run en import areas "$GW" "$T/areas.geojson" --id id
# again: the same two areas, replaced
line "import areas: $T/areas.geojson: 2 features read, 2 areas stored (0 inserted, 2 updated), 0 parts dissolved, 0 geometries repaired"
for l in da en; do
    cp "$T/init.sqlite" "$T/one.sqlite"
    run "$l" import areas "$T/one.sqlite" "$T/a1.geojson" --id id
    if [ "$l" = en ]; then
        line "import areas: $T/a1.geojson: 1 feature read, 1 area stored (1 inserted, 0 updated), 0 parts dissolved, 0 geometries repaired"
    else
        line "import af områder: $T/a1.geojson: 1 objekt læst, 1 område gemt (1 indsat, 0 opdaterede), 0 dele samlet, 0 geometrier repareret"
    fi
done
printf 'cell_id,year,pop\n100m_61700_7000,2024,10\n' >"$T/g1.csv"
# A's pop again (unchanged), A's pop_18_64 suppressed (its only cell: not
# evaluable, stored as missing: new), B's pop and pop_18_64 (new)
printf 'cell_id,year,pop,pop_18_64\n100m_61700_7000,2024,10,..\n100m_61700_7003,2024,8,4\n' >"$T/g2.csv"
for l in da en; do
    cp "$T/grid0.sqlite" "$GW"
    run "$l" import grid "$GW" "$T/g1.csv"
    if [ "$l" = en ]; then
        line "$T/g1.csv: 1 row read, 1 cell, 0 outside every area; 0 suppressed values"
        line "1 area: 1 value new, 0 updated, 0 unchanged; 0 not evaluable (suppressed cells over the missing share)"
    else
        line "$T/g1.csv: 1 række læst, 1 celle, 0 uden for alle områder; 0 diskretionerede værdier"
        line "1 område: 1 ny værdi, 0 opdaterede, 0 uændrede; 0 kan ikke vurderes (diskretionerede celler over den tilladte andel)"
    fi
    run "$l" import grid "$GW" "$T/g2.csv"
    if [ "$l" = en ]; then
        line "$T/g2.csv: 2 rows read, 2 cells, 0 outside every area; 1 suppressed value"
        line "2 areas: 3 values new, 0 updated, 1 unchanged; 1 not evaluable (suppressed cells over the missing share)"
    else
        line "$T/g2.csv: 2 rækker læst, 2 celler, 0 uden for alle områder; 1 diskretioneret værdi"
        line "2 områder: 3 nye værdier, 0 opdaterede, 1 uændret; 1 kan ikke vurderes (diskretionerede celler over den tilladte andel)"
    fi
done
# a grid row with 1 field, one with 2 (the header has 3): an error
# naming the line and the count
printf 'cell_id,year,pop\n100m_61700_7000\n' >"$T/gr1.csv"
printf 'cell_id,year,pop\n100m_61700_7000,2024\n' >"$T/gr2.csv"
run da import grid "$GW" "$T/gr1.csv"
line "nabolag: $T/gr1.csv:2: 1 felt, overskriftslinjen har 3"
run da import grid "$GW" "$T/gr2.csv"
line "nabolag: $T/gr2.csv:2: 2 felter, overskriftslinjen har 3"
run en import grid "$GW" "$T/gr1.csv"
line "nabolag: $T/gr1.csv:2: 1 field, the header has 3"
run en import grid "$GW" "$T/gr2.csv"
line "nabolag: $T/gr2.csv:2: 2 fields, the header has 3"

# ---- compute: 1 area and 2 ---------------------------------------------
"$BIN" --quiet import grid "$T/one.sqlite" "$T/g1.csv" 2>/dev/null || fail "grid into one.sqlite"
for l in da en; do
    run "$l" compute "$T/one.sqlite"
    if [ "$l" = en ]; then
        grep -qx "computed ruleset dk2021 (version [^)]*) for 1 area" "$T/err" || fail "compute, 1 area: $(cat "$T/err")"
    else
        grep -qx "beregnede regelsæt dk2021 (version [^)]*) for 1 område" "$T/err" || fail "compute, 1 område: $(cat "$T/err")"
    fi
    run "$l" compute "$GW"
    if [ "$l" = en ]; then
        grep -qx "computed ruleset dk2021 (version [^)]*) for 2 areas" "$T/err" || fail "compute, 2 areas: $(cat "$T/err")"
    else
        grep -qx "beregnede regelsæt dk2021 (version [^)]*) for 2 områder" "$T/err" || fail "compute, 2 områder: $(cat "$T/err")"
    fi
done

# ---- export: 1 layer and 6 (Danish "lag" is the same in the plural) ----
for l in da en; do
    run "$l" export "$T/one.sqlite" -o "$T/x1$l" --layers areas
    run2=$(cat "$T/err")
    run "$l" export "$T/one.sqlite" -o "$T/x6$l"
    if [ "$l" = en ]; then
        want "$run2" "nabolag: exported 1 layer for 2024 (ruleset dk2021) to $T/x1en"
        line "nabolag: exported 6 layers for 2024 (ruleset dk2021) to $T/x6en"
    else
        want "$run2" "nabolag: eksporterede 1 lag for 2024 (regelsæt dk2021) til $T/x1da"
        line "nabolag: eksporterede 6 lag for 2024 (regelsæt dk2021) til $T/x6da"
    fi
done

# ---- compute's table heading and the unknown-area incident counts ------
# 2 incident_counts rows of areas not in the workspace: the first named,
# then the count (only for 2 or more: 1 row is the named one)
sqlite3 "$T/one.sqlite" "INSERT INTO incident_counts VALUES ('ZZ1', 2024, 'vold', 1), ('ZZ2', 2024, 'vold', 2)" ||
    fail "incident_counts"
for l in da en; do
    run "$l" compute "$T/one.sqlite"
    if [ "$l" = en ]; then
        line "year   omdannelse parallelsamfund udsat forebyggelse none not_evaluable"
        line "nabolag: warning: incident_counts: 2 rows for areas not in the workspace ignored"
    else
        # "år" padded to 6 characters like "year", not 6 bytes
        line "år     omdannelse parallelsamfund udsat forebyggelse none not_evaluable"
        line "nabolag: advarsel: incident_counts: 2 rækker for områder, der ikke er i arbejdsfilen, er ignoreret"
    fi
done

# ---- the alert list's summary (text), 1 and 2 of each count -------------
# Workspaces of N identical areas with results written directly (the
# schema of gis/, the thresholds of dk2021: lab over 40, inc under 55;
# margin 10 %), so every count of N areas is N times that of one:
#   status:    udsat in 2023 and 2024 -> 1 new "still udsat" per area;
#   better:    lab met 2023 (1 of 2 criteria: approaching category),
#              not met 2024 -> 1 new improved lab (a positive change),
#              the approaching category resolved;
#   crossing:  lab 38 -> 41 (crossed, critical by the config below),
#              inc 60 -> 58 (approaching inc, ongoing; info by the
#              config), 1 of 2 criteria met in 2024 (approaching
#              category: new, warning), approaching lab superseded;
#   small:     "status" with 80 residents in 2024 (under the default
#              publication minimum of 100): its alert withheld.
# sql_area ID X: an area of 1 km² at x = X (EPSG:25832)
sql_area() {
    echo "INSERT INTO areas(area_id, name, municipality, region, geom) VALUES ('$1', 'Område $1', '751', '1082', GeomFromText('MULTIPOLYGON((($2 6222000,$(($2 + 1000)) 6222000,$(($2 + 1000)) 6223000,$2 6223000,$2 6222000)))', 25832));"
}
# crit AREA YEAR CRITERION VALUE MET THRESHOLD LOW
crit() { echo "INSERT INTO criterion_results VALUES ('$1', $2, 'dk2021', '$3', $4, NULL, 'ok', $5, 1, $6, $7);"; }
# cat AREA YEAR CATEGORY CRITERIA-MET [PARALLEL-YEARS]
cat_() { echo "INSERT INTO category_results VALUES ('$1', $2, 'dk2021', '1', '$3', $4, 0, 2, 0, ${5:-0}, 5, 't');"; }
s_status() {
    for y in 2023 2024; do
        crit "$1" $y lab 45 1 40 30
        crit "$1" $y inc 50 1 55 65
        cat_ "$1" $y udsat 2
    done
}
s_better() {
    crit "$1" 2023 lab 41 1 40 30
    crit "$1" 2023 inc 70 0 55 65
    cat_ "$1" 2023 none 1
    crit "$1" 2024 lab 30 0 40 30
    crit "$1" 2024 inc 70 0 55 65
    cat_ "$1" 2024 none 0
}
s_crossing() {
    crit "$1" 2023 lab 38 0 40 30
    crit "$1" 2024 lab 41 1 40 30
    crit "$1" 2023 inc 60 0 55 65
    crit "$1" 2024 inc 58 0 55 65
    cat_ "$1" 2023 none 0
    cat_ "$1" 2024 none 1
}
s_small() {
    s_status "$1"
    echo "INSERT INTO stats VALUES ('$1', 2024, 'pop', 80);"
}
# parallelsamfund for P years up to 2024 (5 make omdannelse)
s_countdown() {
    crit "$1" 2023 lab 45 1 40 30
    crit "$1" 2024 lab 45 1 40 30
    cat_ "$1" 2023 parallelsamfund 3 $(($2 - 1))
    cat_ "$1" 2024 parallelsamfund 3 "$2"
}
# ws FILE N SCENARIO [ARG]: a workspace of N areas in SCENARIO
ws() {
    local f=$1 n=$2 s=$3 i
    shift 3
    "$BIN" --quiet init "$f" >/dev/null 2>&1 || fail "init $f"
    for i in $(seq 1 "$n"); do
        sql_area "A$i" $((574000 + 2000 * i))
        "$s" "A$i" "$@"
    done | spatialite -silent "$f" >/dev/null || fail "seed $f"
    sqlite3 "$f" "INSERT INTO meta VALUES ('current_ruleset', 'dk2021')" || fail "meta $f"
}
printf '[alerts]\nseverity.crossed_criterion = critical\nseverity.approaching_criterion = info\n' >"$T/sev.ini"
# summary LANG SCENARIO N: the summary lines of the 2024 list (a fresh
# workspace per language: the messages are stored in the language they
# were written in)
summary() {
    ws "$T/s.sqlite" "$3" "$2"
    "$BIN" --lang "$1" alerts "$T/s.sqlite" --year 2024 --config "$T/sev.ini" \
        >"$T/list.txt" 2>/dev/null || fail "alerts $2 $3 ($1)"
    rm -f "$T/s.sqlite"
    # the lines between the header and the marks
    awk 'NR == 1 {next} /^$/ {exit} {print}' "$T/list.txt" | sed '$d'
}
want "$(summary en s_status 1)" "1 new, 0 ongoing, 0 resolved, 0 superseded; 0 critical, 0 warnings; 0 positive changes; 1 area still in a category"
want "$(summary da s_status 1)" "1 nyt, 0 fortsatte, 0 ophørte, 0 afløste; 0 kritiske, 0 advarsler; 0 positive ændringer; 1 område stadig i en kategori"
want "$(summary en s_status 2)" "2 new, 0 ongoing, 0 resolved, 0 superseded; 0 critical, 0 warnings; 0 positive changes; 2 areas still in a category"
want "$(summary da s_status 2)" "2 nye, 0 fortsatte, 0 ophørte, 0 afløste; 0 kritiske, 0 advarsler; 0 positive ændringer; 2 områder stadig i en kategori"
want "$(summary en s_better 1)" "1 new, 0 ongoing, 1 resolved, 0 superseded; 0 critical, 0 warnings; 1 positive change; 0 areas still in a category"
want "$(summary da s_better 1)" "1 nyt, 0 fortsatte, 1 ophørt, 0 afløste; 0 kritiske, 0 advarsler; 1 positiv ændring; 0 områder stadig i en kategori"
want "$(summary en s_better 2)" "2 new, 0 ongoing, 2 resolved, 0 superseded; 0 critical, 0 warnings; 2 positive changes; 0 areas still in a category"
want "$(summary da s_better 2)" "2 nye, 0 fortsatte, 2 ophørte, 0 afløste; 0 kritiske, 0 advarsler; 2 positive ændringer; 0 områder stadig i en kategori"
want "$(summary en s_crossing 1)" "2 new, 1 ongoing, 0 resolved, 1 superseded; 1 critical, 1 warning; 0 positive changes; 0 areas still in a category"
want "$(summary da s_crossing 1)" "2 nye, 1 fortsat, 0 ophørte, 1 afløst; 1 kritisk, 1 advarsel; 0 positive ændringer; 0 områder stadig i en kategori"
want "$(summary en s_crossing 2)" "4 new, 2 ongoing, 0 resolved, 2 superseded; 2 critical, 2 warnings; 0 positive changes; 0 areas still in a category"
want "$(summary da s_crossing 2)" "4 nye, 2 fortsatte, 0 ophørte, 2 afløste; 2 kritiske, 2 advarsler; 0 positive ændringer; 0 områder stadig i en kategori"
# withheld: the summary's second line
nl='
'
want "$(summary en s_small 1)" "1 new, 0 ongoing, 0 resolved, 0 superseded; 0 critical, 0 warnings; 0 positive changes; 0 areas still in a category${nl}1 alert withheld under disclosure control (too few residents or too small a denominator)"
want "$(summary da s_small 1)" "1 nyt, 0 fortsatte, 0 ophørte, 0 afløste; 0 kritiske, 0 advarsler; 0 positive ændringer; 0 områder stadig i en kategori${nl}1 varsel tilbageholdt af diskretionshensyn (for få beboere eller for lille nævner)"
want "$(summary en s_small 2 | tail -1)" "2 alerts withheld under disclosure control (too few residents or too small a denominator)"
want "$(summary da s_small 2 | tail -1)" "2 varsler tilbageholdt af diskretionshensyn (for få beboere eller for lille nævner)"

# ---- the countdown alert: 1 consecutive year, 4 to go; 4 years, 1 to go -
# countdown LANG P: its message (in the JSON list: after the area's name)
# for parallelsamfund P years up to 2024
countdown() {
    ws "$T/c.sqlite" 1 s_countdown "$2"
    "$BIN" --lang "$1" alerts "$T/c.sqlite" --year 2024 -f json -o - >"$T/c.json" 2>/dev/null ||
        fail "alerts countdown $2 ($1)"
    rm -f "$T/c.sqlite"
    python3 -c 'import json, sys; print(*[a["message"] for a in json.load(open(sys.argv[1]))["alerts"] if a["kind"] == "countdown"])' "$T/c.json"
}
want "$(countdown en 1)" "Område A1 (A1): parallelsamfund for 1 consecutive year up to 2024; if it stays so it becomes omdannelsesområde in 2028 (4 years from now; 5 consecutive years make omdannelse)."
want "$(countdown en 4)" "Område A1 (A1): parallelsamfund for 4 consecutive years up to 2024; if it stays so it becomes omdannelsesområde in 2025 (1 year from now; 5 consecutive years make omdannelse)."
want "$(countdown da 1)" "Område A1 (A1): parallelsamfund i 1 år i træk frem til 2024; fortsætter det, bliver det omdannelsesområde i 2028 (om 4 år; 5 år i træk giver omdannelse)."
want "$(countdown da 4)" "Område A1 (A1): parallelsamfund i 4 år i træk frem til 2024; fortsætter det, bliver det omdannelsesområde i 2025 (om 1 år; 5 år i træk giver omdannelse)."

# ---- the report: the changes since the year before, and the head -------
# report LANG CATEGORY-PAIRS...: a workspace of one area per pair (2023,
# 2024), its report's sentence under the changes and its head's count
s_pair() { cat_ "$1" 2023 "$2" 1; cat_ "$1" 2024 "$3" 1; }
report() {
    local l=$1 i=0
    shift
    "$BIN" --quiet init "$T/r.sqlite" >/dev/null 2>&1
    while [ $# -gt 0 ]; do
        i=$((i + 1))
        sql_area "A$i" $((574000 + 2000 * i))
        s_pair "A$i" "$1" "$2"
        shift 2
    done | spatialite -silent "$T/r.sqlite" >/dev/null
    sqlite3 "$T/r.sqlite" "INSERT INTO meta VALUES ('current_ruleset', 'dk2021')"
    "$BIN" --lang "$l" --quiet report "$T/r.sqlite" -o - >"$T/r.html" 2>/dev/null || fail "report ($l)"
    rm -f "$T/r.sqlite"
    grep -o '^<p>[0-9][^<]*</p>$' "$T/r.html"
    grep -o ' · [0-9]* [a-zå]* · ' "$T/r.html"
}
# one area better (udsat -> none), one worse, one to not_evaluable; twice
one="udsat none none udsat none not_evaluable"
want "$(report en $one)" "<p>1 area left the list or moved to a lighter category; 1 area entered it or moved to a more serious one; 1 area moved to or from \"Not evaluable\", \"not shown\" or no result.</p>${nl} · 3 areas · "
want "$(report da $one)" "<p>1 område forlod listen eller kom i en lettere kategori; 1 område kom på listen eller i en mere alvorlig kategori; 1 område flyttede til eller fra \"Kan ikke vurderes\", \"vises ikke\" eller intet resultat.</p>${nl} · 3 områder · "
want "$(report en $one $one)" "<p>2 areas left the list or moved to a lighter category; 2 areas entered it or moved to a more serious one; 2 areas moved to or from \"Not evaluable\", \"not shown\" or no result.</p>${nl} · 6 areas · "
want "$(report da $one $one)" "<p>2 områder forlod listen eller kom i en lettere kategori; 2 områder kom på listen eller i en mere alvorlig kategori; 2 områder flyttede til eller fra \"Kan ikke vurderes\", \"vises ikke\" eller intet resultat.</p>${nl} · 6 områder · "
# one area, none of the three moves
want "$(report en none none)" "<p>0 areas left the list or moved to a lighter category; 0 areas entered it or moved to a more serious one; 0 areas moved to or from \"Not evaluable\", \"not shown\" or no result.</p>${nl} · 1 area · "
want "$(report da none none)" "<p>0 områder forlod listen eller kom i en lettere kategori; 0 områder kom på listen eller i en mere alvorlig kategori; 0 områder flyttede til eller fra \"Kan ikke vurderes\", \"vises ikke\" eller intet resultat.</p>${nl} · 1 område · "

# ---- plans compare (text): a plan of 1 area and one of 2 ---------------
ws "$T/p.sqlite" 3 s_crossing
printf 'plan_id,name,start_year,end_year,areas\nP1,Plan et,2023,2024,A1\nP2,Plan to,2023,2024,A2|A3\n' >"$T/plans.csv"
"$BIN" --quiet import plans "$T/p.sqlite" "$T/plans.csv" 2>/dev/null || fail "import plans"
want "$("$BIN" --lang en plans compare "$T/p.sqlite" 2>/dev/null | grep '^P[12] ')" \
    "P1  Plan et  2023-2024, 1 area; baseline 2022, latest 2024${nl}P2  Plan to  2023-2024, 2 areas; baseline 2022, latest 2024"
want "$("$BIN" --lang da plans compare "$T/p.sqlite" 2>/dev/null | grep '^P[12] ')" \
    "P1  Plan et  2023-2024, 1 område; basisår 2022, seneste 2024${nl}P2  Plan to  2023-2024, 2 områder; basisår 2022, seneste 2024"

# ---- alerts --notify: a failed delivery of 6 new alerts and of 1 --------
# tests/fixtures/alerts/seed.sql: 6 new alerts in 2024 (ids 2, 3, 5-8);
# nothing listens on the port, so every attempt fails
FIX=$SRC/tests/fixtures/alerts
AW=$T/alerts.sqlite
"$BIN" --quiet init "$AW" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
spatialite -silent "$AW" <"$FIX/seed.sql" >/dev/null || { echo "seed failed"; exit 1; }
FREE=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$FREE/x
cfg() { printf '[project]\nname = Eksempel Kommune\n[alerts]\nretries = %s\nbackoff = 0.1\ntimeout = 5\n' "$1" >"$T/n$1.ini"; }
cfg 1
cfg 2
# failed() LANG RETRIES: the end of the delivery error
failed() {
    run "$1" --quiet alerts "$AW" --config "$T/n$2.ini" --notify "$URL"
    [ $? = 1 ] || fail "alerts --notify to a closed port: expected exit 1"
    # the error in between is curl's
    grep -F "nabolag: $URL: " "$T/err" |
        sed "s#^nabolag: $URL: \(.*\(forsøg\|attempts\?\)\): .*; #\1: ...; #"
}
want "$(failed da 2)" "levering mislykkedes efter 2 forsøg: ...; de 6 nye varsler er ikke leveret og sendes næste gang"
want "$(failed en 2)" "delivery failed after 2 attempts: ...; the 6 new alerts stay undelivered and will be sent next time"
# all but one delivered earlier
sqlite3 "$AW" "UPDATE alerts SET delivered_at = '2025-01-01T00:00:00Z' WHERE alert_id IN (2, 3, 5, 6, 7)"
want "$(failed da 1)" "levering mislykkedes efter 1 forsøg: ...; 1 nyt varsel er ikke leveret og sendes næste gang"
want "$(failed en 1)" "delivery failed after 1 attempt: ...; the 1 new alert stays undelivered and will be sent next time"

# ---- the e-mail's subject, in the output language: 1 and 6 new alerts -
# a minimal SMTP server (no STARTTLS; nabolag tries it only when offered
# on this machine): one message per connection into $T/mail/msg-N.eml
mkdir -p "$T/mail"
timeout 60 python3 - "$T/mail" <<'PY' &
import socket, sys
out = sys.argv[1]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4)
open(out + "/port.tmp", "w").write(str(srv.getsockname()[1]))
__import__("os").rename(out + "/port.tmp", out + "/port")
n = 0
while True:
    c, _ = srv.accept()
    f = c.makefile("rb")
    c.sendall(b"220 test\r\n")
    data = None
    for line in f:
        cmd = line.strip().upper()
        if data is not None:
            if line.rstrip(b"\r\n") == b".":
                n += 1
                open("%s/msg-%d.eml" % (out, n), "wb").write(b"".join(data))
                data = None
                c.sendall(b"250 ok\r\n")
            else:
                data.append(line)
        elif cmd.startswith(b"DATA"):
            data = []
            c.sendall(b"354 go on\r\n")
        elif cmd.startswith(b"QUIT"):
            c.sendall(b"221 bye\r\n")
            break
        else:
            c.sendall(b"250 ok\r\n")
    c.close()
PY
SMTP_PID=$!
for _ in $(seq 1 50); do [ -s "$T/mail/port" ] && break; sleep 0.1; done
subject() { # N: the Subject line of message N
    sed -n 's/^Subject: \(.*\)\r$/\1/p' "$T/mail/msg-$1.eml"
}
mail() { # LANG WORKSPACE
    "$BIN" --lang "$1" --quiet alerts "$2" --config "$T/n1.ini" \
        --notify "smtp://127.0.0.1:$(cat "$T/mail/port")" \
        --mail-to officer@kommune.example --mail-from nabolag@kommune.example \
        >/dev/null 2>"$T/err" || fail "mail ($1): $(cat "$T/err")"
}
if [ -s "$T/mail/port" ]; then
    # the 1 undelivered alert of $AW; then the 6 of a fresh copy
    "$BIN" --quiet init "$T/a6.sqlite" >/dev/null 2>&1
    spatialite -silent "$T/a6.sqlite" <"$FIX/seed.sql" >/dev/null
    cp "$AW" "$T/a1en.sqlite"
    cp "$T/a6.sqlite" "$T/a6en.sqlite"
    mail da "$AW"
    mail en "$T/a1en.sqlite"
    mail da "$T/a6.sqlite"
    mail en "$T/a6en.sqlite"
    want "$(subject 1)" "nabolag: 1 nyt varsel for 2024 (Eksempel Kommune)"
    want "$(subject 2)" "nabolag: 1 new alert for 2024 (Eksempel Kommune)"
    want "$(subject 3)" "nabolag: 6 nye varsler for 2024 (Eksempel Kommune)"
    want "$(subject 4)" "nabolag: 6 new alerts for 2024 (Eksempel Kommune)"
else
    fail "the test SMTP server did not start"
fi
kill "$SMTP_PID" 2>/dev/null

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "plurals: ok"
