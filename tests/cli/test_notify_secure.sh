#!/bin/bash
# labels: cli
# Delivery as municipalities run it, against real servers on 127.0.0.1
# started here with a certificate authority and a server certificate made
# here by openssl:
#  - aiosmtpd with STARTTLS required and AUTH required after TLS
#    (tests/fixtures/alerts/smtp_tls_server.py), one with implicit TLS, one
#    without STARTTLS: success with ca_file + credentials (encrypted, logged
#    in), and clear failures without ca_file, without credentials, with a
#    wrong password, and against the server without STARTTLS;
#  - an HTTPS webhook receiver that verifies X-Nabolag-Signature with the
#    snippet of docs/alerts.md and counts duplicate deliveries across a
#    forced retry (tests/fixtures/alerts/https_receiver.py);
#  - secrets: a credentials file of mode 0644 refused, a password in a URL
#    refused, the environment before the file, ~/.netrc;
#  - the leak grep: no password, secret or token in stdout, stderr, the
#    workspaces or any output (export, report, alert lists), after
#    successes and failures, with the areas read from a URL with a token.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
FIX=$SRC/tests/fixtures/alerts
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-secure.XXXXXX)
PIDS=()
fails=0
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { local d=$1; shift; "$@" || fail "$d"; }

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
    echo "FAIL: python3-aiosmtpd is not installed (scripts/deps.sh)" >&2
    exit 1
fi

# Secrets: distinctive strings, so the leak grep cannot miss one.
PW="Hemmelig-smtp-$$-x7Q"
WSECRET="whsec-$$-Zr4k9"
TOKEN="tok-$$-Yq81"

# ---- a certificate authority and a server certificate for 127.0.0.1 -----
(
    cd "$T" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout ca.key -out ca.pem -days 2 \
        -subj "/CN=Eksempel Kommune test CA" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" &&
    printf 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost\n' > ext &&
    openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out srv.pem -days 2 -extfile ext
) >/dev/null 2>&1 || { echo "FAIL: openssl could not make the certificates" >&2; exit 1; }

# start KIND DIR ARGS... -> PORT
start() {
    local script=$1 dir=$2; shift 2
    mkdir -p "$dir"
    timeout 120 $PY "$FIX/$script" "$dir" "$@" 2>>"$T/servers.err" &
    PIDS+=($!)
    for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { echo "FAIL: $script did not start" >&2; cat "$T/servers.err" >&2; exit 1; }
    PORT=$(cat "$dir/port")
}

make_ws() { # a copy of one seeded workspace (6 new alerts in 2024)
    if [ ! -e "$T/seed.ws" ]; then
        "$BIN" --quiet init "$T/seed.ws" >/dev/null || exit 1
        spatialite -silent "$T/seed.ws" < "$FIX/seed.sql" >/dev/null || { echo "FAIL: seed" >&2; exit 1; }
    fi
    cp "$T/seed.ws" "$1"
}
undelivered() { sqlite3 "$1" "SELECT COUNT(*) FROM alerts WHERE year = 2024 AND state = 'new' AND delivered_at IS NULL"; }

CRED=$T/credentials.ini
printf '[credentials]\nsmtp_password = %s\nwebhook_secret = %s\n' "$PW" "$WSECRET" > "$CRED"
chmod 600 "$CRED"
unset NABOLAG_SMTP_PASSWORD NABOLAG_WEBHOOK_SECRET
export HOME=$T/home # no ~/.netrc unless a check writes one
mkdir -p "$HOME"
printf '[alerts]\nbackoff = 0.1,0.2\ntimeout = 5\n' > "$T/fast.ini"
N=0 # each command's stdout/stderr are kept for the leak grep
nb() { N=$((N + 1)); "$BIN" "$@" > "$T/out.$N" 2> "$T/err.$N"; RC=$?; ERR=$T/err.$N; }

# ---- SMTP: STARTTLS required, AUTH after TLS ------------------------------
start smtp_tls_server.py "$T/smtp" starttls "$T/srv.pem" "$T/srv.key" boligsocial "$PW"
SP=$PORT
CFG=$T/alerts.ini # the keys as a municipality writes them
cat > "$CFG" <<EOF
[project]
name = Eksempel Kommune
[alerts]
notify = smtp://127.0.0.1:$SP
mail_to = boligsocial@kommune.example
mail_from = nabolag@kommune.example
smtp_user = boligsocial
ca_file = ca.pem
credentials = credentials.ini
backoff = 0.1,0.2
timeout = 5
EOF

