/*
 * alerts_delivery.c - the delivery keys of an [alerts] section: notify,
 * mail_to, mail_from, smtp_user, ca_file, credentials, insecure_plaintext.
 * Secrets never belong in a project file: smtp_password, webhook_secret
 * (and a password inside the notify URL) are refused with the advice where
 * to put them instead. Paths (ca_file, credentials) are relative to the
 * file they are written in.
 */
#include "model/alerts.h"

#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "util/redact.h"
#include "util/util.h"

const char nbl__secret_advice[] =
    "put it in the environment (NABOLAG_SMTP_PASSWORD, "
    "NABOLAG_WEBHOOK_SECRET), in a credentials file of mode 0600 "
    "(credentials = FILE, section [credentials]) or, for SMTP, in ~/.netrc; "
    "the user name goes in smtp_user";

static int
set_string(char **dst, const char *v)
{
    free(*dst);
    *dst = nbl__strdup(v);
    return *dst ? NBL_OK : NBL_ENOMEM;
}

/* v relative to the folder of file (as written when absolute). */
static int
set_relative(char **dst, const char *file, const char *v)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    nbl__buf b = {0};
    if (v[0] == '/' || !slash)
        return set_string(dst, v);
    if (nbl__buf_append(&b, file, (size_t)(slash - file + 1)) ||
        nbl__buf_append(&b, v, strlen(v))) {
        nbl__buf_free(&b);
        return NBL_ENOMEM;
    }
    free(*dst);
    *dst = b.s;
    return NBL_OK;
}

int
nbl__alerts_delivery_key(nbl_alert_config *c, nbl_ctx *ctx, const char *file,
                         int line, const char *name, const char *value)
{
    if (strcmp(name, "smtp_password") == 0 ||
        strcmp(name, "webhook_secret") == 0 || strcmp(name, "password") == 0)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s:%d: [alerts] %s: a secret does not belong in "
                          "this file: %s",
                          file, line, name, nbl__secret_advice);
    if (strcmp(name, "notify") == 0) {
        if (nbl__url_has_password(value))
            return nbl__error(ctx, NBL_EFORMAT,
                              "%s:%d: [alerts] notify %s: the URL carries a "
                              "password; %s",
                              file, line, value, nbl__secret_advice);
        return set_string(&c->notify, value);
    }
    if (strcmp(name, "insecure_plaintext") == 0) {
        if (nbl__strieq(value, "true") || strcmp(value, "1") == 0)
            c->insecure_plaintext = 1;
        else if (nbl__strieq(value, "false") || strcmp(value, "0") == 0)
            c->insecure_plaintext = 0;
        else
            return nbl__error(ctx, NBL_EFORMAT,
                              "%s:%d: [alerts] insecure_plaintext: expected "
                              "true or false, got '%s'",
                              file, line, value);
        return NBL_OK;
    }
    if (strcmp(name, "mail_to") == 0)
        return set_string(&c->mail_to, value);
    if (strcmp(name, "mail_from") == 0)
        return set_string(&c->mail_from, value);
    if (strcmp(name, "smtp_user") == 0)
        return set_string(&c->smtp_user, value);
    if (strcmp(name, "ca_file") == 0)
        return set_relative(&c->ca_file, file, value);
    if (strcmp(name, "credentials") == 0)
        return set_relative(&c->credentials, file, value);
    return NBL_ENOTFOUND;
}

void
nbl__alerts_delivery_clear(nbl_alert_config *c)
{
    char **s[] = {&c->notify,    &c->mail_to, &c->mail_from,
                  &c->smtp_user, &c->ca_file, &c->credentials};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        free(*s[i]);
        *s[i] = NULL;
    }
}
