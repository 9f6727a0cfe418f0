#!/bin/bash
# labels: lint
# House rules that a compiler does not check: the word the project never
# uses, banned C functions (sprintf strcpy strcat atoi atof gets) in the
# library and CLI, and clang-format conformance of every C file.
set -uo pipefail
cd "$NBL_SOURCE_DIR" || exit 1
status=0
word=$(printf 'g%s' 'hetto')
if grep -rIil --exclude-dir=.git --exclude-dir='build*' "$word" . ; then
    echo "FAIL: the files above use a stigmatising word the project never uses" >&2
    status=1
fi
banned=$(grep -rnE '\b(sprintf|strcpy|strcat|atoi|atof|gets)\(' src include || true)
if [ -n "$banned" ]; then
    echo "FAIL: banned functions (use snprintf, strtol/strtod with checks):" >&2
    echo "$banned" >&2
    status=1
fi
if command -v clang-format >/dev/null; then
    files=$(find src include tests bench -name '*.[ch]' 2>/dev/null)
    if ! clang-format --dry-run --Werror $files 2>/tmp/nbl-format.$$; then
        echo "FAIL: not clang-formatted (run clang-format -i on these):" >&2
        grep -oE '^[^:]+\.[ch]' /tmp/nbl-format.$$ | sort -u >&2
        status=1
    fi
    rm -f /tmp/nbl-format.$$
fi
[ $status = 0 ] && echo "lint: all checks passed"
exit $status