# success: ca_file + credentials from the config (relative to it)
W1=$T/w1.sqlite; make_ws "$W1"
nb alerts "$W1" --config "$CFG" -o "$T/alerts1.txt"
check "starttls: exit 0" [ "$RC" = 0 ] || cat "$ERR" >&2
check "starttls: one message" [ "$(ls "$T/smtp"/msg-* 2>/dev/null | wc -l)" = 1 ]
check "starttls: the session was encrypted" grep -qx "encrypted=1" "$T/smtp/meta-1.txt"
check "starttls: logged in as boligsocial" grep -qx "login=boligsocial" "$T/smtp/meta-1.txt"
check "starttls: AUTH only encrypted" [ "$(grep -c 'encrypted=0' "$T/smtp/auth.log")" = 0 ]
check "starttls: alerts marked delivered" [ "$(undelivered "$W1")" = 0 ]
check "starttls: delivery in the run log" \
    [ "$(sqlite3 "$W1" "SELECT source || ' ' || rows_stored FROM runs WHERE kind = 'notify'")" = "smtp://127.0.0.1:$SP 6" ]
$PY - "$T/smtp/msg-1.eml" <<'EOF' || fail "starttls: e-mail content"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
# the subject is in the language of the text (Danish by default)
assert m["Subject"] == "nabolag: 6 nye varsler for 2024 (Eksempel Kommune)", m["Subject"]
assert "Nørre Park (A1)" in m.get_content()
EOF

# without ca_file: the certificate does not verify; one attempt, clear advice
W2=$T/w2.sqlite; make_ws "$W2"
nb alerts "$W2" --notify "smtp://127.0.0.1:$SP" --mail-to a@kommune.example \
    --smtp-user boligsocial --credentials "$CRED" --config "$T/fast.ini"
check "no ca_file: exit 1" [ "$RC" = 1 ]
check "no ca_file: names host and reason, advises ca_file" \
    grep -q "after 1 attempt: the TLS certificate of 127.0.0.1 does not verify (SSL certificate problem: .*); if it is signed by your organisation's own certificate authority, set ca_file = FILE" "$ERR"
check "no ca_file: nothing sent" [ "$(ls "$T/smtp"/msg-* | wc -l)" = 1 ]
check "no ca_file: alerts kept" [ "$(undelivered "$W2")" = 6 ]

# without credentials: TLS fine, the server wants a login
nb alerts "$W2" --notify "smtp://127.0.0.1:$SP" --mail-to a@kommune.example \
    --ca-file "$T/ca.pem"
check "no login: exit 1" [ "$RC" = 1 ]
check "no login: says a login is needed and where the password goes" \
    grep -q "127.0.0.1 requires a login (.*): set smtp_user and the password (NABOLAG_SMTP_PASSWORD, the credentials file or ~/.netrc)" "$ERR"
check "no login: alerts kept" [ "$(undelivered "$W2")" = 6 ]

# a wrong password in the environment: the environment comes first
N0=$(wc -l < "$T/smtp/auth.log")
NABOLAG_SMTP_PASSWORD=wrong-password nb alerts "$W2" --config "$T/fast.ini" --notify "smtp://127.0.0.1:$SP" \
    --mail-to a@kommune.example --smtp-user boligsocial --ca-file "$T/ca.pem" --credentials "$CRED"
check "wrong password: exit 1" [ "$RC" = 1 ]
check "wrong password: login refused" grep -q "127.0.0.1 refused the login as 'boligsocial'" "$ERR"
check "wrong password: the environment's was tried" [ "$(tail -n +$((N0 + 1)) "$T/smtp/auth.log" | grep -c 'ok=1')" = 0 ]

# ~/.netrc supplies the password
printf 'machine 127.0.0.1 login boligsocial password %s\n' "$PW" > "$HOME/.netrc"
chmod 600 "$HOME/.netrc"
nb alerts "$W2" --config "$T/fast.ini" --notify "smtp://127.0.0.1:$SP" \
    --mail-to a@kommune.example --smtp-user boligsocial --ca-file "$T/ca.pem"
check "netrc: exit 0" [ "$RC" = 0 ] || cat "$ERR" >&2
check "netrc: delivered encrypted" grep -qx "encrypted=1" "$T/smtp/meta-2.txt"
rm -f "$HOME/.netrc"

