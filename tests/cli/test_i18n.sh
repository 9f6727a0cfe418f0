#!/bin/bash
# labels: cli lint
# Translations (GNU gettext): every string marked in src/ is in the Danish
# catalogue and translated (none missing, untranslated or fuzzy), the
# catalogue compiles, and both languages render: the CLI follows --lang,
# then LANGUAGE/LC_ALL/LC_MESSAGES/LANG for its messages, and Danish
# output needs no installed Danish system locale.
set -uo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$NBL_SOURCE_DIR" || exit 1
po=po/da.po
scripts/po-update.sh "$T/nabolag.pot" 2>/dev/null || fail "xgettext failed"
msgcmp --use-untranslated "$po" "$T/nabolag.pot" 2> "$T/cmp" ||
    fail "strings marked in src/ missing from $po (run scripts/po-update.sh): $(head -5 "$T/cmp")"
msgfmt --check -o /dev/null "$po" 2> "$T/fmt" || fail "msgfmt --check: $(cat "$T/fmt")"
u=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
f=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
# msgattrib prints the header entry too when anything is left
[ "$u" -le 1 ] && ! msgattrib --untranslated --no-obsolete "$po" | grep -q '^msgid "[^"]' ||
    fail "untranslated entries in $po: $(msgattrib --untranslated --no-obsolete "$po" | grep '^msgid' | head -5)"
[ "$f" = 0 ] || fail "fuzzy entries in $po: $(msgattrib --only-fuzzy "$po" | grep '^msgid' | head -5)"
# an entry whose translation repeats the English text is allowed only for
# format-only strings (words in [section.keys] do not count) and the
# statutory Danish terms (kept as they are)
same=$(python3 - "$po" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
bad = []
# words that are the same in Danish
same_ok = {'"under %s"', '"over %s"', '"info"', '"status"', '" (version %s)"',
           '"Region"', '"%s: status"', '"%s: reference"', '"Information"',
           '"%s: [status_dynamics] %s: %s: \'%s\'"', '"alert_groups"',
           '"%s:%d: [alerts] %s: %s: \'%s\'"'}
for b in t.split("\n\n"):
    if "#~" in b or 'msgid ""\nmsgstr ""\n"' in b:
        continue
    m = re.search(r'^msgid (.*?)\nmsgstr (.*?)(\n|$)', b, re.S | re.M)
    if not m:
        continue
    i, s = m.group(1), m.group(2)
    if i == s and i not in same_ok and re.search(r"[a-z]{4,}", re.sub(r"\[[^]]*\]", "", i)) and not re.search(
            r"område|samfund|nabolag|QGIS|GeoJSON|EPSG", i):
        bad.append(i)
print("\n".join(bad))
PY
)
[ -z "$same" ] || fail "translations identical to the English text: $same"

B="$NBL_BIN"
"$B" --lang da --help | grep -q '^Kommandoer:' || fail "--lang da: no Danish help"
"$B" --lang en --help | grep -q '^Commands:' || fail "--lang en: no English help"
"$B" --help --lang=da | grep -q '^Kommandoer:' || fail "--lang=da after the option"
LANG=da_DK.UTF-8 LC_ALL= LANGUAGE= "$B" --help | grep -q '^Kommandoer:' ||
    fail "LANG=da_DK.UTF-8: messages not Danish"
LC_ALL=C LANG=da_DK.UTF-8 "$B" --help | grep -q '^Commands:' ||
    fail "LC_ALL=C wins over LANG"
LANG= LC_ALL= LC_MESSAGES=da_DK.UTF-8 "$B" --help | grep -q '^Kommandoer:' ||
    fail "LC_MESSAGES=da_DK.UTF-8: messages not Danish"
# Danish with a locale name the system does not have installed
LANG=da_DK.ISO-8859-15@nowhere LC_ALL= "$B" --help | grep -q '^Kommandoer:' ||
    fail "Danish messages depend on an installed system locale"
"$B" --lang de --help 2> "$T/err" >/dev/null
[ $? = 2 ] || fail "--lang de: expected exit 2"
grep -q "expected da or en, got 'de'" "$T/err" || fail "--lang de message: $(cat "$T/err")"
LANG=C "$B" nosuch 2> "$T/err"
grep -q "unknown command 'nosuch'" "$T/err" || fail "English error: $(cat "$T/err")"
LC_ALL= LANG=da_DK.UTF-8 "$B" nosuch 2> "$T/err"
grep -q "ukendt kommando 'nosuch'" "$T/err" || fail "Danish error: $(cat "$T/err")"

