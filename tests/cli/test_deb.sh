#!/bin/bash
# labels: cli deb
# The Debian package: `cpack -G DEB` builds nabolag_<version>_<arch>.deb
# from this build; apt-get installs it (its Depends, computed by
# dpkg-shlibdeps, are met by scripts/deps.sh); the installed
# /usr/bin/nabolag prints its version, `man -w nabolag-run` finds the page,
# and the installed sample project runs; then the package is removed again.
# It installs a package on the machine, so it runs only when asked:
# NBL_TEST_DEB=1 (scripts/test.sh, and so CI, sets it); and it needs root,
# dpkg and cpack. Otherwise it is skipped (exit 77, shown as skipped).
set -euo pipefail
T=$(mktemp -d)
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ "${NBL_TEST_DEB:-0}" != 1 ]; then
    echo "SKIP: the .deb test installs a package: set NBL_TEST_DEB=1 to run it"
    exit 77
fi
if [ "$(id -u)" != 0 ] || ! command -v dpkg >/dev/null || ! command -v cpack >/dev/null; then
    echo "SKIP: the .deb test needs root, dpkg and cpack"
    exit 77
fi
# one dpkg at a time (parallel test runs of several build folders)
exec 9>/tmp/nabolag-deb-test.lock
flock 9
# apt-get waits for a dpkg lock held by another install (dpkg -i would fail)
apt_wait=(-y -q -o DPkg::Lock::Timeout=600)
cleanup() {
    DEBIAN_FRONTEND=noninteractive apt-get remove "${apt_wait[@]}" nabolag >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT
(cd "$NBL_BUILD_DIR" && cpack -G DEB -B "$T/deb" >"$T/cpack.log" 2>&1) ||
    { cat "$T/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$(ls "$T"/deb/nabolag_*.deb)
version=$("$NBL_BIN" --version | head -1 | cut -d' ' -f2)
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version"
grep -q 'libgdal' <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends lacks GDAL"
DEBIAN_FRONTEND=noninteractive apt-get install "${apt_wait[@]}" --no-install-recommends "$deb" \
    >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log" >&2; fail "installing the .deb"; }
[ "$(/usr/bin/nabolag --version | head -1)" = "nabolag $version" ] || fail "installed --version"
man -w nabolag-run >/dev/null || fail "man nabolag-run not found"
cp -r /usr/share/nabolag/sample-data "$T/s"
rc=0; /usr/bin/nabolag -q run "$T/s/sample.ini" >"$T/alerts.txt" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || { cat "$T/alerts.txt" >&2; fail "sample run: exit $rc"; }
for f in sample.sqlite areas.geojson nabolag.qgs report.html; do
    [ -s "$T/s/out/$f" ] || fail "the installed sample wrote no $f"
done
DEBIAN_FRONTEND=noninteractive apt-get remove "${apt_wait[@]}" nabolag >/dev/null 2>&1 ||
    fail "removing the package"
[ ! -e /usr/bin/nabolag ] || fail "/usr/bin/nabolag left after removal"
echo "deb: $(basename "$deb") installs, runs the sample, removes"
