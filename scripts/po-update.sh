#!/bin/sh
# Extracts the translatable strings of src/ (xgettext) and merges them into
# every po/<lang>.po (msgmerge), so that new strings appear untranslated
# there. Usage: scripts/po-update.sh [OUT.pot]  (default: a temporary file)
# The keywords are those of src/util/i18n.h, the CLI helpers and the
# library's message functions (nbl__error, nbl__warn, nbl__info and the
# readers' wrappers), which translate their format into the message language.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
pot=${1:-$(mktemp)}
cd "$root"
find src -name '*.c' | LC_ALL=C sort > "$pot.files"
xgettext --from-code=UTF-8 --language=C --package-name=nabolag \
    --no-wrap --no-location --sort-output --add-comments=TRANSLATORS: \
    --keyword=_ --keyword=_n:1,2 --keyword=NBL_COUNT:2,3 --keyword=N_ --keyword=T_ --keyword=Tn_:1,2 \
    --keyword=cli_usage:2 --keyword=cli_info:1 \
    --keyword=nbl__error:3 --keyword=nbl__warn:2 --keyword=nbl__info:2 \
    --keyword=nbl__errline:2 --keyword=nbl__sti_problem:3 --keyword=bad:3 \
    --keyword=fail:2 \
    --files-from="$pot.files" -o "$pot"
rm -f "$pot.files"
if [ "${1:-}" = "" ]; then
    for po in po/*.po; do
        msgmerge --quiet --no-wrap --no-location --sort-output --update --backup=none "$po" "$pot"
        msgattrib --no-wrap --no-obsolete -o "$po" "$po"
    done
    rm -f "$pot"
fi