# every command's own help (and every import kind's) follows the message
# language: Danish prose with --lang da or a Danish LANG, English with
# --lang en or the C locale. Function words tell the languages apart (no
# English one in the Danish text, none of the Danish ones in the English).
en_words='the|and|of|with|is|are'
da_words='og|af|med|eller|til|den|det|ikke|er'
cmds=$(LC_ALL=C "$B" --help | awk '/^Commands:/ {f=1; next} f && NF == 0 {exit} f {print $1}')
[ "$(wc -w <<<"$cmds")" -ge 10 ] || fail "commands in --help: $cmds"
kinds=$(LC_ALL=C "$B" import --help | awk '/^Kinds:/ {f=1; next} f && NF == 0 {exit} f {print $1}')
[ "$(wc -w <<<"$kinds")" -ge 6 ] || fail "kinds in import --help: $kinds"
check_help() { # the command words
    local da en
    da=$("$B" --lang da "$@" --help) || fail "--lang da $* --help failed"
    en=$("$B" --lang en "$@" --help) || fail "--lang en $* --help failed"
    [[ $da == "brug: nabolag $*"* ]] || fail "$* --help, Danish: $(head -1 <<<"$da")"
    [[ $en == "usage: nabolag $*"* ]] || fail "$* --help, English: $(head -1 <<<"$en")"
    ! grep -wiE "$en_words" <<<"$da" >"$T/w" || fail "$* --help, Danish has English prose: $(head -2 "$T/w")"
    grep -qwiE "$da_words" <<<"$da" || fail "$* --help, Danish has no Danish prose"
    ! grep -wiE "$da_words" <<<"$en" >"$T/w" || fail "$* --help, English has Danish prose: $(head -2 "$T/w")"
    grep -qwiE "$en_words|a" <<<"$en" || fail "$* --help, English has no English prose"
}
for c in $cmds; do check_help "$c"; done
for k in $kinds; do check_help import "$k"; done
check_help plans compare
LANG=da_DK.UTF-8 LC_ALL= LANGUAGE= "$B" export --help | grep -q '^brug: nabolag export ARBEJDSFIL' ||
    fail "LANG=da_DK.UTF-8: export --help not Danish"
LC_ALL=C LANG=da_DK.UTF-8 "$B" export --help | grep -q '^usage: nabolag export WORKSPACE' ||
    fail "LC_ALL=C: export --help not English"
# the import kinds' summaries and the language of usage errors
"$B" --lang da import --help | grep -q '^  areas *boligområdernes polygoner' ||
    fail "import --help: kinds not Danish"
usage_err() { # expected exit 2 and a message matching $1; rest: command
    local want=$1; shift
    "$@" 2>"$T/err" >/dev/null
    local rc=$?
    [ "$rc" = 2 ] || fail "$*: exit $rc, expected 2"
    grep -qF -- "$want" "$T/err" || fail "$*: expected '$want', got: $(cat "$T/err")"
}
usage_err "nabolag plans compare: forventede ét argument ARBEJDSFIL (se 'nabolag plans compare --help')" \
    "$B" --lang da plans compare
usage_err "nabolag plans compare: expected one WORKSPACE argument (see 'nabolag plans compare --help')" \
    "$B" --lang en plans compare
LANG=da_DK.UTF-8 LC_ALL= LANGUAGE= usage_err "forventede ét argument ARBEJDSFIL" "$B" plans compare
usage_err "nabolag alerts: --fail-on: forventede new eller any, ikke 'x'" \
    "$B" --lang da alerts ws --fail-on x
usage_err "nabolag import: ukendt type 'nosuch'" "$B" --lang da import nosuch
usage_err "nabolag import: unknown kind 'nosuch'" "$B" --lang en import nosuch
# the library's own messages (errors, warnings, rejected rows) follow the
# message language too
en=$("$B" --lang en info "$T/nope.sqlite" 2>&1)
da=$("$B" --lang da info "$T/nope.sqlite" 2>&1)
[ "$en" != "$da" ] && grep -q 'arbejdsfil' <<<"$da" ||
    fail "library error not Danish with --lang da: $da"
grep -q 'no such workspace' <<<"$en" || fail "library error not English with --lang en: $en"
[ "$(LANG=da_DK.UTF-8 LC_ALL= LANGUAGE= "$B" info "$T/nope.sqlite" 2>&1)" = "$da" ] ||
    fail "LANG=da_DK.UTF-8: library error not Danish"
"$B" -q init "$T/w.sqlite" 2>/dev/null || fail "init"
printf 'area_id,year,pop\nA,2024,x\n' >"$T/bad.csv"
"$B" --lang da import stats "$T/w.sqlite" "$T/bad.csv" 2>"$T/err" >/dev/null
grep "bad.csv:2:" "$T/err" | grep -q "område" ||
    fail "rejected row not Danish: $(cat "$T/err")"
"$B" --lang en import stats "$T/w.sqlite" "$T/bad.csv" 2>"$T/err" >/dev/null
grep -q "bad.csv:2: column 'area_id': unknown area: 'A'" "$T/err" ||
    fail "rejected row not English: $(cat "$T/err")"
echo "i18n: catalogue complete, both languages render"
