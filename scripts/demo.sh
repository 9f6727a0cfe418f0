#!/bin/sh
# Installs what nabolag needs (Debian 12, as root), builds it, and runs the
# bundled sample project: the whole yearly job of a municipality.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
rm -rf sample-data/out sample-data/out-byomraader
build/nabolag run sample-data/sample.ini
echo
echo "Outputs are in $(pwd)/sample-data/out/ (open nabolag.qgs in QGIS)."
# The second path of the sample: two byområder whose residents come from
# Danmarks Statistik's square grid (sample-data/byomraader.ini)
echo
build/nabolag --quiet run sample-data/byomraader.ini >/dev/null
build/nabolag area sample-data/out-byomraader/byomraader.sqlite BY-02
echo
echo "The byområder (residents from grid cells) are in $(pwd)/sample-data/out-byomraader/."