# ---- SMTP over implicit TLS (smtps://) ------------------------------------
start smtp_tls_server.py "$T/smtps" implicit "$T/srv.pem" "$T/srv.key" boligsocial "$PW"
W3=$T/w3.sqlite; make_ws "$W3"
NABOLAG_SMTP_PASSWORD=$PW nb alerts "$W3" --notify "smtps://127.0.0.1:$PORT" \
    --mail-to a@kommune.example --smtp-user boligsocial --ca-file "$T/ca.pem"
check "smtps: exit 0" [ "$RC" = 0 ] || cat "$ERR" >&2
check "smtps: encrypted" grep -qx "encrypted=1" "$T/smtps/meta-1.txt"

# ---- a server without STARTTLS --------------------------------------------
start smtp_tls_server.py "$T/plain" notls "$T/srv.pem" "$T/srv.key" boligsocial "$PW"
PP=$PORT
W4=$T/w4.sqlite; make_ws "$W4"
nb alerts "$W4" --notify "smtp://127.0.0.1:$PP" --mail-to a@kommune.example \
    --smtp-user boligsocial --credentials "$CRED" --ca-file "$T/ca.pem"
check "no STARTTLS: exit 1" [ "$RC" = 1 ]
check "no STARTTLS: says so" grep -q "127.0.0.1 does not offer STARTTLS, and nabolag does not send the login or the alerts unencrypted" "$ERR"
check "no STARTTLS: no AUTH sent in clear" [ ! -e "$T/plain/auth.log" ]
check "no STARTTLS: nothing sent" [ "$(ls "$T/plain"/msg-* 2>/dev/null | wc -l)" = 0 ]
# insecure_plaintext = true: sent, with a warning on every use
printf '[alerts]\ninsecure_plaintext = true\ncredentials = credentials.ini\nsmtp_user = boligsocial\n' > "$T/insecure.ini"
nb alerts "$W4" --notify "smtp://127.0.0.1:$PP" --mail-to a@kommune.example --config "$T/insecure.ini"
check "insecure_plaintext: exit 0" [ "$RC" = 0 ] || cat "$ERR" >&2
check "insecure_plaintext: warned" grep -q "warning: smtp://127.0.0.1:$PP: insecure_plaintext = true: the login and the alerts travel unencrypted" "$ERR"
check "insecure_plaintext: sent unencrypted" grep -qx "encrypted=0" "$T/plain/meta-1.txt"
# a host other than localhost/127.0.0.1 never falls back to plain text
if $PY -c 'import socket; socket.socket().bind(("127.0.0.2", 0))' 2>/dev/null; then
    start smtp_tls_server.py "$T/plain2" notls "$T/srv.pem" "$T/srv.key" boligsocial "$PW" 127.0.0.2
    W5=$T/w5.sqlite; make_ws "$W5"
    nb alerts "$W5" --notify "smtp://127.0.0.2:$PORT" --mail-to a@kommune.example
    check "127.0.0.2 without STARTTLS: exit 1" [ "$RC" = 1 ]
    check "127.0.0.2: says so" grep -q "127.0.0.2 does not offer STARTTLS" "$ERR"
    check "127.0.0.2: nothing sent" [ "$(ls "$T/plain2"/msg-* 2>/dev/null | wc -l)" = 0 ]
fi

# ---- secrets: refused where they do not belong ----------------------------
chmod 644 "$CRED"
W6=$T/w6.sqlite; make_ws "$W6"
nb alerts "$W6" --config "$CFG"
check "0644 credentials: exit 1" [ "$RC" = 1 ]
check "0644 credentials: mode named" grep -q "credentials.ini: credentials file has mode 0644: other users of this machine can read or change it; it is not used (make it private: chmod 600 " "$ERR"
check "0644 credentials: alerts kept" [ "$(undelivered "$W6")" = 6 ]
chmod 600 "$CRED"
nb alerts "$W6" --notify "smtp://boligsocial:$PW@127.0.0.1:$SP" --mail-to a@kommune.example
check "password in --notify: usage error" [ "$RC" = 2 ]
check "password in --notify: redacted, with advice" \
    grep -q "smtp://boligsocial:\*\*\*@127.0.0.1:$SP: the URL carries a password; put it in the environment (NABOLAG_SMTP_PASSWORD" "$ERR"
