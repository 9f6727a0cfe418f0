/*
 * ctx.h - internal helpers every module uses to report errors, warnings,
 * information and progress through an nbl_ctx.
 */
#ifndef NBL_CTX_H
#define NBL_CTX_H

#include "nabolag/common.h"

/** Sets the context's error message (printf-style) and returns code. */
int nbl__error(nbl_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Replaces every occurrence of `from` in the ctx error message by `to`:
 * a failure while writing under a temporary or staging name is reported
 * with the name the user asked for. */
void nbl__error_rename(nbl_ctx *ctx, const char *from, const char *to);

/** Logs a warning (counted) through the log callback. */
void nbl__warn(nbl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Logs one of several problems that make the call fail (NBL_LOG_ERROR;
 * not counted as a warning); the call then sets its summary error. */
void nbl__errline(nbl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Logs information through the log callback. */
void nbl__info(nbl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Reports progress; returns NBL_ECANCELLED (with a message) if the callback
 * asked to stop, NBL_OK otherwise. */
int nbl__progress(nbl_ctx *ctx, double frac, const char *msg);

/** True when a progress callback is installed. */
int nbl__has_progress(const nbl_ctx *ctx);

/** Seconds to wait for another nabolag writing the same workspace or output
 * folder (nbl_ctx_set_wait(); NBL_WAIT_DEFAULT when not set). */
double nbl__ctx_wait(const nbl_ctx *ctx);

/** True when nbl_ctx_set_wait() was called. */
int nbl__ctx_wait_is_set(const nbl_ctx *ctx);

/** Prints, once per context, that the command waits for another nabolag
 * writing `what` (a workspace or folder). */
void nbl__ctx_waiting(nbl_ctx *ctx, const char *what);

/** The message of a wait that ran out, after "<what>: ": kind is
 * "workspace" or "output folder". */
#define NBL_BUSY_FMT                                                           \
    "%s: %s is busy: another nabolag is writing it (waited %g s; --wait to "   \
    "wait longer)"

#endif
