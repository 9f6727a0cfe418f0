/*
 * notify.h - internals of alert delivery shared by notify.c and
 * webhook_sign.c, and reachable by the unit tests.
 */
#ifndef NBL_NOTIFY_H
#define NBL_NOTIFY_H

#include <stddef.h>

#include "nabolag/common.h"

/** Lower-case hex HMAC-SHA256 of data under key into out (NUL-terminated).
 * NBL_OK, or NBL_EIO if libcrypto fails. */
int nbl__hmac_sha256_hex(const void *key, size_t keylen, const void *data,
                         size_t n, char out[65]);

/** The X-Nabolag-Signature value "t=<t>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<body>")>" into out (n bytes; 100 are enough). */
int nbl__webhook_signature(const char *secret, long long t, const char *body,
                           size_t len, char *out, size_t n);

/** A random version-4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"). */
int nbl__delivery_id(char out[37]);

#endif
