/*
 * notify.c - delivery of new alerts through libcurl: an HTTP(S) webhook
 * (POST, application/json, the JSON format) or an e-mail over SMTP (the
 * text format as a plain-text UTF-8 message).
 *
 * Security (docs/alerts.md, "Delivery"): certificates are always verified
 * (ca_file adds a certificate authority); smtp:// must upgrade with
 * STARTTLS (CURLUSESSL_ALL) unless it goes to localhost/127.0.0.1 without a
 * login, or insecure_plaintext is set (a warning on every use); smtps:// is
 * implicit TLS. The SMTP login is smtp_user with the password from the
 * environment, the credentials file or ~/.netrc (CURLOPT_NETRC), never from
 * the URL. Webhooks carry X-Nabolag-Delivery (one id for all retries) and,
 * with a webhook secret, X-Nabolag-Signature (webhook_sign.c). Every
 * message names the URL through the redaction of nbl__error/nbl__info.
 *
 * Only alerts with state `new` and no delivered_at are sent. Transient
 * failures (connection refused, timeouts, send/receive errors, HTTP 5xx,
 * 408 and 429, SMTP 4xx replies) are retried up to cfg->retries attempts in
 * total, waiting cfg->backoff[i] seconds before attempt i+2; anything else
 * (a certificate that does not verify, no STARTTLS, a refused login) fails
 * at once. The alerts are marked delivered (one transaction, logged in
 * `runs`) only after a successful delivery, so a failure never loses them.
 */
#include "publish/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/alerts.h"
#include "nabolag/alerts.h"
#include "store/store.h"
#include "store/store_alerts.h"
#include "util/credentials.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/redact.h"
#include "util/util.h"

/* One delivery: the target, its security settings and the payload. */
struct delivery {
    const nbl_alert_config *cfg;
    const nbl_notify_opts *o;
    char *curl_url; /* o->url, with smtp_user in it when ~/.netrc is to
                       find the password (libcurl looks up the URL's user
                       there, not CURLOPT_USERNAME's) */
    int smtp;
    long use_ssl;         /* CURLOPT_USE_SSL for smtp:// */
    char host[256];       /* for messages */
    const char *password; /* SMTP login password, or NULL (netrc) */
    const char *secret;   /* webhook signing secret, or NULL */
    char id[37];          /* X-Nabolag-Delivery */
    const char *body;
    size_t len;
    const char *mail_from;
    struct curl_slist *rcpt;
};

struct upload {
    const char *data;
    size_t len, pos;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
    struct upload *u = arg;
    size_t room = size * nitems, left = u->len - u->pos;
    size_t k = left < room ? left : room;
    memcpy(buf, u->data + u->pos, k);
    u->pos += k;
    return k;
}

static size_t
discard_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
    (void)ptr;
    (void)arg;
    return size * nmemb;
}

static void
sleep_s(double s)
{
    struct timespec ts;
    if (s <= 0)
        return;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int
curl_transient(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return 1;
    default:
        return 0;
    }
}

static void
set_common(CURL *c, const struct delivery *d, char *ebuf)
{
    curl_easy_setopt(c, CURLOPT_URL, d->curl_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(d->cfg->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(d->cfg->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    /* certificates are always verified; ca_file adds an authority to the
     * system's folder of them */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (d->o->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, d->o->ca_file);
}

static void
set_smtp(CURL *c, const struct delivery *d, struct upload *up)
{
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, d->mail_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, d->rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)d->len);
    curl_easy_setopt(c, CURLOPT_USE_SSL, d->use_ssl);
    if (d->password) {
        if (d->o->smtp_user)
            curl_easy_setopt(c, CURLOPT_USERNAME, d->o->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, d->password);
    } else {
        curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    }
}

/* The webhook's headers; the signature is made now, so a retry after a
 * wait carries a fresh timestamp (and the same delivery id). */
static struct curl_slist *
set_webhook(CURL *c, const struct delivery *d)
{
    struct curl_slist *h = NULL, *t;
    char line[160], sig[128] = "";
    if (!(h = curl_slist_append(NULL, "Content-Type: application/json")))
        return NULL;
    snprintf(line, sizeof line, "X-Nabolag-Delivery: %s", d->id);
    t = curl_slist_append(h, line);
    if (t && d->secret) {
        if (nbl__webhook_signature(d->secret, (long long)time(NULL), d->body,
                                   d->len, sig, sizeof sig) != NBL_OK)
            t = NULL;
        snprintf(line, sizeof line, "X-Nabolag-Signature: %s", sig);
        t = t ? curl_slist_append(h, line) : NULL;
    }
    if (!t) {
        curl_slist_free_all(h);
        return NULL;
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)d->len);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "nabolag");
    return h;
}

