#!/bin/bash
# labels: cli postgis
# `nabolag export -f PostgreSQL` against a real, throwaway PostgreSQL 15 +
# PostGIS 3 server (tests/pg/server.sh: initdb/pg_ctl in a temporary
# folder, a Unix socket only, stopped at the end). Exports the sample into
# schema `nabolag`; reads every table back with GDAL (compare_layers.py
# against the GeoJSON export: every value, nulls, geometries in the working
# CRS) and with QGIS (check_qgis.py: layers valid, styles applied from the
# database's layer_styles, the .qgs pointing at the database); then
# re-exports another year while a reader in another connection keeps
# querying the tables: every answer is the old export or the new one,
# never neither and never a mixture. Without --overwrite existing tables
# are refused and left alone. --layers areas writes that table alone, with
# its styles, and a project naming only it. Skipped, with the reason printed, where the
# packages are missing (scripts/deps.sh installs them).
set -u
fail() { echo "FAIL: $*"; exit 1; }
. "$NBL_SOURCE_DIR/tests/pg/server.sh"
if why=$(pg_missing); then
    echo "SKIPPED: PostGIS test not run: $why"
    exit 77
fi
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl_pgexp.XXXXXX)
P=$(mktemp -d /tmp/nbl_pgsrv.XXXXXX)
READER=
cleanup() {
    [ -n "$READER" ] && kill "$READER" 2>/dev/null
    pg_stop
    rm -rf "$T" "$P"
}
trap cleanup EXIT
pg_start "$P" || fail "cannot start the PostgreSQL server"

cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s" || fail "copying the sample"
rm -rf "$T/s/out"
"$NBL_BIN" -q run "$T/s/sample.ini" >/dev/null 2>"$T/err" ||
    fail "nabolag run: $(cat "$T/err")"
W="$T/s/out/sample.sqlite"
Y=$(sqlite3 "$W" "SELECT MAX(year) FROM category_results")
"$NBL_BIN" -q export "$W" -o "$T/gj" || fail "export GeoJSON"

"$NBL_BIN" -q export "$W" -f PostgreSQL -o "$NBL_PG" --schema nabolag \
    --qgs "$T/qgs/nabolag.qgs" 2>"$T/err" && fail "--qgs into a missing folder"
mkdir "$T/qgs"
"$NBL_BIN" -q export "$W" -f PostgreSQL -o "$NBL_PG" --schema nabolag \
    --qgs "$T/qgs/nabolag.qgs" 2>"$T/err" ||
    fail "export to PostGIS: $(cat "$T/err")"
