#!/bin/bash
# labels: bench slow
# The GeoPandas peer of `nabolag run` (bench/peer_geopandas_pipeline.py),
# checked on small data: bench/run_peer.sh --tiny generates 200 areas x 11
# years x 40 variables and 20,000 incident points, runs the job with nabolag
# and with the peer, and fails unless every area-year's category and every
# incident count agree, and unless the check itself finds a changed category
# and a changed count. Not in the default run (label slow: it times the
# tools, about 20 s); run it with `ctest --test-dir build -L bench`. Skipped
# (77) without python3-geopandas (scripts/deps.sh --bench).
set -u
NBL="$NBL_BIN" exec bash "$NBL_SOURCE_DIR/bench/run_peer.sh" --tiny