static const char login_advice[] =
    "set smtp_user and the password (NABOLAG_SMTP_PASSWORD, the credentials "
    "file or ~/.netrc)";

/* What went wrong, in the user's terms: 1 transient, 2 permanent. */
static int
explain(const struct delivery *d, CURLcode r, long code, const char *ebuf,
        char *err, size_t n)
{
    const char *why = ebuf[0] ? ebuf : curl_easy_strerror(r);
    switch (r) {
    case CURLE_PEER_FAILED_VERIFICATION:
        snprintf(err, n,
                 "the TLS certificate of %s does not verify (%s); if it is "
                 "signed by your organisation's own certificate authority, "
                 "set ca_file = FILE in [alerts] (or --ca-file FILE)%s%s",
                 d->host, why, d->o->ca_file ? "; ca_file now: " : "",
                 d->o->ca_file ? d->o->ca_file : "");
        return 2;
    case CURLE_SSL_CACERT_BADFILE:
        snprintf(err, n, "ca_file %s: cannot be read as PEM certificates (%s)",
                 d->o->ca_file ? d->o->ca_file : "", why);
        return 2;
    case CURLE_USE_SSL_FAILED:
        snprintf(err, n,
                 "%s does not offer STARTTLS, and nabolag does not send the "
                 "login or the alerts unencrypted; use smtps:// (implicit "
                 "TLS, usually port 465) or a port with STARTTLS (587); "
                 "insecure_plaintext = true in [alerts] allows plain text",
                 d->host);
        return 2;
    case CURLE_LOGIN_DENIED:
        snprintf(err, n,
                 "%s refused the login%s%s%s (%s); check smtp_user and the "
                 "password (NABOLAG_SMTP_PASSWORD, the credentials file or "
                 "~/.netrc)",
                 d->host, d->o->smtp_user ? " as '" : "",
                 d->o->smtp_user ? d->o->smtp_user : "",
                 d->o->smtp_user ? "'" : "", why);
        return 2;
    default:
        break;
    }
    if (d->smtp && code == 530) {
        snprintf(err, n, "%s requires a login (%s): %s", d->host, why,
                 login_advice);
        return 2;
    }
    snprintf(err, n, "%s", why);
    if (d->smtp && code >= 400 && code < 500)
        return 1;
    if (d->smtp && code >= 500)
        return 2;
    return curl_transient(r) ? 1 : 2;
}

/* One attempt. Returns 0 on success, 1 transient failure, 2 permanent;
 * err receives a description. */
static int
attempt(const struct delivery *d, char *err, size_t errn)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdr = NULL;
    struct upload up = {d->body, d->len, 0};
    char ebuf[CURL_ERROR_SIZE] = "";
    long code = 0;
    CURLcode r;
    int out;
    if (!c) {
        snprintf(err, errn, "cannot initialise libcurl");
        return 2;
    }
    set_common(c, d, ebuf);
    if (d->smtp)
        set_smtp(c, d, &up);
    else if (!(hdr = set_webhook(c, d))) {
        curl_easy_cleanup(c);
        snprintf(err, errn, "out of memory");
        return 2;
    }
    r = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (!d->smtp && r == CURLE_OK) {
        out = code >= 200 && code < 300                     ? 0
              : (code >= 500 || code == 429 || code == 408) ? 1
                                                            : 2;
        if (out)
            snprintf(err, errn, "HTTP status %ld", code);
    } else if (r == CURLE_OK) {
        out = 0;
    } else {
        out = explain(d, r, code, ebuf, err, errn);
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return out;
}

/* The error after the last attempt; each count in its own plural form. */
static int
failed(nbl_ctx *ctx, const char *url, int attempts, const char *err,
       size_t count)
{
    char a[64], rest[256];
    NBL_COUNT(a, "%d attempt", "%d attempts", attempts);
    NBL_COUNT(rest,
              "the %zu new alert stays undelivered and will be sent next "
              "time",
              "the %zu new alerts stay undelivered and will be sent next "
              "time",
              count);
    /* TRANSLATORS: URL, attempts, the error, the undelivered alerts */
    return nbl__error(ctx, NBL_EIO, "%s: delivery failed after %s: %s; %s", url,
                      a, err, rest);
}

