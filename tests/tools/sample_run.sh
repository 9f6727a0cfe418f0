# sample_run.sh - sourced (not run) by export_digest.sh and report_digest.sh
# with BIN, SRC and W set: runs the sample project of SRC (a copy in $W/s)
# with SOURCE_DATE_EPOCH fixed and the C locale, and sets WS to its
# workspace and norm() to the filter that replaces the copy's folder by @
# (as written, and with its slashes escaped as JSON writes them).
export SOURCE_DATE_EPOCH=1700000000 LC_ALL=C
cp -r "$SRC/sample-data" "$W/s"
rm -rf "$W/s/out"
"$BIN" -q run "$W/s/sample.ini" >/dev/null 2>&1
WS="$W/s/out/sample.sqlite"
esc=$(printf '%s' "$W" | sed 's|/|\\\\/|g')
norm() { sed -e "s|$W|@|g" -e "s|$esc|@|g"; }
