#!/bin/bash
# labels: lint
# Size limits in src/ (tests/lint/check_lengths.py): no function over 80
# lines, no file over 1,000, but for the entries of
# tests/lint/length-allow.txt, which may only shrink. First the checker must
# measure a made-up file right (a function of exactly 80 and one of 81 lines).
set -uo pipefail
py=/usr/bin/python3
check="$NBL_SOURCE_DIR/tests/lint/check_lengths.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$tmp/src/model" "$tmp/tests/lint"
{
    printf 'static int\nok80(void)\n{\n'
    for i in $(seq 78); do printf '    x(%d); /* { */\n' "$i"; done
    printf '}\n\nint\nlong81(int a,\n       const char *s)\n{\n'
    for i in $(seq 79); do printf '    y("}", %d);\n' "$i"; done
    printf '}\n'
    for i in $(seq 900); do printf 'int v%d;\n' "$i"; done
} > "$tmp/src/model/m.c"
out=$($py "$check" "$tmp") && fail "check_lengths.py passed a long function"
grep -qF 'src/model/m.c:87: function long81 has 81 lines' <<<"$out" ||
    fail "long81 not measured as 81 lines from line 87: $out"
grep -q 'ok80' <<<"$out" && fail "ok80 (80 lines) reported: $out"
grep -qF 'src/model/m.c:1: 1067 lines' <<<"$out" ||
    fail "file length not reported: $out"
printf 'function src/model/m.c long81\nfile src/model/m.c\nfunction src/model/m.c gone\n' \
    > "$tmp/tests/lint/length-allow.txt"
out=$($py "$check" "$tmp") && fail "a stale allow-list entry passed"
grep -qF "'function src/model/m.c gone' is within the limit now" <<<"$out" ||
    fail "stale entry not reported: $out"
grep -q 'long81 has' <<<"$out" && fail "allowed function reported: $out"

out=$($py "$check" "$NBL_SOURCE_DIR") || fail "size limits:
$out"
n=$(grep -c '^function' "$NBL_SOURCE_DIR/tests/lint/length-allow.txt")
echo "lengths: within limits ($n functions still on the allow-list)"