static int
deliver(nbl_ctx *ctx, const struct delivery *d, size_t count)
{
    const nbl_alert_config *cfg = d->cfg;
    char err[CURL_ERROR_SIZE + 1024] = "";
    int tries = cfg->retries < 1 ? 1 : cfg->retries, i, r = 2;
    for (i = 0; i < tries; i++) {
        if (i > 0) {
            double w =
                cfg->n_backoff
                    ? cfg->backoff[i - 1 < cfg->n_backoff ? i - 1
                                                          : cfg->n_backoff - 1]
                    : 0.5;
            nbl__info(ctx, "%s: %s; trying again in %.1f s", d->o->url, err, w);
            sleep_s(w);
        }
        r = attempt(d, err, sizeof err);
        if (r != 1)
            break;
    }
    if (r == 0)
        return NBL_OK;
    return failed(ctx, d->o->url, i < tries ? i + 1 : tries, err, count);
}

static void
base64(nbl__buf *b, const unsigned char *s, size_t n)
{
    static const char t[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        char o[4];
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        o[0] = t[(v >> 18) & 63];
        o[1] = t[(v >> 12) & 63];
        o[2] = i + 1 < n ? t[(v >> 6) & 63] : '=';
        o[3] = i + 2 < n ? t[v & 63] : '=';
        nbl__buf_append(b, o, 4);
    }
}

/* Header value: as is when ASCII, else an RFC 2047 encoded word. */
static void
header_text(nbl__buf *b, const char *s)
{
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80 || *p == '\r' || *p == '\n')
            ascii = 0;
    if (ascii) {
        nbl__buf_append(b, s, strlen(s));
        return;
    }
    nbl__buf_append(b, "=?UTF-8?B?", 10);
    base64(b, (const unsigned char *)s, strlen(s));
    nbl__buf_append(b, "?=", 2);
}

static void
rfc2822_date(char *buf, size_t n)
{
    static const char *days[] = {"Sun", "Mon", "Tue", "Wed",
                                 "Thu", "Fri", "Sat"};
    static const char *mons[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
             tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
}

/* The e-mail: headers and the text body with CRLF line ends. */
static int
build_mail(nbl__buf *m, const nbl_alert_list *l, size_t count, const char *from,
           const char *to, const char *text)
{
    char date[64], host[128] = "localhost", subj[512];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (gethostname(host, sizeof host) != 0 || !host[0])
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    rfc2822_date(date, sizeof date);
    /* in the language of the text below it (the output language) */
    snprintf(subj, sizeof subj,
             Tn_("nabolag: %zu new alert for %d%s%s%s",
                 "nabolag: %zu new alerts for %d%s%s%s", count),
             count, l->year_to, l->workspace_name ? " (" : "",
             l->workspace_name ? l->workspace_name : "",
             l->workspace_name ? ")" : "");
    nbl__buf_printf(m, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: ", date,
                    from, to);
    header_text(m, subj);
    nbl__buf_printf(m,
                    "\r\nMessage-ID: <nabolag.%lld.%09ld.%ld@%s>\r\n"
                    "MIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n",
                    (long long)ts.tv_sec, (long)ts.tv_nsec, (long)getpid(),
                    host);
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && (p == text || p[-1] != '\r'))
            nbl__buf_append(m, "\r\n", 2);
        else
            nbl__buf_append(m, p, 1);
    }
    return m->s ? NBL_OK : NBL_ENOMEM;
}

void
nbl_notify_opts_fill(nbl_notify_opts *o, const nbl_alert_config *cfg)
{
    if (!o->url)
        o->url = cfg->notify;
    if (!o->mail_to)
        o->mail_to = cfg->mail_to;
    if (!o->mail_from)
        o->mail_from = cfg->mail_from;
    if (!o->smtp_user)
        o->smtp_user = cfg->smtp_user;
    if (!o->ca_file)
        o->ca_file = cfg->ca_file;
    if (!o->credentials)
        o->credentials = cfg->credentials;
    if (!o->insecure_plaintext)
        o->insecure_plaintext = cfg->insecure_plaintext;
}

static int
is_local(const char *host)
{
    return nbl__strieq(host, "localhost") || strcmp(host, "127.0.0.1") == 0 ||
           strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0;
}

