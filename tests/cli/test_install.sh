#!/bin/bash
# labels: cli install
# `cmake --install` into a temporary prefix gives what another program and
# a Debian admin need: a program outside the tree (tests/install/consumer.c)
# builds against the installed library with pkg-config (shared and static)
# and with find_package(nabolag), and computes the sample's 2024 categories
# as the independent reference implementation does; libnabolag.so exports
# only the public API under a versioned soname; `man -l` renders a page per
# command that holds every line of that command's --help; the bash
# completion completes `nabolag ex<TAB>` and options; --version names the
# libraries.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
src=$NBL_SOURCE_DIR
P="$T/pfx"
cmake --install "$NBL_BUILD_DIR" --prefix "$P" >/dev/null
N="$P/bin/nabolag"
lib=$(ls "$P"/lib*/libnabolag.so.0 2>/dev/null | head -1)
[ -n "$lib" ] || fail "no libnabolag.so.0 installed"
libdir=$(dirname "$lib")

# 1. --version: nabolag's own and the run-time libraries'
v=$("$N" --version)
for l in GDAL PROJ SQLite SpatiaLite GEOS; do
    grep -qE "(^|, )$l [0-9]+\.[0-9]+" <<<"$v" || fail "--version lacks $l: $v"
done

# 2. the shared library: versioned soname, only public symbols
grep -q 'SONAME.*\[libnabolag\.so\.0\]' <<<"$(readelf -d "$lib")" || fail soname
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {sub(/@.*/, "", $3); print $3}')
[ "$(wc -l <<<"$syms")" -gt 40 ] || fail "too few exported symbols: $syms"
for s in $syms; do
    grep -qw "$s" "$P"/include/nabolag/*.h || fail "exported but not public: $s"
done
grep -q " nbl__" <<<"$(nm -D --defined-only "$lib")" && fail "internal nbl__ symbols exported"

# 3. a workspace with the sample's results, and the reference's 2024 counts
cp -r "$src/sample-data" "$T/s"; rm -rf "$T/s/out"
"$N" -q run "$T/s/sample.ini" >/dev/null 2>&1 || [ $? = 3 ] || fail "sample run"
ws="$T/s/out/sample.sqlite"
want=$(/usr/bin/python3 "$src/tests/reference/dk2021_reference.py" "$src/sample-data" |
    awk '$2 == 2024 { n[$NF]++ } END { for (c in n) print c "=" n[c] }' | sort)
check_consumer() { # $1: the built consumer
    out=$("$1" "$ws" 2024) || fail "$1 failed: $out"
    got=$(sed -n 's/^year 2024: //p' <<<"$out" | tr ' ' '\n' | grep -v '=0$' | sort)
    [ "$got" = "$want" ] || fail "$1: categories $got, reference $want"
    grep -q '^alerts [1-9]' <<<"$out" || fail "$1: no alerts listed: $out"
}

# 4. pkg-config, shared and static
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion nabolag)" = "$("$N" --version | head -1 | cut -d' ' -f2)" ] ||
    fail "nabolag.pc version"
cc -o "$T/c_pc" "$src/tests/install/consumer.c" $(pkg-config --cflags --libs nabolag) \
    -Wl,-rpath,"$libdir" || fail "pkg-config build"
grep -qF "$libdir/libnabolag.so.0" <<<"$(ldd "$T/c_pc")" || fail "not linked to the installed .so"
check_consumer "$T/c_pc"
# libnabolag.a with its dependencies as shared libraries: the modules of
# Requires.private and the plain Libs.private
priv=$(pkg-config --print-requires-private nabolag | awk '{print $1}')
[ -n "$priv" ] || fail "nabolag.pc names no private requirements"
static_libs="$(pkg-config --libs $priv) $(pkg-config --variable=prefix nabolag >/dev/null;
    sed -n 's/^Libs.private: //p' "$libdir/pkgconfig/nabolag.pc")"
cc -o "$T/c_static" "$src/tests/install/consumer.c" $(pkg-config --cflags nabolag) \
    "$libdir/libnabolag.a" $static_libs || fail "static build"
grep -q libnabolag <<<"$(ldd "$T/c_static")" && fail "static build linked the .so"
check_consumer "$T/c_static"

# 5. CMake: find_package(nabolag) -> nabolag::nabolag
cmake -S "$src/tests/install" -B "$T/cb" -DCMAKE_PREFIX_PATH="$P" >/dev/null ||
    fail "find_package(nabolag)"
cmake --build "$T/cb" >/dev/null || fail "cmake build of the consumer"
check_consumer "$T/cb/consumer"

# 6. man pages: one per command (and import kind), each renders and holds
# every line of its --help
pages=$(ls "$P"/share/man/man1/)
cmds=$("$N" --help | awk '/^Commands:/ {f=1; next} f && NF == 0 {exit} f {print $1}')
[ -n "$cmds" ] || fail "no commands in --help"
kinds=$("$N" import --help | awk '/^Kinds:/ {f=1; next} f && NF == 0 {exit} f {print $1}')
check_page() { # $1 page name, rest: the command words
    local page=$1; shift
    [ -f "$P/share/man/man1/$page.1" ] || fail "no man page $page"
    rendered=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$P/share/man/man1/$page.1" 2>/dev/null | LC_ALL=C.UTF-8 col -bx |
        tr -s ' ')
    [ -n "$rendered" ] || fail "man -l $page rendered nothing"
    while IFS= read -r line; do
        line=$(tr -s ' ' <<<"$line" | sed 's/^ //')
        [ -z "$line" ] && continue
        grep -qF -- "$line" <<<"$rendered" || fail "$page lacks help line: $line"
    done < <(LC_ALL=C "$N" "$@" --help)
}
check_page nabolag
for c in $cmds; do check_page "nabolag-$c" "$c"; done
for k in $kinds; do check_page "nabolag-import-$k" import "$k"; done

# 7. bash completion from the installed script
comp="$P/share/bash-completion/completions/nabolag"
complete_words() { # the words typed; prints the completions of the last
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
             _nabolag; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
[ "$(complete_words "$N" ex)" = export ] || fail "nabolag ex<TAB>: $(complete_words "$N" ex)"
grep -qx import <<<"$(complete_words "$N" im)" || fail "nabolag im<TAB>"
grep -qx stats <<<"$(complete_words "$N" import st)" || fail "import st<TAB>"
grep -qx -- --overwrite <<<"$(complete_words "$N" export --ov)" || fail "export --ov<TAB>"
grep -qx -- --skip-invalid <<<"$(complete_words "$N" import stats ws --skip)" ||
    fail "import stats --skip<TAB>"
grep -qx sample.ini <<<"$(cd "$T/s" && complete_words "$N" run sample.i)" ||
    fail "file argument completion"

# 8. the docs, examples and sample are installed
for f in share/doc/nabolag/README.md share/doc/nabolag/docs/architecture.md \
    share/doc/nabolag/examples/systemd/nabolag.timer \
    share/doc/nabolag/examples/cron/nabolag share/nabolag/sample-data/sample.ini; do
    [ -f "$P/$f" ] || fail "not installed: $f"
done
echo "install: library, headers, pkg-config, CMake package, $(wc -w <<<"$pages") man pages, completion"