printf '[alerts]\nmail_to = a@b\nnotify = smtp://boligsocial:%s@127.0.0.1:%s\n' "$PW" "$SP" > "$T/pwurl.ini"
nb alerts "$W6" --config "$T/pwurl.ini"
check "password in a config URL: exit 1" [ "$RC" = 1 ]
check "password in a config URL: file:line" grep -q "pwurl.ini:3: \[alerts\] notify smtp://boligsocial:\*\*\*@127.0.0.1:$SP: the URL carries a password" "$ERR"
printf '[alerts]\nsmtp_password = %s\n' "$PW" > "$T/pwkey.ini"
nb alerts "$W6" --config "$T/pwkey.ini"
check "smtp_password in a config: refused" grep -q "pwkey.ini:2: \[alerts\] smtp_password: a secret does not belong in this file" "$ERR"

# ---- signed webhook over HTTPS, with a forced retry -----------------------
start https_receiver.py "$T/hook" drop-first "$T/srv.pem" "$T/srv.key" "$WSECRET" "$SRC/docs/alerts.md"
HP=$PORT
W7=$T/w7.sqlite; make_ws "$W7"
nb alerts "$W7" --config "$T/fast.ini" --notify "https://127.0.0.1:$HP/hook?token=$TOKEN" \
    --ca-file "$T/ca.pem" --credentials "$CRED" -f json -o "$T/alerts7.json"
check "webhook: exit 0" [ "$RC" = 0 ] || cat "$ERR" >&2
check "webhook: two POSTs (the first answer lost)" [ "$(wc -l < "$T/hook/requests.log")" = 2 ]
check "webhook: both signatures verify" [ "$(grep -c 'valid=1' "$T/hook/requests.log")" = 2 ]
check "webhook: one delivery id for both" \
    [ "$(sed 's/.* id=\([^ ]*\) .*/\1/' "$T/hook/requests.log" | sort -u | wc -l)" = 1 ]
check "webhook: the id is a UUID v4" \
    grep -Eq "id=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} " "$T/hook/requests.log"
check "webhook: the receiver counted one duplicate" [ "$(grep -c 'dup=1' "$T/hook/requests.log")" = 1 ]
check "webhook: retry message redacted" grep -q "https://127.0.0.1:$HP/hook?\*\*\*: Empty reply from server; trying again" "$ERR"
check "webhook: run log redacted" \
    [ "$(sqlite3 "$W7" "SELECT source FROM runs WHERE kind = 'notify'")" = "https://127.0.0.1:$HP/hook?***" ]
"$BIN" info "$W7" > "$T/info7.json" 2>/dev/null
check "webhook: info lists the delivery, redacted" grep -q "\"url\": \"https://127.0.0.1:$HP/hook?\*\*\*\"" "$T/info7.json"
# a wrong secret: the receiver answers 401, a permanent failure
W8=$T/w8.sqlite; make_ws "$W8"
NABOLAG_WEBHOOK_SECRET=not-the-secret nb alerts "$W8" --config "$T/fast.ini" \
    --notify "https://127.0.0.1:$HP/hook" --ca-file "$T/ca.pem"
check "wrong secret: exit 1" [ "$RC" = 1 ]
check "wrong secret: 401 once" grep -q "after 1 attempt: HTTP status 401" "$ERR"
check "wrong secret: the receiver saw an invalid signature" grep -q "valid=0" "$T/hook/requests.log"
# HTTPS without ca_file: not verified, not sent
nb alerts "$W8" --config "$T/fast.ini" --notify "https://127.0.0.1:$HP/hook" --credentials "$CRED"
check "https without ca_file: exit 1" [ "$RC" = 1 ]
check "https without ca_file: advice" grep -q "the TLS certificate of 127.0.0.1 does not verify" "$ERR"

