#!/bin/bash
# labels: cli
# Full disks and read-only places (issue 18, point 4). The test mounts a
# small tmpfs (so it runs as root; otherwise it says why it skips), puts
# the workspace, the output folder, the report or the rejects file on it,
# fills it, and checks that each command exits 1 with a message that names
# the workspace or the output the user asked for (never a temporary or
# staging name) and says the disk is full, and that nothing changed. Then
# a workspace on a read-only mount: readers work, writers say "workspace is
# read-only".
set -euo pipefail
N="$NBL_BIN"
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" != 0 ]; then
    echo "skipped: mounting a test file system needs root (run as root to test full disks)"
    exit 0
fi
T=$(mktemp -d)
M="$T/m"
mkdir "$M"
cleanup() { mountpoint -q "$M" && umount "$M"; rm -rf "$T"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=12m tmpfs "$M" 2>"$T/mount.err"; then
    echo "skipped: cannot mount a tmpfs here: $(cat "$T/mount.err")"
    exit 0
fi
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
rm -rf "$T/s/out"
"$N" -q run "$T/s/sample.ini" > /dev/null
ws="$T/s/out/sample.sqlite"
fill() { dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null || true; sync; }
unfill() { rm -f "$M/fill"; }
state() { find "$1" -type f ! -name '*-wal' ! -name '*-shm' ! -name fill -exec md5sum {} + | sort; }
no_tmp_name() { ! grep -qE '\.nbltmp|\.tmp[0-9]|nabolag-staging' <<<"$1" || fail "a temporary name in: $1"; }

# 1. the workspace on a full disk: an import that grows it
cp "$ws" "$M/ws.sqlite"
printf 'area_id,year,pop,pop_18p\n' > "$T/grow.csv"
sqlite3 "$ws" "SELECT area_id FROM areas" | while read -r a; do
    for y in $(seq 1950 1999); do echo "$a,$y,1000,800"; done
done >> "$T/grow.csv"
fill
before=$(state "$M")
rc=0; err=$("$N" import stats "$M/ws.sqlite" "$T/grow.csv" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "import on a full disk: exit $rc: $err"
grep -qF "nabolag: $M/ws.sqlite: disk full" <<<"$err" || fail "import on a full disk: $err"
no_tmp_name "$err"
[ "$(state "$M")" = "$before" ] || fail "the full disk's workspace changed"
# ... and with room again the same import works
unfill
"$N" -q import stats "$M/ws.sqlite" "$T/grow.csv" || fail "import after freeing space"
rm -f "$M"/ws.sqlite*

# 2. the export folder on a full disk: the message names a final output
mkdir "$M/out"
fill
before=$(state "$M")
rc=0; err=$("$N" export "$ws" -o "$M/out" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "export to a full disk: exit $rc: $err"
grep -qE "nabolag: $M/out/[a-z]+\.(geojson|qml|qgs)[^ ]*: .*disk full|nabolag: $M/out.*disk full" <<<"$err" ||
    fail "export to a full disk: $err"
no_tmp_name "$err"
[ "$(state "$M")" = "$before" ] || fail "the full export folder changed"
[ -z "$(ls -A "$M/out")" ] || fail "files left in the export folder: $(ls -A "$M/out")"

# 3. the report on a full disk
rc=0; err=$("$N" report "$ws" -o "$M/report.html" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "nabolag: $M/report.html: write failed: disk full" <<<"$err" ||
    fail "report to a full disk: exit $rc: $err"
no_tmp_name "$err"
[ ! -e "$M/report.html" ] || fail "a report was left on the full disk"

# 4. the rejects file on a full disk: the import fails, nothing stored
printf 'area_id,year,variable,value\nSK-01,2030,pop,100\nSK-01,2031,pop,-1\n' > "$T/bad.csv"
sqlite3 "$ws" "SELECT COUNT(*) FROM stats" > "$T/n.before"
rc=0; err=$("$N" import stats "$ws" "$T/bad.csv" --skip-invalid --rejects "$M/rejects.csv" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "$M/rejects.csv" <<<"$err" && grep -q "disk full" <<<"$err" ||
    fail "rejects on a full disk: exit $rc: $err"
no_tmp_name "$err"
sqlite3 "$ws" "SELECT COUNT(*) FROM stats" | cmp -s - "$T/n.before" || fail "the import stored rows though its rejects file failed"

# 5. a run whose outputs go to the full disk: names the output folder's
# files, not the staging folder; the workspace is as it was
sed "s|^dir = out|dir = $M/out|; s|^output = out/report.html|output = $M/report.html|" \
    "$T/s/sample.ini" > "$T/s/full.ini"
sqlite3 "$ws" "SELECT COUNT(*) FROM runs" > "$T/runs.before"
rc=0; err=$("$N" run "$T/s/full.ini" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] && grep -q "disk full" <<<"$err" || fail "run to a full disk: exit $rc: $err"
grep -qF "$M/" <<<"$err" || fail "run to a full disk: no output named: $err"
no_tmp_name "$err"
sqlite3 "$ws" "SELECT COUNT(*) FROM runs" | cmp -s - "$T/runs.before" || fail "the failed run changed the workspace"
[ -z "$(ls -A "$M/out")" ] || fail "files left in the export folder: $(ls -A "$M/out")"
unfill

# 6. a workspace on a read-only mount: readers work, writers say so
cp "$ws" "$M/ro.sqlite"
mount -o remount,ro "$M"
"$N" info "$M/ro.sqlite" > "$T/info.json" || fail "info on a read-only workspace"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["areas"]' "$T/info.json" 2>/dev/null ||
    grep -q '"areas"' "$T/info.json" || fail "info printed no areas"
"$N" -q export "$M/ro.sqlite" -o "$T/roexp" || fail "export from a read-only workspace"
[ -s "$T/roexp/areas.geojson" ] || fail "export from a read-only workspace wrote no areas"
"$N" -q report "$M/ro.sqlite" -o "$T/ro.html" || fail "report from a read-only workspace"
for cmd in "import stats $M/ro.sqlite $T/grow.csv" "compute $M/ro.sqlite"; do
    rc=0; err=$("$N" $cmd 2>&1) || rc=$?
    [ "$rc" = 1 ] && grep -qxF "nabolag: $M/ro.sqlite: workspace is read-only" <<<"$err" ||
        fail "$cmd on a read-only workspace: exit $rc: $err"
done
echo ok
