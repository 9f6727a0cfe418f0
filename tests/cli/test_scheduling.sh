#!/bin/bash
# labels: cli
# The scheduled job as documented (docs/install.md): the command lines of
# contrib/systemd/nabolag.service (ExecStart) and contrib/cron/nabolag are
# run as written, with the program and the project file replaced by this
# build's and a copy of the sample project: they must exit 0 or 3 (3 =
# alerts raised, which the unit counts as success) and write the outputs.
# The units are checked by systemd-analyze where it is installed.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
src=$NBL_SOURCE_DIR
unit="$src/contrib/systemd/nabolag.service"
cron="$src/contrib/cron/nabolag"
grep -qx 'SuccessExitStatus=3' "$unit" || fail "the unit does not accept exit 3"

run_line() { # $1: a command line naming /usr/bin/nabolag and /etc/nabolag/project.ini
    local line=$1 rc=0
    cp -r "$src/sample-data" "$T/s"; rm -rf "$T/s/out"
    line=${line//\/usr\/bin\/nabolag/$NBL_BIN}
    line=${line//\/etc\/nabolag\/project.ini/$T/s/sample.ini}
    line=${line//\/var\/lib\/nabolag/$T/s}
    [[ $line == *"$NBL_BIN"* && $line == *"$T/s/sample.ini"* ]] ||
        fail "unexpected command line: $1"
    (eval "$line") >"$T/out.txt" 2>&1 || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 3 ] || { cat "$T/out.txt" >&2; fail "exit $rc: $1"; }
    [ -s "$T/s/out/report.html" ] || fail "no report from: $1"
    rm -rf "$T/s"
}
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || fail "no ExecStart"
run_line "$exec_start"
cron_line=$(grep -vE '^(#|[A-Z]+=|$)' "$cron" | head -1)
# the fields: minute hour day month weekday user command
[ "$(awk '{print $1, $2, $3, $4, $5, $6}' <<<"$cron_line")" = "0 6 2 12 * nabolag" ] ||
    fail "cron schedule: $cron_line"
run_line "$(cut -d' ' -f7- <<<"$(tr -s ' ' <<<"$cron_line")")"

if command -v systemd-analyze >/dev/null; then
    sed "s#/usr/bin/nabolag#$NBL_BIN#" "$unit" > "$T/nabolag.service"
    cp "$src/contrib/systemd/nabolag.timer" "$T/"
    out=$(systemd-analyze verify --man=no "$T/nabolag.service" "$T/nabolag.timer" 2>&1 |
        grep -vE 'User=|Group=|Failed to look up|not found' || true)
    [ -z "$out" ] || fail "systemd-analyze verify: $out"
    next=$(systemd-analyze calendar '*-12-02 06:00:00' | sed -n 's/.*Normalized form: //p')
    [ "$next" = "*-12-02 06:00:00" ] || fail "timer calendar: $next"
fi
echo "scheduling: the unit's and the cron file's command lines run the sample"