# ---- the yearly job: a project with token URLs, credentials and ca_file --
# The areas come from a data portal that wants a token in the query string
# (GDAL's /vsicurl/), the alerts go to a webhook with a token.
mkdir -p "$T/portal"
cp "$SRC/sample-data/areas.geojson" "$T/portal/"
start file_server.py "$T/files" "$T/portal"
AREAS_URL="/vsicurl/http://127.0.0.1:$PORT/areas.geojson?token=$TOKEN"
start https_receiver.py "$T/hook2" ok "$T/srv.pem" "$T/srv.key" "$WSECRET" "$SRC/docs/alerts.md"
P=$T/proj
mkdir -p "$P"
cp -r "$SRC/sample-data/." "$P/" && rm -rf "$P/out" "$P/areas.geojson" || exit 1
cp "$CRED" "$T/ca.pem" "$P/"
sed -i -e "s|^# notify = .*|notify = https://127.0.0.1:$PORT/hook?token=$TOKEN\ncredentials = credentials.ini\nca_file = ca.pem\nbackoff = 0.1\ntimeout = 5\noutput = out/alerts.txt|" \
    -e "s|^source = areas.geojson$|source = $AREAS_URL|" "$P/sample.ini"
grep -q "^source = /vsicurl/" "$P/sample.ini" || { echo "FAIL: sed areas" >&2; exit 1; }
nb run "$P/sample.ini"
check "run: exit 0" [ "$RC" = 0 ] || cat "$ERR" >&2
check "run: one signed POST" [ "$(grep -c 'valid=1 dup=0' "$T/hook2/requests.log")" = 1 ]
check "run: report written" [ -s "$P/out/report.html" ]
check "run: the portal was asked with its token" grep -q "token=$TOKEN" "$T/files/access.log"
check "run: areas' source stored redacted" \
    [ "$(sqlite3 "$P/out/sample.sqlite" "SELECT DISTINCT source FROM areas")" = "${AREAS_URL%%\?*}?***" ]
check "run: the report names the source, redacted" grep -qF "areas.geojson?***" "$P/out/report.html"
check "run: the export's provenance names it, redacted" grep -qF "areas.geojson?***" "$P/out/areas.geojson"
# a failing run (the receiver refuses another secret): outputs written, exit 1
sqlite3 "$P/out/sample.sqlite" "UPDATE alerts SET delivered_at = NULL"
NABOLAG_WEBHOOK_SECRET=not-the-secret nb run "$P/sample.ini"
check "failing run: exit 1" [ "$RC" = 1 ]
check "failing run: redacted URL in the message" grep -q "https://127.0.0.1:$PORT/hook?\*\*\*: delivery failed after 1 attempt: HTTP status 401" "$ERR"

# the snippet itself rejects a changed body and an old timestamp
$PY - "$SRC/docs/alerts.md" <<'EOF' || fail "docs snippet: rejects forgeries"
import hashlib, hmac, re, sys, time
ns = {}
exec(re.search(r"<!-- receiver -->\n```python\n(.*?)```",
               open(sys.argv[1], encoding="utf-8").read(), re.S).group(1), ns)
verify = ns["verify"]
n = len(ns)
sign = lambda t, b: "t=%d,v1=%s" % (t, hmac.new(b"k", b"%d." % t + b, hashlib.sha256).hexdigest())
now = int(time.time())
assert verify(b"k", sign(now, b"{}"), b"{}")
assert not verify(b"k", sign(now, b"{}"), b"{ }")          # body changed
assert not verify(b"other", sign(now, b"{}"), b"{}")       # another secret
assert not verify(b"k", sign(now - 301, b"{}"), b"{}")     # older than 5 min
assert verify(b"k", sign(now - 290, b"{}"), b"{}")
assert not verify(b"k", "garbage", b"{}")
lines = re.search(r"<!-- receiver -->\n```python\n(.*?)```",
                  open(sys.argv[1], encoding="utf-8").read(), re.S).group(1)
assert len([l for l in lines.splitlines() if l.strip()]) <= 11, "not ten lines"
EOF

# ---- the leak grep ----------------------------------------------------------
# every stdout and stderr above, every workspace, every output file
leaks=$(grep -rlaF -e "$PW" -e "$WSECRET" -e "$TOKEN" "$T"/out.* "$T"/err.* \
    "$T"/*.sqlite "$T"/alerts*.txt "$T"/alerts*.json "$T"/info7.json "$P/out" 2>/dev/null)
check "the run's outputs were searched" [ -s "$P/out/alerts.txt" ] && [ -s "$P/out/areas.geojson" ]
check "no secret in any output: $leaks" [ -z "$leaks" ]
# the grep can find: the secrets are where the user put them
check "leak grep sanity" grep -qF "$PW" "$CRED"

if [ $fails -ne 0 ]; then
    echo "$fails check(s) failed" >&2
    exit 1
fi
echo "all secure delivery checks passed"
