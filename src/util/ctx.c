/*
 * ctx.c - the context object: last error message, log and progress
 * callbacks, warning count. Messages are truncated to NBL_MSG_MAX bytes
 * and pass through nbl__redact() (no URL password or token is shown).
 */
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbl_version.h"
#include "util/i18n.h"
#include "util/redact.h"

#define NBL_MSG_MAX 2048

struct nbl_ctx {
    char errmsg[NBL_MSG_MAX];
    nbl_log_fn log_fn;
    void *log_arg;
    nbl_progress_fn progress_fn;
    void *progress_arg;
    size_t warnings;
    double wait;   /* seconds to wait for another writer; < 0: default */
    int wait_told; /* the "waiting for another nabolag" line was printed */
};

nbl_ctx *
nbl_ctx_new(void)
{
    nbl_ctx *ctx = calloc(1, sizeof(nbl_ctx));
    if (ctx)
        ctx->wait = -1;
    return ctx;
}

void
nbl_ctx_set_wait(nbl_ctx *ctx, double seconds)
{
    ctx->wait = seconds < 0 ? -1 : seconds;
}

double
nbl__ctx_wait(const nbl_ctx *ctx)
{
    return ctx->wait < 0 ? NBL_WAIT_DEFAULT : ctx->wait;
}

int
nbl__ctx_wait_is_set(const nbl_ctx *ctx)
{
    return ctx->wait >= 0;
}

void
nbl__ctx_waiting(nbl_ctx *ctx, const char *what)
{
    if (ctx->wait_told)
        return;
    ctx->wait_told = 1;
    nbl__info(ctx,
              "%s: waiting for another nabolag to finish writing it (up "
              "to %g s)",
              what, nbl__ctx_wait(ctx));
}

void
nbl_ctx_free(nbl_ctx *ctx)
{
    free(ctx);
}

const char *
nbl_ctx_errmsg(const nbl_ctx *ctx)
{
    return ctx ? ctx->errmsg : "";
}

void
nbl_ctx_clear_error(nbl_ctx *ctx)
{
    ctx->errmsg[0] = '\0';
}

void
nbl_ctx_set_log(nbl_ctx *ctx, nbl_log_fn fn, void *arg)
{
    ctx->log_fn = fn;
    ctx->log_arg = arg;
}

void
nbl_ctx_set_progress(nbl_ctx *ctx, nbl_progress_fn fn, void *arg)
{
    ctx->progress_fn = fn;
    ctx->progress_arg = arg;
}

size_t
nbl_ctx_warning_count(const nbl_ctx *ctx)
{
    return ctx->warnings;
}

const char *
nbl_version(void)
{
    return NBL_VERSION_STRING;
}

const char *
nbl_strerror(int code)
{
    switch (code) {
    case NBL_OK:
        return "success";
    case NBL_EINVAL:
        return "invalid argument";
    case NBL_EFORMAT:
        return "malformed input";
    case NBL_ECRS:
        return "coordinate reference system error";
    case NBL_EDB:
        return "workspace error";
    case NBL_EIO:
        return "input/output error";
    case NBL_EEXISTS:
        return "already exists";
    case NBL_ECANCELLED:
        return "cancelled";
    case NBL_ENOMEM:
        return "out of memory";
    case NBL_ENOTFOUND:
        return "not found";
    case NBL_EDATA:
        return "invalid data";
    default:
        return "unknown error";
    }
}

int
nbl__error(nbl_ctx *ctx, int code, const char *fmt, ...)
{
    if (ctx) {
        va_list ap;
        va_start(ap, fmt);
        /* in the message language (--lang, LANG/LC_MESSAGES) */
        vsnprintf(ctx->errmsg, sizeof ctx->errmsg, _(fmt), ap);
        va_end(ap);
        /* One line: the message must never span lines. */
        for (char *p = ctx->errmsg; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        /* No password or token ever reaches a message. */
        nbl__redact(ctx->errmsg, sizeof ctx->errmsg);
    }
    return code;
}

void
nbl__error_rename(nbl_ctx *ctx, const char *from, const char *to)
{
    char out[NBL_MSG_MAX];
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    const char *p = ctx->errmsg;
    if (!fl)
        return;
    while (*p && n + 1 < sizeof out) {
        if (strncmp(p, from, fl) == 0 && n + tl + 1 < sizeof out) {
            memcpy(out + n, to, tl);
            n += tl;
            p += fl;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    memcpy(ctx->errmsg, out, n + 1);
}

static void
vlog(nbl_ctx *ctx, nbl_log_level level, const char *fmt, va_list ap)
{
    char buf[NBL_MSG_MAX];
    if (!ctx || !ctx->log_fn)
        return;
    vsnprintf(buf, sizeof buf, _(fmt), ap);
    for (char *p = buf; *p; p++) /* one line, like error messages */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    nbl__redact(buf, sizeof buf);
    ctx->log_fn(level, buf, ctx->log_arg);
}

void
nbl__warn(nbl_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    if (ctx)
        ctx->warnings++;
    va_start(ap, fmt);
    vlog(ctx, NBL_LOG_WARN, fmt, ap);
    va_end(ap);
}

void
nbl__errline(nbl_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(ctx, NBL_LOG_ERROR, fmt, ap);
    va_end(ap);
}

void
nbl__info(nbl_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(ctx, NBL_LOG_INFO, fmt, ap);
    va_end(ap);
}

int
nbl__progress(nbl_ctx *ctx, double frac, const char *msg)
{
    if (!ctx || !ctx->progress_fn)
        return NBL_OK;
    if (!ctx->progress_fn(frac, msg, ctx->progress_arg))
        return nbl__error(ctx, NBL_ECANCELLED, "%s: cancelled", msg);
    return NBL_OK;
}

int
nbl__has_progress(const nbl_ctx *ctx)
{
    return ctx && ctx->progress_fn;
}
