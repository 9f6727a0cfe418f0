#!/bin/bash
# labels: cli
# `nabolag alerts` evaluates and writes in one transaction: when the output
# cannot be written the alert states stay as they were (byte for byte), and
# when it can, the evaluation is stored. An output that is a device, a
# pipe or a folder is written in place or refused, never replaced.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
rm -rf "$T/s/out"
"$NBL_BIN" --lang en -q run "$T/s/sample.ini" > /dev/null 2>&1 || fail "sample run"
ws="$T/s/out/sample.sqlite"
sum=$(sha256sum < "$ws")
touch "$T/exists.txt"
# evaluating 2023 would store that year's alerts; the output is refused
rc=0; out=$("$NBL_BIN" --lang en alerts "$ws" --year 2023 -o "$T/exists.txt" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "exit $rc: $out"
grep -q "already exists" <<<"$out" || fail "message: $out"
[ "$(sha256sum < "$ws")" = "$sum" ] || fail "workspace changed by a failed 'alerts'"
"$NBL_BIN" --lang en -q alerts "$ws" --year 2023 -o "$T/a2023.txt" || fail "alerts 2023"
[ "$(sha256sum < "$ws")" != "$sum" ] || fail "a successful evaluation stored nothing"
# a category change names what decided it besides the criteria count:
# SK-02 became parallelsamfund in 2021 on its non-western share
"$NBL_BIN" --lang en -q alerts "$ws" --year 2021 -o "$T/a2021.txt" || fail "alerts 2021"
grep -q "now parallelsamfund (parallelsamfund) in 2021, up from udsat boligområde in 2020; 2 criteria met (udsat needs 2). Non-western share 50.9 % (parallelsamfund needs over 50 %)." "$T/a2021.txt" || fail "parallelsamfund message: $(grep parallelsamfund "$T/a2021.txt")"
# An output that is not a regular file is written in place, never replaced
# by a renamed temporary file (as root, `-o /dev/null --overwrite` once
# turned /dev/null into a regular file): a named pipe gets the list and
# stays a pipe, without --overwrite.
"$NBL_BIN" --lang en -q alerts "$ws" --year 2024 -f csv -o - > "$T/want.csv"
mkfifo "$T/pipe"
cat "$T/pipe" > "$T/got.csv" &
reader=$!
timeout 60 "$NBL_BIN" --lang en -q alerts "$ws" --year 2024 -f csv -o "$T/pipe" ||
    { kill "$reader" 2>/dev/null; fail "alerts into a named pipe"; }
wait "$reader"
[ -p "$T/pipe" ] || fail "the named pipe was replaced"
cmp -s "$T/got.csv" "$T/want.csv" || fail "the pipe got another list than stdout"
mkdir "$T/folder"
rc=0; out=$("$NBL_BIN" --lang en alerts "$ws" --year 2024 -o "$T/folder" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -qF "$T/folder: is a folder, not a file" <<<"$out" || fail "folder: exit $rc: $out"
if [ "$(id -u)" = 0 ]; then
    # a null device of our own (root can make one; never the real /dev/null)
    mknod "$T/null" c 1 3
    "$NBL_BIN" --lang en -q alerts "$ws" --year 2024 -o "$T/null" --overwrite || fail "alerts -o null device"
    "$NBL_BIN" --lang en -q report "$ws" -o "$T/null" || fail "report -o null device"
    [ -c "$T/null" ] || fail "the device was replaced by a $(stat -c %F "$T/null")"
    # a run stages its outputs and renames them together: it refuses one
    sed "s|^output = out/report.html|output = $T/null|" "$T/s/sample.ini" > "$T/s/dev.ini"
    rc=0; out=$("$NBL_BIN" --lang en run "$T/s/dev.ini" 2>&1) || rc=$?
    [ "$rc" = 1 ] && grep -qF "$T/null: not a regular file (a device or a pipe)" <<<"$out" ||
        fail "run into a device: exit $rc: $out"
    [ -c "$T/null" ] || fail "the run replaced the device"
fi
echo "alerts atomic: all checks passed"
