/*
 * redact.h - what of a URL may be shown (see redact.c). The one function
 * messages, the run log and outputs pass text through.
 */
#ifndef NBL_REDACT_H
#define NBL_REDACT_H

#include <stddef.h>

#include "nabolag/common.h"

/**
 * A malloc'ed copy of text with every URL's password
 * (scheme://user:***@host) and query string (?***) and every
 * `password=VALUE` replaced by ***. NULL on NULL input or out of memory.
 */
char *nbl__redact_dup(const char *text);

/** The same in place, truncated to cap bytes. */
void nbl__redact(char *text, size_t cap);

/** True when url carries a password in its user-info (user:pass@host). */
int nbl__url_has_password(const char *url);

#endif