/* The URL's kind and host; no password in it. */
static int
check_target(nbl_ctx *ctx, const nbl_notify_opts *o, struct delivery *d)
{
    const char *url = o->url;
    CURLU *u;
    char *host = NULL;
    d->smtp =
        strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0;
    if (!d->smtp && strncmp(url, "http://", 7) != 0 &&
        strncmp(url, "https://", 8) != 0)
        return nbl__error(ctx, NBL_EINVAL,
                          "--notify: '%s': expected an http(s):// or "
                          "smtp(s):// URL",
                          url);
    if (nbl__url_has_password(url))
        return nbl__error(ctx, NBL_EINVAL, "%s: the URL carries a password; %s",
                          url, nbl__secret_advice);
    if (d->smtp && (!o->mail_to || !*o->mail_to))
        return nbl__error(ctx, NBL_EINVAL,
                          "--notify %s: e-mail needs --mail-to ADDRESS", url);
    u = curl_url();
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return nbl__error(ctx, NBL_EINVAL, "--notify: '%s': not a valid URL",
                          url);
    }
    snprintf(d->host, sizeof d->host, "%s", host);
    curl_free(host);
    curl_url_cleanup(u);
    return NBL_OK;
}

/* The URL libcurl gets: without a password of ours, smtp_user goes into
 * it, so that ~/.netrc is searched for that user's password. */
static int
make_curl_url(nbl_ctx *ctx, struct delivery *d)
{
    CURLU *u;
    char *s = NULL;
    int ok;
    if (!d->smtp || d->password || !d->o->smtp_user) {
        d->curl_url = nbl__strdup(d->o->url);
        return d->curl_url ? NBL_OK
                           : nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    u = curl_url();
    ok = u && curl_url_set(u, CURLUPART_URL, d->o->url, 0) == CURLUE_OK &&
         curl_url_set(u, CURLUPART_USER, d->o->smtp_user, CURLU_URLENCODE) ==
             CURLUE_OK &&
         curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK;
    curl_url_cleanup(u);
    if (ok)
        d->curl_url = nbl__strdup(s);
    curl_free(s);
    if (!ok || !d->curl_url)
        return nbl__error(ctx, NBL_EINVAL,
                          "%s: cannot add smtp_user to the URL", d->o->url);
    return NBL_OK;
}

/* STARTTLS required, unless plain text is allowed (and then warned). */
static int
tls_policy(nbl_ctx *ctx, struct delivery *d)
{
    int login = d->o->smtp_user || d->password;
    if (!d->smtp || strncmp(d->o->url, "smtps://", 8) == 0) {
        d->use_ssl = CURLUSESSL_ALL;
        return NBL_OK;
    }
    if (d->password && !d->o->smtp_user && !strchr(d->o->url, '@'))
        return nbl__error(ctx, NBL_EINVAL,
                          "%s: an SMTP password is set but no user: set "
                          "smtp_user in [alerts] (or --smtp-user USER)",
                          d->o->url);
    if (d->o->insecure_plaintext) {
        nbl__warn(ctx,
                  "%s: insecure_plaintext = true: the login and the alerts "
                  "travel unencrypted if the server does not offer "
                  "STARTTLS",
                  d->o->url);
        d->use_ssl = CURLUSESSL_TRY;
    } else if (is_local(d->host) && !login) {
        d->use_ssl = CURLUSESSL_TRY; /* this machine: STARTTLS if offered */
    } else {
        d->use_ssl = CURLUSESSL_ALL;
    }
    return NBL_OK;
}

/* The new, undelivered alerts of list into sub (items copied by
 * nbl__alert_list_push) and their ids. */
static int
collect_new(nbl_ctx *ctx, const nbl_alert_list *list, nbl_alert_list *sub,
            long long **ids)
{
    memset(sub, 0, sizeof *sub);
    sub->ruleset = list->ruleset;
    sub->ruleset_version = list->ruleset_version;
    sub->workspace_name = list->workspace_name;
    sub->year_from = list->year_from;
    sub->year_to = list->year_to;
    sub->unsuppressed = list->unsuppressed;
    sub->min_count = list->min_count;
    sub->min_denominator = list->min_denominator;
    sub->min_residents_publish = list->min_residents_publish;
    *ids = calloc(list->n ? list->n : 1, sizeof **ids);
    if (!*ids)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < list->n; i++) {
        const nbl_alert *a = &list->items[i];
        if (strcmp(a->state, "new") != 0 || a->delivered_at)
            continue;
        if (nbl__alert_list_push(sub, a))
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        (*ids)[sub->n - 1] = a->alert_id;
        if (strcmp(a->value_status, "suppressed") == 0)
            sub->n_withheld++;
    }
    return NBL_OK;
}

