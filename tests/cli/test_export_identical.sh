#!/bin/bash
# labels: cli golden
# The export streams its layers feature by feature from store cursors
# (issue 13.2); its output must be what the export wrote when it built
# every layer in memory: the sample exported as GeoJSON, GeoPackage and
# FlatGeobuf (tests/tools/export_digest.sh) must give the digests in
# tests/fixtures/export/sample_digests.txt, which that script printed with
# the in-memory export (the commit before the streaming one). When a layer
# changes on purpose (a new field), regenerate the file with the script and
# say so in the commit.
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d /tmp/nbl_identical.XXXXXX)
trap 'rm -rf "$T"' EXIT
bash "$NBL_SOURCE_DIR/tests/tools/export_digest.sh" "$NBL_BIN" \
    "$NBL_SOURCE_DIR" "$T" >"$T/digests" || fail "export_digest.sh"
diff "$NBL_SOURCE_DIR/tests/fixtures/export/sample_digests.txt" \
    "$T/digests" || fail "the export's output differs (above: expected < > got)"
echo "ok"
