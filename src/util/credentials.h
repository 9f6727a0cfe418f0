/*
 * credentials.h - secrets for delivery, from the environment or a private
 * credentials file (see credentials.c and docs/alerts.md, "Secrets").
 */
#ifndef NBL_CREDENTIALS_H
#define NBL_CREDENTIALS_H

#include <sys/types.h>

#include "nabolag/common.h"

typedef struct nbl__secrets {
    char *smtp_password;  /* NULL: none (libcurl may still use ~/.netrc) */
    char *webhook_secret; /* NULL: webhooks are not signed */
} nbl__secrets;

/**
 * Fills *out: each secret from its environment variable
 * (NABOLAG_SMTP_PASSWORD, NABOLAG_WEBHOOK_SECRET) when set and not empty,
 * else from the credentials file (NULL: none). A credentials file that
 * group or others may read or change is refused (NBL_EFORMAT, naming its
 * mode); an unknown section or key is NBL_EFORMAT naming file:line. No
 * message ever contains a value. Clear *out with nbl__secrets_clear().
 */
int nbl__secrets_load(nbl_ctx *ctx, const char *credentials, nbl__secrets *out);

/** Wipes and frees the secrets; NULL-safe. */
void nbl__secrets_clear(nbl__secrets *s);

/** NBL_OK when mode gives group and others no access, else NBL_EFORMAT with
 * a message naming path and mode. */
int nbl__credentials_check_mode(nbl_ctx *ctx, const char *path, mode_t mode);

#endif