static void
sub_free(nbl_alert_list *sub)
{
    for (size_t i = 0; i < sub->n; i++) {
        free(sub->items[i].area_id);
        free(sub->items[i].area_name);
        free(sub->items[i].message);
        free(sub->items[i].delivered_at);
    }
    free(sub->items);
}

/* The e-mail's recipients and text, into d and mail. */
static int
prepare_mail(nbl_ctx *ctx, struct delivery *d, const nbl_alert_list *sub,
             const char *text, nbl__buf *mail)
{
    char *addrs = nbl__strdup(d->o->mail_to), *save = NULL, *tok;
    if (!addrs)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (tok = strtok_r(addrs, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (*tok)
            d->rcpt = curl_slist_append(d->rcpt, tok);
    }
    free(addrs);
    if (build_mail(mail, sub, sub->n, d->mail_from, d->o->mail_to, text))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    d->body = mail->s;
    d->len = mail->len;
    return NBL_OK;
}

/* After a successful delivery: marked delivered and logged, one
 * transaction (the URL goes to the log redacted). */
static int
mark_delivered(nbl_ws *ws, const struct delivery *d, const long long *ids,
               size_t n)
{
    int rc = nbl__store_begin(ws);
    if (rc == NBL_OK)
        rc = nbl__store_alerts_mark_delivered(ws, ids, n, NULL);
    if (rc == NBL_OK)
        rc = nbl__store_log_run(ws, "notify", d->o->url, (long)n, (long)n, -1,
                                -1, NULL);
    if (rc == NBL_OK)
        rc = nbl__store_commit(ws);
    if (rc)
        nbl__store_rollback(ws);
    return rc;
}

/* Formats and sends sub (non-empty); marks it delivered on success. */
static int
send_alerts(nbl_ws *ws, struct delivery *d, const nbl_alert_list *sub,
            const long long *ids)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__buf mail = {0};
    char *body = NULL;
    int rc = nbl_alerts_format_string(
        ws, ctx, sub, d->smtp ? NBL_ALERTS_TEXT : NBL_ALERTS_JSON, &body);
    if (rc == NBL_OK && d->smtp) {
        rc = prepare_mail(ctx, d, sub, body, &mail);
    } else if (rc == NBL_OK) {
        d->body = body;
        d->len = strlen(body);
        if (nbl__delivery_id(d->id) != NBL_OK)
            rc = nbl__error(ctx, NBL_EIO, "cannot make a delivery id");
    }
    if (rc == NBL_OK)
        rc = deliver(ctx, d, sub->n);
    if (rc == NBL_OK)
        rc = mark_delivered(ws, d, ids, sub->n);
    free(body);
    nbl__buf_free(&mail);
    return rc;
}

int
nbl_alerts_notify(nbl_ws *ws, const nbl_alert_config *cfg,
                  const nbl_alert_list *list, const nbl_notify_opts *o,
                  size_t *out_sent)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    struct delivery d;
    nbl__secrets sec = {0};
    nbl_alert_list sub = {0};
    long long *ids = NULL;
    int rc;

    if (out_sent)
        *out_sent = 0;
    memset(&d, 0, sizeof d);
    d.cfg = cfg;
    d.o = o;
    d.mail_from =
        o->mail_from && *o->mail_from ? o->mail_from : "nabolag@localhost";
    if ((rc = check_target(ctx, o, &d)))
        return rc;
    if (list->unsuppressed)
        return nbl__error(ctx, NBL_EINVAL,
                          "%s: alerts listed without disclosure control are "
                          "for internal use only and are not delivered",
                          o->url);
    if ((rc = nbl__secrets_load(ctx, o->credentials, &sec)))
        return rc;
    d.password = d.smtp ? sec.smtp_password : NULL;
    d.secret = d.smtp ? NULL : sec.webhook_secret;
    if ((rc = tls_policy(ctx, &d)) == NBL_OK &&
        (rc = make_curl_url(ctx, &d)) == NBL_OK &&
        (rc = collect_new(ctx, list, &sub, &ids)) == NBL_OK) {
        if (sub.n == 0)
            nbl__info(ctx, "%s: no new undelivered alerts to send", o->url);
        else if ((rc = send_alerts(ws, &d, &sub, ids)) == NBL_OK && out_sent)
            *out_sent = sub.n;
    }
    sub_free(&sub);
    free(ids);
    curl_slist_free_all(d.rcpt);
    free(d.curl_url);
    nbl__secrets_clear(&sec);
    return rc;
}
