/*
 * cli.c - helpers shared by the command files (see cli.h).
 */
#include "cli/cli.h"
#include "util/i18n.h"
#include "util/redact.h"
#include "util/util.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cli_globals cli_g;

static void
log_stderr(nbl_log_level level, const char *msg, void *arg)
{
    (void)arg;
    if (level == NBL_LOG_ERROR)
        fprintf(stderr, _("nabolag: error: %s\n"), msg);
    else if (level == NBL_LOG_WARN)
        fprintf(stderr, _("nabolag: warning: %s\n"), msg);
    else if (level == NBL_LOG_INFO && !cli_g.quiet)
        fprintf(stderr, "nabolag: %s\n", msg);
}

static int
progress_stderr(double frac, const char *msg, void *arg)
{
    static int last = -1;
    int pct = (int)(frac * 100.0 + 0.5);
    (void)arg;
    if (pct != last || frac >= 1.0) {
        fprintf(stderr, "\r%s: %3d%%", msg, pct);
        if (frac >= 1.0)
            fputc('\n', stderr);
        last = frac >= 1.0 ? -1 : pct;
    }
    return 1;
}

nbl_ctx *
cli_ctx_new(void)
{
    nbl_ctx *ctx = nbl_ctx_new();
    if (!ctx) {
        fputs(_("nabolag: out of memory\n"), stderr);
        exit(CLI_ERROR);
    }
    nbl_ctx_set_log(ctx, log_stderr, NULL);
    if (cli_g.wait >= 0)
        nbl_ctx_set_wait(ctx, cli_g.wait);
    if (!cli_g.quiet && (cli_g.progress || isatty(STDERR_FILENO)))
        nbl_ctx_set_progress(ctx, progress_stderr, NULL);
    return ctx;
}

int
cli_fail(nbl_ctx *ctx, int rc)
{
    const char *m = nbl_ctx_errmsg(ctx);
    fprintf(stderr, "nabolag: %s\n", m && *m ? m : nbl_strerror(rc));
    return rc == NBL_EINVAL ? CLI_USAGE : CLI_ERROR;
}

/* Prints a message with URL passwords and tokens redacted. */
static void vprint_redacted(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static void
vprint_redacted(const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, _(fmt), ap);
    nbl__redact(buf, sizeof buf);
    fputs(buf, stderr);
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "nabolag %s: ", cmd);
    va_start(ap, fmt);
    vprint_redacted(fmt, ap);
    va_end(ap);
    fprintf(stderr, _(" (see 'nabolag %s --help')\n"), cmd);
    return CLI_USAGE;
}

int
cli_config_language(nbl_ctx *ctx, const char *path)
{
    int lang = -1, rc;
    if (!path || cli_g.lang_set)
        return CLI_OK;
    rc = nbl_config_language(ctx, path, &lang);
    if (rc)
        return cli_fail(ctx, rc);
    if (lang >= 0)
        nbl_set_output_language((nbl_lang)lang);
    return CLI_OK;
}

int
cli_project_load(nbl_ctx *ctx, const char *config, nbl_project **p)
{
    int rc;
    *p = NULL;
    if (!config)
        return CLI_OK;
    rc = nbl_project_load(p, ctx, config);
    return rc ? cli_fail(ctx, rc) : CLI_OK;
}

int
cli_ws_src_args(const char *cmd, int argc, const char *config)
{
    if (argc - optind != 2 && !(config && argc == optind))
        return cli_usage(cmd, "expected WORKSPACE and SRC arguments");
    return CLI_OK;
}

void
cli_ws_src(int argc, char **argv, const nbl_project *p, const char *source,
           const char **ws, const char **src)
{
    *ws = argc - optind == 2 ? argv[optind] : p->workspace;
    *src = argc - optind == 2 ? argv[optind + 1] : source;
}

int
cli_parse_int(const char *cmd, const char *opt, const char *s, int *out)
{
    long v;
    if (!nbl__parse_long(s, &v) || v < -100000 || v > 100000) {
        cli_usage(cmd, "%s: not an integer: '%s'", opt, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

char
cli_csv_delimiter(const char *cmd, const char *opt, const char *s)
{
    if (strcmp(s, ",") == 0 || strcmp(s, ";") == 0)
        return s[0];
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0)
        return '\t';
    cli_usage(cmd, "%s: expected ',', ';' or tab, not '%s'", opt, s);
    return 0;
}

int
cli_csv_style_opt(const char *cmd, int code, const char *v, nbl_csv_style *st)
{
    if (code == 'd')
        return (st->delimiter = cli_csv_delimiter(cmd, "--csv-delimiter", v))
                   ? CLI_OK
                   : CLI_USAGE;
    if (code == 'b') {
        st->bom = 1;
    } else { /* 'x' */
        st->delimiter = ';';
        st->bom = st->decimal_comma = 1;
    }
    return CLI_OK;
}

int
cli_csv_style_check(const char *cmd, const nbl_csv_style *st, int is_csv)
{
    if ((st->delimiter || st->bom) && !is_csv)
        return cli_usage(cmd, "--csv-delimiter, --bom and --excel need -f csv");
    return CLI_OK;
}

void
cli_info(const char *fmt, ...)
{
    va_list ap;
    if (cli_g.quiet)
        return;
    va_start(ap, fmt);
    vprint_redacted(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}
