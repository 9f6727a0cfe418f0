#!/bin/bash
# labels: cli
# The alert lists are written as they are made, one alert at a time
# (util/jsondoc.h, nbl__jstream), and must stay byte for byte the document
# jansson dumps whole. Every -f json and -f geojson list here - a file and
# standard output, one year and --since, the run's [alerts] output - must
# equal Python's json.dumps(indent=2, ensure_ascii=False) of itself plus a
# newline: an independent writer of the same layout (two spaces a level,
# ": " after a key, one member or element a line, [] and {} when empty).
# Then again with an area named with quotes, a backslash, a slash, a tab,
# Danish letters and a byte that is not UTF-8, whose name line is also
# checked against the text written by hand: the byte as U+FFFD (what
# nbl__jstr makes of it), the rest kept, escaped as RFC 8259 says.
# Last, as root, a list written into a full file system fails in the
# middle (the sample's list is larger than one stdio buffer): exit 1, the
# file named with "disk full", no file or temporary file left, and the
# alert states as they were.
set -euo pipefail
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
T=$(mktemp -d)
M=$T/full
cleanup() { if mountpoint -q "$M" 2>/dev/null; then umount "$M"; fi; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
nbl() { "$BIN" -q --lang en "$@"; }

cp -r "$SRC/sample-data" "$T/s"
rm -rf "$T/s/out"
# the run's alert list as JSON too (written into the run's stage)
sed -i 's|^\[alerts\]$|[alerts]\noutput = out/alerts-list.json\nformat = json|' \
    "$T/s/sample.ini"
nbl run "$T/s/sample.ini" >/dev/null 2>"$T/err" || fail "run: $(cat "$T/err")"
WS=$T/s/out/sample.sqlite
[ -s "$T/s/out/alerts-list.json" ] || fail "run: no [alerts] output"

whole() { # files: each must be its whole-document dump
    /usr/bin/python3 - "$@" <<'PY'
import json, sys
for f in sys.argv[1:]:
    text = open(f, encoding="utf-8", errors="strict").read()
    doc = json.loads(text)
    want = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if text != want:
        a, b = text.splitlines(), want.splitlines()
        i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                 min(len(a), len(b)))
        sys.exit("%s: line %d differs from the whole dump: %r, not %r" % (
            f, i + 1, a[i] if i < len(a) else "<end>",
            b[i] if i < len(b) else "<end>"))
    key = "alerts" if "alerts" in doc else "features"
    n = len(doc[key])
    if n < 2:
        sys.exit("%s: only %d alerts: too few to show the separators" % (f, n))
PY
}

lists() { # tag: every list of the workspace, as files and on stdout
    for f in json geojson; do
        for since in "" "--since 2019"; do
            o=$T/$1.$f${since:+.since}
            # shellcheck disable=SC2086
            nbl alerts "$WS" $since -f "$f" -o "$o" || fail "alerts -f $f $since"
            # shellcheck disable=SC2086
            nbl alerts "$WS" $since -f "$f" >"$o.stdout" || fail "stdout $f"
            cmp -s "$o" "$o.stdout" || fail "$f $since: stdout differs from -o"
            whole "$o" || fail "$f $since: not the whole-document dump"
        done
    done
}

lists sample
whole "$T/s/out/alerts-list.json" || fail "the run's [alerts] output"
grep -q '"run_id": "' "$T/s/out/alerts-list.json" || fail "run: no run_id"

# hostile text in an area's name; the alerts carry it as area_name
/usr/bin/python3 - "$WS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
name = "Ærø \"Syd\" \\ /\t".encode() + b"\xe5" + "x æøå".encode()
db.execute("UPDATE areas SET name = CAST(? AS TEXT) WHERE area_id = 'SK-01'",
           (name,))
db.commit()
PY
lists hostile
line='      "area_name": "Ærø \"Syd\" \\ /\t'$'\xef\xbf\xbd''x æøå",'
grep -qxF "$line" "$T/hostile.json" || fail "json: area_name line not '$line'"
grep -qxF "  $line" "$T/hostile.geojson" ||
    fail "geojson: area_name line not '  $line'"

mkdir "$M"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=1m tmpfs "$M" 2>/dev/null; then
    echo "alerts stream: checks passed; the full-disk part needs root (skipped)"
    exit 0
fi
dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null || true
# an alert the evaluation would store again, were its transaction kept
sqlite3 "$WS" "DELETE FROM alerts WHERE alert_id = (SELECT max(alert_id) FROM alerts)"
sum=$(sqlite3 "$WS" "SELECT count(*), group_concat(alert_id || state, ',') FROM alerts")
for f in json geojson; do
    rc=0
    err=$("$BIN" --lang en alerts "$WS" -f $f -o "$M/a.$f" 2>&1 >/dev/null) || rc=$?
    [ "$rc" = 1 ] || fail "$f to a full disk: exit $rc: $err"
    grep -qxF "nabolag: $M/a.$f: write failed: disk full (no space left on the device)" \
        <<<"$err" || fail "$f to a full disk: $err"
    [ "$(ls -A "$M")" = fill ] || fail "$f: left on the full disk: $(ls -A "$M")"
    [ "$(sqlite3 "$WS" "SELECT count(*), group_concat(alert_id || state, ',') FROM alerts")" = "$sum" ] ||
        fail "$f: the alert states changed though the list was not written"
done
rm "$M/fill"
nbl alerts "$WS" -f json -o "$M/a.json" || fail "alerts with room again"
[ "$(sqlite3 "$WS" "SELECT count(*) FROM alerts")" -gt "${sum%%|*}" ] ||
    fail "the deleted alert was not stored again (the check above proves nothing)"
echo "alerts stream: all checks passed"
