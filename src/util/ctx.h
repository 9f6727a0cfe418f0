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

/** Logs a warning (counted) through the log callback. */
void nbl__warn(nbl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Logs information through the log callback. */
void nbl__info(nbl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Reports progress; returns NBL_ECANCELLED (with a message) if the callback
 * asked to stop, NBL_OK otherwise. */
int nbl__progress(nbl_ctx *ctx, double frac, const char *msg);

/** True when a progress callback is installed. */
int nbl__has_progress(const nbl_ctx *ctx);

#endif
