/*
 * credentials.c - passwords and secrets, kept out of project files. Each
 * secret comes from, in this order:
 *   1. its environment variable (NABOLAG_SMTP_PASSWORD,
 *      NABOLAG_WEBHOOK_SECRET), when set and not empty;
 *   2. the credentials file (`credentials = FILE` / --credentials FILE):
 *      INI with one [credentials] section (smtp_password, webhook_secret),
 *      refused when its mode lets group or others read or change it, as
 *      OpenSSH refuses such a private key;
 *   3. for SMTP, ~/.netrc, read by libcurl itself (CURLOPT_NETRC).
 * Values never appear in messages: errors name the file, line and key.
 * Secrets are wiped from memory when cleared.
 */
#include "util/credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "util/ctx.h"
#include "util/util.h"

struct cred_parse {
    nbl__secrets *s;
    const char *bad_section, *bad_key;
    char what[160];
    int oom;
};

static void
wipe_free(char *s)
{
    if (s) {
        volatile char *v = s;
        while (*v)
            *v++ = '\0';
    }
    free(s);
}

static int
set_secret(struct cred_parse *p, char **dst, const char *value)
{
    if (!*value) {
        snprintf(p->what, sizeof p->what, "empty value");
        return 0;
    }
    wipe_free(*dst);
    *dst = nbl__strdup(value);
    if (!*dst) {
        p->oom = 1;
        return 0;
    }
    return 1;
}

static int
cred_handler(void *user, const char *section, const char *name,
             const char *value)
{
    struct cred_parse *p = user;
    if (p->what[0] || p->oom)
        return 1; /* keep the first error */
    if (strcmp(section, "credentials") != 0) {
        snprintf(p->what, sizeof p->what,
                 "unknown section [%.40s] (expected [credentials])", section);
        return 0;
    }
    if (strcmp(name, "smtp_password") == 0)
        return set_secret(p, &p->s->smtp_password, value);
    if (strcmp(name, "webhook_secret") == 0)
        return set_secret(p, &p->s->webhook_secret, value);
    snprintf(p->what, sizeof p->what,
             "[credentials] unknown key '%.40s' (known: smtp_password, "
             "webhook_secret)",
             name);
    return 0;
}

int
nbl__credentials_check_mode(nbl_ctx *ctx, const char *path, mode_t mode)
{
    if ((mode & 077) == 0)
        return NBL_OK;
    return nbl__error(ctx, NBL_EFORMAT,
                      "%s: credentials file has mode %04o: other users of "
                      "this machine can read or change it; it is not used "
                      "(make it private: chmod 600 %s)",
                      path, (unsigned)(mode & 07777), path);
}

static int
read_file(nbl_ctx *ctx, const char *path, nbl__secrets *s)
{
    struct cred_parse p = {0};
    struct stat st;
    FILE *fp;
    int fd = open(path, O_RDONLY | O_CLOEXEC), r, rc;
    if (fd < 0)
        return nbl__error(ctx, NBL_EIO,
                          "%s: cannot read the credentials "
                          "file: %s",
                          path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return nbl__error(ctx, NBL_EIO, "%s: credentials: not a regular file",
                          path);
    }
    if ((rc = nbl__credentials_check_mode(ctx, path, st.st_mode))) {
        close(fd);
        return rc;
    }
    fp = fdopen(fd, "r");
    if (!fp) {
        close(fd);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    p.s = s;
    r = ini_parse_file(fp, cred_handler, &p);
    fclose(fp);
    if (p.oom)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if (r != 0)
        return nbl__error(ctx, NBL_EFORMAT, "%s:%d: %s", path, r,
                          p.what[0] ? p.what : "not a valid INI line");
    return NBL_OK;
}

static int
from_env(nbl_ctx *ctx, char **dst, const char *var)
{
    const char *v = getenv(var);
    if (!v || !*v)
        return NBL_OK;
    wipe_free(*dst);
    *dst = nbl__strdup(v);
    return *dst ? NBL_OK : nbl__error(ctx, NBL_ENOMEM, "out of memory");
}

int
nbl__secrets_load(nbl_ctx *ctx, const char *credentials, nbl__secrets *out)
{
    int rc = NBL_OK;
    memset(out, 0, sizeof *out);
    if (credentials && *credentials)
        rc = read_file(ctx, credentials, out);
    if (rc == NBL_OK)
        rc = from_env(ctx, &out->smtp_password, "NABOLAG_SMTP_PASSWORD");
    if (rc == NBL_OK)
        rc = from_env(ctx, &out->webhook_secret, "NABOLAG_WEBHOOK_SECRET");
    if (rc)
        nbl__secrets_clear(out);
    return rc;
}

void
nbl__secrets_clear(nbl__secrets *s)
{
    if (!s)
        return;
    wipe_free(s->smtp_password);
    wipe_free(s->webhook_secret);
    s->smtp_password = s->webhook_secret = NULL;
}
