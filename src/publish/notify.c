/*
 * notify.c - delivery of new alerts through libcurl: an HTTP(S) webhook
 * (POST, application/json, the JSON format) or an e-mail over SMTP (the
 * text format as a plain-text UTF-8 message).
 *
 * Only alerts with state `new` and no delivered_at are sent. Transient
 * failures (connection refused, timeouts, send/receive errors, HTTP 5xx,
 * 408 and 429, SMTP 4xx replies) are retried up to cfg->retries attempts in
 * total, waiting cfg->backoff[i] seconds before attempt i+2; anything else
 * fails at once. The alerts are marked delivered (one transaction) only
 * after a successful delivery, so a failure never loses them.
 */
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/alerts.h"
#include "util/ctx.h"
#include "store/store.h"
#include "store/store_alerts.h"
#include "util/util.h"

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

/* One attempt. Returns 0 on success, 1 transient failure, 2 permanent;
 * err receives a description. */
static int
attempt(const nbl_alert_config *cfg, const char *url, int smtp,
        const char *body, size_t len, const char *mail_from,
        struct curl_slist *rcpt, char *err, size_t errn)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdr = NULL;
    struct upload up = {body, len, 0};
    char ebuf[CURL_ERROR_SIZE] = "";
    long code = 0;
    CURLcode r;
    int out;
    if (!c) {
        snprintf(err, errn, "cannot initialise libcurl");
        return 2;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(cfg->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(cfg->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    if (smtp) {
        curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(c, CURLOPT_READDATA, &up);
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    } else {
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "nabolag");
    }
    r = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (!smtp && r == CURLE_OK) {
        if (code >= 200 && code < 300)
            out = 0;
        else {
            snprintf(err, errn, "HTTP status %ld", code);
            out = (code >= 500 || code == 429 || code == 408) ? 1 : 2;
        }
    } else if (r == CURLE_OK) {
        out = 0;
    } else {
        snprintf(err, errn, "%s", ebuf[0] ? ebuf : curl_easy_strerror(r));
        if (smtp && code >= 400 && code < 500)
            out = 1;
        else if (smtp && code >= 500)
            out = 2;
        else
            out = curl_transient(r) ? 1 : 2;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return out;
}

static int
deliver(nbl_ctx *ctx, const nbl_alert_config *cfg, const char *url, int smtp,
        const char *body, const char *mail_from, struct curl_slist *rcpt,
        size_t count)
{
    char err[CURL_ERROR_SIZE + 64] = "";
    int tries = cfg->retries < 1 ? 1 : cfg->retries, i, r = 2;
    size_t len = strlen(body);
    for (i = 0; i < tries; i++) {
        if (i > 0) {
            double w =
                cfg->n_backoff
                    ? cfg->backoff[i - 1 < cfg->n_backoff ? i - 1
                                                          : cfg->n_backoff - 1]
                    : 0.5;
            nbl__info(ctx, "%s: %s; trying again in %.1f s", url, err, w);
            sleep_s(w);
        }
        r = attempt(cfg, url, smtp, body, len, mail_from, rcpt, err,
                    sizeof err);
        if (r != 1)
            break;
    }
    if (r == 0)
        return NBL_OK;
    return nbl__error(ctx, NBL_EIO,
                      "%s: delivery failed after %d attempt%s: %s; the %zu "
                      "new alert%s stay undelivered and will be sent next "
                      "time",
                      url, i < tries ? i + 1 : tries,
                      (i < tries ? i + 1 : tries) == 1 ? "" : "s", err, count,
                      count == 1 ? "" : "s");
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
    snprintf(subj, sizeof subj, "nabolag: %zu new alert%s for %d%s%s%s", count,
             count == 1 ? "" : "s", l->year_to, l->workspace_name ? " (" : "",
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

int
nbl_alerts_notify(nbl_ws *ws, const nbl_alert_config *cfg,
                  const nbl_alert_list *list, const char *url,
                  const char *mail_to, const char *mail_from, size_t *out_sent)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl_alert_list sub;
    long long *ids = NULL;
    char *body = NULL;
    struct curl_slist *rcpt = NULL;
    int smtp, rc = NBL_OK;
    nbl__buf mail = {0};

    if (out_sent)
        *out_sent = 0;
    smtp = strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0;
    if (!smtp && strncmp(url, "http://", 7) != 0 &&
        strncmp(url, "https://", 8) != 0)
        return nbl__error(ctx, NBL_EINVAL,
                          "--notify: '%s': expected an http(s):// or "
                          "smtp(s):// URL",
                          url);
    if (smtp && (!mail_to || !*mail_to))
        return nbl__error(ctx, NBL_EINVAL,
                          "--notify %s: e-mail needs --mail-to ADDRESS", url);
    if (!mail_from || !*mail_from)
        mail_from = "nabolag@localhost";
    if (list->unsuppressed)
        return nbl__error(ctx, NBL_EINVAL,
                          "%s: alerts listed without disclosure control are "
                          "for internal use only and are not delivered",
                          url);

    memset(&sub, 0, sizeof sub);
    sub.ruleset = list->ruleset;
    sub.ruleset_version = list->ruleset_version;
    sub.workspace_name = list->workspace_name;
    sub.year_from = list->year_from;
    sub.year_to = list->year_to;
    sub.unsuppressed = list->unsuppressed;
    sub.min_count = list->min_count;
    sub.min_denominator = list->min_denominator;
    sub.min_residents_publish = list->min_residents_publish;
    ids = calloc(list->n ? list->n : 1, sizeof *ids);
    if (!ids)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < list->n; i++) {
        const nbl_alert *a = &list->items[i];
        if (strcmp(a->state, "new") != 0 || a->delivered_at)
            continue;
        if (nbl__alert_list_push(&sub, a)) {
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
            goto done;
        }
        ids[sub.n - 1] = a->alert_id;
        if (strcmp(a->value_status, "suppressed") == 0)
            sub.n_withheld++;
    }
    if (sub.n == 0) {
        nbl__info(ctx, "%s: no new undelivered alerts to send", url);
        goto done;
    }
    rc = nbl_alerts_format_string(
        ws, ctx, &sub, smtp ? NBL_ALERTS_TEXT : NBL_ALERTS_JSON, &body);
    if (rc)
        goto done;
    if (smtp) {
        char *addrs = nbl__strdup(mail_to), *save = NULL, *tok;
        if (!addrs) {
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
            goto done;
        }
        for (tok = strtok_r(addrs, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            if (*tok)
                rcpt = curl_slist_append(rcpt, tok);
        }
        free(addrs);
        if (build_mail(&mail, &sub, sub.n, mail_from, mail_to, body)) {
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
            goto done;
        }
    }
    rc = deliver(ctx, cfg, url, smtp, smtp ? mail.s : body, mail_from, rcpt,
                 sub.n);
    if (rc == NBL_OK) {
        rc = nbl__store_begin(ws);
        if (rc == NBL_OK)
            rc = nbl__store_alerts_mark_delivered(ws, ids, sub.n, NULL);
        if (rc == NBL_OK)
            rc = nbl__store_commit(ws);
        if (rc)
            nbl__store_rollback(ws);
        else if (out_sent)
            *out_sent = sub.n;
    }
done:
    for (size_t i = 0; i < sub.n; i++) {
        free(sub.items[i].area_id);
        free(sub.items[i].area_name);
        free(sub.items[i].message);
        free(sub.items[i].delivered_at);
    }
    free(sub.items);
    free(ids);
    free(body);
    nbl__buf_free(&mail);
    curl_slist_free_all(rcpt);
    return rc;
}
