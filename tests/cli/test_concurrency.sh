#!/bin/bash
# labels: cli
# Concurrent runs (issue 18, point 5): a second writer waits up to --wait
# seconds (or [project] wait), says once that it waits, then fails with
# "workspace is busy"; readers work while a writer holds the workspace and
# see the last committed state; two writers lose nothing; an output folder
# is locked, so two runs never mix their files. "Another nabolag" holding
# the lock is played by Python's sqlite3 (a write transaction) and
# fcntl.flock (the folder), which hold it for a known time.
set -euo pipefail
T=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
N="$NBL_BIN"
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
rm -rf "$T/s/out"
P="$T/s/sample.ini"
ws="$T/s/out/sample.sqlite"
"$N" -q run "$P" > /dev/null

# hold_ws SECONDS SQL: a write transaction on the workspace (SQL not
# committed); returns once it holds the lock.
hold_ws() {
    rm -f "$T/held"
    /usr/bin/python3 - "$ws" "$1" "$2" "$T/held" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute(sys.argv[3])
open(sys.argv[4], "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
    pids+=($!)
    while [ ! -e "$T/held" ]; do sleep 0.05; done
}
# hold_dir SECONDS DIR: flock on an output folder.
hold_dir() {
    rm -f "$T/held"
    /usr/bin/python3 - "$2" "$1" "$T/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
PY
    pids+=($!)
    while [ ! -e "$T/held" ]; do sleep 0.05; done
}
n_alerts() { sqlite3 "$ws" "SELECT COUNT(*) FROM alerts"; }
before=$(n_alerts)
[ "$before" -gt 0 ] || fail "the sample raised no alerts"

# 1. a writer gives up after --wait with the words of the issue, having
# said once that it waits
hold_ws 120 "DELETE FROM alerts"
rc=0; err=$("$N" --wait 1 compute "$ws" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] || fail "busy writer: exit $rc: $err"
grep -qxF "nabolag: $ws: workspace is busy: another nabolag is writing it (waited 1 s; --wait to wait longer)" <<<"$err" ||
    fail "busy message: $err"
[ "$(grep -c 'waiting for another nabolag' <<<"$err")" = 1 ] ||
    fail "the waiting line is not printed exactly once: $err"
# ... the option also after the command name, and as --wait=N
rc=0; err=$("$N" import stats "$ws" "$T/s/stats.csv" --wait=0 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "workspace is busy: .*(waited 0 s;" <<<"$err" ||
    fail "--wait=0 after the command: exit $rc: $err"

# 2. readers work meanwhile and see the last committed state (the holder's
# uncommitted DELETE is invisible to them)
info=$(timeout 120 "$N" info "$ws") || fail "info while a writer writes"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert sum(a["n"] for a in d["alerts"]) == int(sys.argv[1]), d["alerts"]' "$before" <<<"$info" ||
    fail "info did not see the committed alerts"
timeout 120 "$N" -q export "$ws" -o "$T/readexp" || fail "export while a writer writes"
[ -s "$T/readexp/alerts.geojson" ] || fail "export wrote no alerts layer"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["features"]) > 0' "$T/readexp/alerts.geojson" ||
    fail "export did not see the committed alerts"
timeout 120 "$N" -q report "$ws" -o "$T/read.html" || fail "report while a writer writes"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
[ "$(n_alerts)" = "$before" ] || fail "the holder's rollback changed the alerts"

# 3. a writer that waits long enough succeeds after the other commits
hold_ws 2 "UPDATE meta SET value = value WHERE key = 'srid'"
rc=0; err=$("$N" --wait 60 compute --criteria-only "$ws" 2>&1) || rc=$?
[ "$rc" = 0 ] || fail "waiting writer failed: $err"
grep -q "waiting for another nabolag" <<<"$err" || fail "no waiting line: $err"

# 4. [project] wait = 1 (no --wait): the run gives up after 1 s
sed 's/^ruleset = dk2021/ruleset = dk2021\nwait = 1/' "$P" > "$T/s/wait1.ini"
hold_ws 120 "DELETE FROM alerts"
rc=0; err=$("$N" run "$T/s/wait1.ini" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] && grep -q "workspace is busy: another nabolag is writing it (waited 1 s; --wait to wait longer)" <<<"$err" ||
    fail "[project] wait = 1: exit $rc: $err"
# ... and --wait on the command line wins over the project file
rc=0; err=$("$N" --wait 0 run "$T/s/wait1.ini" 2>&1 >/dev/null) || rc=$?
grep -q "(waited 0 s;" <<<"$err" || fail "--wait did not win over [project] wait: $err"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# 5. an output folder held by another nabolag: export and run wait, then
# fail naming the folder; nothing in it changes
lsout() { ls -l --time-style=full-iso "$T/s/out" | grep -v 'sample.sqlite\|^total'; }
lsout > "$T/out.before"
hold_dir 120 "$T/s/out"
rc=0; err=$("$N" --wait 1 export "$ws" -o "$T/s/out" --overwrite 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "nabolag: $T/s/out: output folder is busy: another nabolag is writing it (waited 1 s; --wait to wait longer)" <<<"$err" ||
    fail "export into a locked folder: exit $rc: $err"
rc=0; err=$("$N" --wait 1 run "$P" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] && grep -q "output folder is busy" <<<"$err" ||
    fail "run into a locked folder: exit $rc: $err"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
lsout > "$T/out.after"
diff "$T/out.before" "$T/out.after" > /dev/null || fail "the locked folder changed: $(diff "$T/out.before" "$T/out.after")"

# 6. two writers at once lose nothing: two imports of different years
# started together both land (the second waits for the first)
mk() { # mk YEAR0 FILE: pop and pop_18p for every area, 40 years
    python3 - "$1" "$2" "$ws" <<'PY'
import sqlite3, sys
ids = [r[0] for r in sqlite3.connect(sys.argv[3]).execute("SELECT area_id FROM areas")]
with open(sys.argv[2], "w") as f:
    f.write("area_id,year,pop,pop_18p\n")
    for y in range(int(sys.argv[1]), int(sys.argv[1]) + 40):
        for a in ids:
            f.write(f"{a},{y},1000,800\n")
PY
}
mk 1900 "$T/a.csv"; mk 1950 "$T/b.csv"
"$N" -q --wait 120 import stats "$ws" "$T/a.csv" & pa=$!
"$N" -q --wait 120 import stats "$ws" "$T/b.csv" & pb=$!
wait $pa || fail "first concurrent import failed"
wait $pb || fail "second concurrent import failed"
na=$(sqlite3 "$ws" "SELECT COUNT(*) FROM stats WHERE year BETWEEN 1900 AND 1939")
nb=$(sqlite3 "$ws" "SELECT COUNT(*) FROM stats WHERE year BETWEEN 1950 AND 1989")
nareas=$(sqlite3 "$ws" "SELECT COUNT(*) FROM areas")
[ "$na" = $((nareas * 40 * 2)) ] && [ "$nb" = $((nareas * 40 * 2)) ] ||
    fail "concurrent imports lost values: $na and $nb of $((nareas * 80)) each"

# 7. two runs into the same folders at once: both succeed, one after the
# other, and every output carries the id of the same (last) run
"$N" -q --wait 300 run "$P" > /dev/null & pa=$!
"$N" -q --wait 300 run "$P" > /dev/null & pb=$!
wait $pa || fail "first concurrent run failed"
wait $pb || fail "second concurrent run failed"
last=$(sqlite3 "$ws" "SELECT MAX(run_id) FROM runs WHERE kind = 'run'")
ids=$(python3 "$NBL_SOURCE_DIR/tests/cli/run_ids.py" "$T/s/out" | sort -u)
[ "$ids" = "$last" ] || fail "outputs carry run ids '$ids', expected '$last'"
[ ! -e "$T/s/out/.nabolag-staging" ] || fail "staging folder left behind"

# 8. usage: --wait needs a number
rc=0; "$N" --wait soon info "$ws" > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--wait soon: exit $rc"
echo "ok"
