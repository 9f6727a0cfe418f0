/*
 * webhook_sign.c - what lets a webhook receiver trust a POST: the
 * signature header X-Nabolag-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<body>")> (the scheme of Stripe's signed
 * webhooks: the timestamp is signed with the body, so a receiver can refuse
 * a replayed old request), and the delivery id X-Nabolag-Delivery, a
 * random UUID (version 4) that stays the same on every retry so a receiver
 * can drop duplicates. OpenSSL's libcrypto does the HMAC and the random
 * bytes.
 */
#include "publish/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

int
nbl__hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t n,
                     char out[65])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, data, n, mac, &len) || len != 32)
        return NBL_EIO;
    for (unsigned i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    return NBL_OK;
}

int
nbl__webhook_signature(const char *secret, long long t, const char *body,
                       size_t len, char *out, size_t n)
{
    char ts[32], hex[65];
    size_t tl = (size_t)snprintf(ts, sizeof ts, "%lld.", t);
    unsigned char *msg = malloc(tl + len + 1);
    int rc;
    if (!msg)
        return NBL_ENOMEM;
    memcpy(msg, ts, tl);
    memcpy(msg + tl, body, len);
    rc = nbl__hmac_sha256_hex(secret, strlen(secret), msg, tl + len, hex);
    OPENSSL_cleanse(msg, tl + len);
    free(msg);
    if (rc == NBL_OK)
        snprintf(out, n, "t=%lld,v1=%s", t, hex);
    return rc;
}

int
nbl__delivery_id(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return NBL_EIO;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
    return NBL_OK;
}
