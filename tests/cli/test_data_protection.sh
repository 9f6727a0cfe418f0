#!/bin/bash
# labels: cli
# Unsuppressed figures stay private (docs/data-protection.md): a workspace
# made by init or by the first run is mode 0600 under a permissive umask;
# `nabolag info` warns when others can read one; --internal-unsuppressed
# outputs are 0600 and carry INTERNAL in their names unless -o names one
# (export: areas-INTERNAL.geojson, nabolag-INTERNAL.qgs, ...).
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
FIX=$SRC/tests/fixtures/alerts
T=$(mktemp -d /tmp/nbl-private.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { local d=$1; shift; "$@" || fail "$d"; }
mode() { stat -c %a "$1"; }

umask 022 # what most shells have: files would be 0644

# init: private, whatever the umask
"$BIN" --quiet init "$T/ws.sqlite" || exit 1
check "init: mode 600" [ "$(mode "$T/ws.sqlite")" = 600 ]
"$BIN" info "$T/ws.sqlite" > /dev/null 2> "$T/err"
check "info: no warning on a private workspace" [ ! -s "$T/err" ]
chmod 644 "$T/ws.sqlite"
"$BIN" info "$T/ws.sqlite" > "$T/info.json" 2> "$T/err"
check "info: still exit 0 and JSON" grep -q '"workspace"' "$T/info.json"
check "info: warns, names mode and remedy" \
    grep -q "warning: $T/ws.sqlite: mode 0644: every user of this machine can read this workspace, which holds unsuppressed figures (small counts, small areas); make it private: chmod 600 $T/ws.sqlite" "$T/err"
chmod 640 "$T/ws.sqlite"
"$BIN" info "$T/ws.sqlite" > /dev/null 2> "$T/err"
check "info: group-readable named" grep -q "mode 0640: its group can read this workspace" "$T/err"

# the first run creates the workspace private too
mkdir -p "$T/p"
cp -r "$SRC/sample-data/." "$T/p/" && rm -rf "$T/p/out" || exit 1
sed -i -e '/^\[export\]/,/^$/d' -e '/^\[report\]/,/^$/d' "$T/p/sample.ini"
"$BIN" --quiet run "$T/p/sample.ini" > /dev/null 2> "$T/err" || { fail "run"; cat "$T/err" >&2; }
check "run: new workspace mode 600" [ "$(mode "$T/p/out/sample.sqlite")" = 600 ]

# alerts --internal-unsuppressed -o FILE: the name given, mode 600
W=$T/a.sqlite
"$BIN" --quiet init "$W" && spatialite -silent "$W" < "$FIX/seed.sql" > /dev/null || exit 1
"$BIN" --quiet alerts "$W" --internal-unsuppressed -f csv -o "$T/list.csv" 2>/dev/null
check "alerts internal: exit 0" [ $? = 0 ]
check "alerts internal: -o name kept" [ -f "$T/list.csv" ]
check "alerts internal: mode 600" [ "$(mode "$T/list.csv")" = 600 ]
check "alerts internal: marked" grep -q "internal_use_only" "$T/list.csv"
"$BIN" --quiet alerts "$W" -f csv -o "$T/public.csv"
check "alerts published: umask mode" [ "$(mode "$T/public.csv")" = 644 ]

# export --internal-unsuppressed: INTERNAL in every name, mode 600, the
# project pointing at the renamed layers; a normal export beside it keeps
# its names and the umask's mode
WS=$T/p/out/sample.sqlite
"$BIN" --quiet export "$WS" -o "$T/x" --internal-unsuppressed --config "$T/p/sample.ini" 2>/dev/null
check "export internal: exit 0" [ $? = 0 ]
n=0
for f in "$T"/x/*; do
    n=$((n + 1))
    case "$(basename "$f")" in
    *-INTERNAL.geojson | *-INTERNAL.qml | nabolag-INTERNAL.qgs) ;;
    *) fail "export internal: $(basename "$f") has no INTERNAL in its name" ;;
    esac
    check "export internal: $(basename "$f") mode 600" [ "$(mode "$f")" = 600 ]
done
check "export internal: files written" [ "$n" -ge 7 ]
check "export internal: areas layer" [ -f "$T/x/areas-INTERNAL.geojson" ]
check "export internal: its style beside it" [ -f "$T/x/areas-INTERNAL.qml" ]
check "export internal: the project opens the renamed layers" \
    grep -q '<datasource>./areas-INTERNAL.geojson|geometrytype=MultiPolygon<' "$T/x/nabolag-INTERNAL.qgs"
check "export internal: no layer under its public name" \
    [ -z "$(grep -o '\./[a-z]*\.geojson' "$T/x/nabolag-INTERNAL.qgs")" ]
"$BIN" --quiet export "$WS" -o "$T/x" -f gpkg --overwrite --internal-unsuppressed --config "$T/p/sample.ini" 2>/dev/null
check "export internal gpkg: name" [ -f "$T/x/nabolag-INTERNAL.gpkg" ]
check "export internal gpkg: mode 600" [ "$(mode "$T/x/nabolag-INTERNAL.gpkg")" = 600 ]
"$BIN" --quiet export "$WS" -o "$T/y" --config "$T/p/sample.ini"
check "export published: public names" [ -f "$T/y/areas.geojson" ] && [ -f "$T/y/nabolag.qgs" ]
check "export published: umask mode" [ "$(mode "$T/y/areas.geojson")" = 644 ]

if [ $fails -ne 0 ]; then
    echo "$fails check(s) failed" >&2
    exit 1
fi
echo "all data protection checks passed"
