#!/bin/sh
# Installs every package nabolag needs to build, test and demo, from Debian 12.
# Usage: scripts/deps.sh [--qgis] [--bench]   (run as root)
#   --qgis   QGIS for the layer tests (label qgis)
#   --bench  GeoPandas for bench/run_peer.sh (the peer of `nabolag run`)
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs="build-essential cmake pkg-config git
 libgdal-dev gdal-bin libproj-dev proj-bin libgeos-dev
 libsqlite3-dev libspatialite-dev libsqlite3-mod-spatialite spatialite-bin sqlite3
 libcsv-dev libcmocka-dev libinih-dev libjansson-dev libcurl4-openssl-dev libssl-dev openssl
 python3 python3-gdal python3-aiosmtpd valgrind locales time bc
 gettext chromium
 man-db groff-base bsdextrautils dpkg-dev
 postgresql-15 postgresql-client-15 postgresql-15-postgis-3"
# (PostgreSQL + PostGIS: the export test starts its own throwaway server on
# a Unix socket, tests/pg/server.sh; the system's cluster is not used.)
for opt in "$@"; do
    case "$opt" in
    --qgis) pkgs="$pkgs python3-qgis qgis-providers xvfb" ;;
    --bench) pkgs="$pkgs python3-geopandas python3-rtree" ;;
    *) echo "usage: scripts/deps.sh [--qgis] [--bench]" >&2; exit 2 ;;
    esac
done
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi
# The unit tests run a second time under a comma-decimal locale.
if ! locale -a 2>/dev/null | grep -qi '^da_DK.utf8$'; then
    sed -i 's/^# *da_DK.UTF-8 UTF-8/da_DK.UTF-8 UTF-8/' /etc/locale.gen
    grep -q '^da_DK.UTF-8 UTF-8' /etc/locale.gen || echo 'da_DK.UTF-8 UTF-8' >> /etc/locale.gen
    locale-gen >/dev/null
fi
