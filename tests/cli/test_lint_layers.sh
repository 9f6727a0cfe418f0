#!/bin/bash
# labels: lint
# The pipeline's layering (docs/architecture.md): tests/lint/check_deps.py
# over src/ and include/ finds no upward include, no cycle, no impure model.
# First it must catch each kind of fault in a small tree made here, naming
# the file and line, so that a checker that finds nothing cannot pass.
set -uo pipefail
py=/usr/bin/python3
check="$NBL_SOURCE_DIR/tests/lint/check_deps.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$tmp/src/model" "$tmp/src/compute" "$tmp/src/store" "$tmp/include/nabolag"
printf '#include "compute/compute_x.h"\n' > "$tmp/src/model/crit.h"
printf '#include "model/crit.h"\n' > "$tmp/src/compute/compute_x.h"
printf '#include <sqlite3.h>\n' > "$tmp/src/compute/sql.c"
printf '#include <gdal.h>\n#include "store/a.h"\n' > "$tmp/src/model/impure.c"
printf '#include "store/b.h"\n' > "$tmp/src/store/a.h"
printf '\n#include "store/a.h"\n' > "$tmp/src/store/b.h"
printf '#include "model/crit.h"\n' > "$tmp/include/nabolag/pub.h"
printf '#include "flat.h"\n' > "$tmp/src/store/flat.c"
out=$($py "$check" "$tmp") && fail "check_deps.py passed a broken tree"
for want in 'src/model/crit.h:1: upward include: model may not include compute' \
    'src/compute/sql.c:1: <sqlite3.h> outside src/store/' \
    'src/model/impure.c:1: the model includes <gdal.h>' \
    'src/model/impure.c:2: upward include: model may not include store' \
    'include cycle: src/store/a -> src/store/b -> src/store/a' \
    'include cycle: src/model/crit -> src/compute/compute_x -> src/model/crit' \
    'include/nabolag/pub.h:1: public header includes private' \
    'src/store/flat.c:1: "flat.h": include headers as'; do
    grep -qF "$want" <<<"$out" || fail "not reported: $want (got: $out)"
done

out=$($py "$check" "$NBL_SOURCE_DIR") || fail "the tree breaks the layering:
$out"
echo "layers: no upward include, no cycle, pure model"