tables=$(psql -Atc "SELECT string_agg(table_name, ',' ORDER BY table_name)
    FROM information_schema.tables WHERE table_schema = 'nabolag'")
[ "$tables" = "alerts,areas,plans,profile,safety,timeseries" ] ||
    fail "tables in schema nabolag: $tables"
srid=$(psql -Atc "SELECT Find_SRID('nabolag', 'areas', 'geom')")
[ "$srid" = 25832 ] || fail "areas SRID $srid, expected the working CRS"

# GDAL reads every table back with the GeoJSON export's values
for l in alerts plans areas profile safety timeseries; do
    $PY "$NBL_SOURCE_DIR/tests/tools/compare_layers.py" "$T/gj/$l.geojson" \
        "$NBL_PG schemas=nabolag" "$l" || fail "PostGIS round trip ($l)"
done
n=$(psql -Atc "SELECT count(*) FROM public.layer_styles
    WHERE f_table_schema = 'nabolag' AND useasdefault")
[ "$n" = 6 ] || fail "$n default styles in layer_styles, expected 6"
psql -Atc "SELECT styleqml::text FROM public.layer_styles WHERE
    f_table_name = 'areas' AND useasdefault" | grep -q 'attr="category"' ||
    fail "the areas style in layer_styles is not categorized on category"
grep -q "providerKey=\"postgres\"" "$T/qgs/nabolag.qgs" ||
    fail "nabolag.qgs does not use the postgres provider"
grep -q "password" "$T/qgs/nabolag.qgs" && fail "a password in nabolag.qgs"

# QGIS: the tables with their styles from layer_styles, and the project
if $PY -c "import qgis.core" 2>/dev/null; then
    q() { sqlite3 "$W" "$1"; }
    counts="areas=$(q 'SELECT COUNT(*) FROM areas')"
    counts="$counts,alerts=$(q "SELECT COUNT(*) FROM alerts WHERE year = $Y")"
    counts="$counts,safety=$(q "SELECT COUNT(*) FROM safety_results WHERE year = $Y")"
    counts="$counts,timeseries=$(q 'SELECT COUNT(*) FROM category_results')"
    counts="$counts,plans=$(q 'SELECT COUNT(*) FROM plans')"
    counts="$counts,profile=$(q 'SELECT COUNT(*) FROM areas')"
    cp "$T/qgs/nabolag.qgs" "$T/qgs/x" # check_qgis.py reads DIR/nabolag.qgs
    QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} \
        NBL_PG_URI="dbname='gis' host='$P' user='nabolag'" \
        NBL_PG_SCHEMA=nabolag \
        $PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/qgs" postgis \
        "$counts" 2>/dev/null || fail "QGIS check (PostGIS)"
else
    echo "SKIPPED: QGIS part (python3-qgis not installed: scripts/deps.sh --qgis)"
fi

# Without --overwrite: refused, tables unchanged
before=$(psql -Atc "SELECT count(*), min(year) FROM nabolag.areas")
"$NBL_BIN" -q export "$W" -f pg -o "$NBL_PG" --schema nabolag \
    --year $((Y - 1)) 2>"$T/err" && fail "export over existing tables"
grep -q "already exists" "$T/err" || fail "exists message: $(cat "$T/err")"
[ "$(psql -Atc "SELECT count(*), min(year) FROM nabolag.areas")" = "$before" ] ||
    fail "a refused export changed the tables"

# Atomic replacement: a reader in other connections while year Y-1
# replaces year Y. One statement reads every table, so each answer is one
# snapshot: the years must all be Y (old) or all Y-1 (new), the counts
# those of the export.
read_all="SELECT (SELECT count(*) FROM nabolag.areas) || ' ' ||
 (SELECT min(year) || '-' || max(year) FROM nabolag.areas) || ' ' ||
 (SELECT min(year) || '-' || max(year) FROM nabolag.profile) || ' ' ||
 (SELECT count(*) FROM nabolag.timeseries) || ' ' ||
 (SELECT count(*) FROM public.layer_styles WHERE f_table_schema = 'nabolag'
  AND useasdefault)"
(
    end=$((SECONDS + 60))
    while [ ! -e "$T/stop" ] && [ $SECONDS -lt $end ]; do
        psql -Atc "$read_all" >>"$T/reads" 2>&1 || echo "ERROR" >>"$T/reads"
    done
) &
READER=$!
sleep 1
"$NBL_BIN" -q export "$W" -f PostgreSQL -o "$NBL_PG" --schema nabolag \
    --year $((Y - 1)) --overwrite 2>"$T/err" ||
    fail "re-export: $(cat "$T/err")"
sleep 1
touch "$T/stop"
wait "$READER"
READER=
na=$(sqlite3 "$W" "SELECT COUNT(*) FROM areas")
nt=$(sqlite3 "$W" "SELECT COUNT(*) FROM category_results")
old="$na $Y-$Y $Y-$Y $nt 6"
new="$na $((Y - 1))-$((Y - 1)) $((Y - 1))-$((Y - 1)) $nt 6"
bad=$(grep -v -x -e "$old" -e "$new" "$T/reads" | sort | uniq -c)
[ -z "$bad" ] || fail "a reader saw neither the old nor the new export: $bad"
grep -q -x "$old" "$T/reads" || fail "the reader never saw the old export"
grep -q -x "$new" "$T/reads" || fail "the reader never saw the new export"
echo "reads: $(grep -c -x "$old" "$T/reads") old, $(grep -c -x "$new" "$T/reads") new"

# --layers areas: only that table, its styles in layer_styles, and a
# project that names only it; the tables of schema nabolag are left alone
"$NBL_BIN" -q export "$W" -f PostgreSQL -o "$NBL_PG" --schema onlyareas \
    --layers areas --qgs "$T/qgs/only.qgs" 2>"$T/err" ||
    fail "export --layers areas to PostGIS: $(cat "$T/err")"
tables=$(psql -Atc "SELECT string_agg(table_name, ',' ORDER BY table_name)
    FROM information_schema.tables WHERE table_schema = 'onlyareas'")
[ "$tables" = "areas" ] || fail "--layers areas: tables $tables"
styled=$(psql -Atc "SELECT string_agg(DISTINCT f_table_name, ',')
    FROM public.layer_styles WHERE f_table_schema = 'onlyareas'")
[ "$styled" = "areas" ] || fail "--layers areas: layer_styles names $styled"
$PY "$NBL_SOURCE_DIR/tests/tools/compare_layers.py" "$T/gj/areas.geojson" \
    "$NBL_PG schemas=onlyareas" areas || fail "--layers areas: round trip"
[ "$(grep -o '<id>nabolag_[a-z]*</id>' "$T/qgs/only.qgs")" = \
    "<id>nabolag_areas</id>" ] || fail "--layers areas: only.qgs names more"
n=$(psql -Atc "SELECT count(*) FROM public.layer_styles
    WHERE f_table_schema = 'nabolag' AND useasdefault")
[ "$n" = 6 ] || fail "--layers areas into another schema changed nabolag's styles"

# The project file: [export] format = PostgreSQL, dest, schema, qgs
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/p" || fail "copying the sample"
rm -rf "$T/p/out"
sed -i -e '/^\[export\]/,/^\[/{/^dir *=/d;/^format *=/d}' "$T/p/sample.ini"
sed -i -e "s|^\[export\]|[export]\nformat = PostgreSQL\ndest = $NBL_PG\nschema = viaproject\nqgs = out/db.qgs|" \
    "$T/p/sample.ini"
"$NBL_BIN" -q run "$T/p/sample.ini" >/dev/null 2>"$T/err" ||
    fail "nabolag run with [export] format = PostgreSQL: $(cat "$T/err")"
n=$(psql -Atc "SELECT count(*) FROM viaproject.areas")
[ "$n" = "$na" ] || fail "run: viaproject.areas has $n rows, expected $na"
grep -q 'table=&quot;viaproject&quot;.&quot;areas&quot;' "$T/p/out/db.qgs" ||
    fail "run: out/db.qgs does not point at viaproject.areas"
echo "ok"
