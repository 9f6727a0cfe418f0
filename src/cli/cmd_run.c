/*
 * cmd_run.c - `nabolag run PROJECT.ini`: the whole yearly job.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/run.h"
#include "util/i18n.h"

static const char *const usage = N_(
    "usage: nabolag run PROJECT.ini [--credentials FILE] [--smtp-user USER]\n"
    "                   [--ca-file FILE]\n\n"
    "Runs the whole yearly job of a project file: imports the\n"
    "areas, statistics, references, incidents and plans it names,\n"
    "computes the statutory criteria, the area profiles and the\n"
    "safety index, evaluates the alerts (one transaction: on any\n"
    "error the workspace is left as it was), then writes the alert\n"
    "list (stdout, or [alerts] output), the export ([export] dir)\n"
    "and the report ([report] output), and delivers new alerts\n"
    "([alerts] notify, mail_to). See docs/project.md.\n\n"
    "  --credentials FILE  passwords and secrets for delivery (INI,\n"
    "                      [credentials], mode 0600); overrides [alerts]\n"
    "                      credentials\n"
    "  --smtp-user USER    SMTP login; overrides [alerts] smtp_user\n"
    "  --ca-file FILE      your own certificate authority (PEM); overrides\n"
    "                      [alerts] ca_file\n\n"
    "Exit status: 0 ok; 1 error; 2 usage; 3 alerts raised and\n"
    "[alerts] fail_on = any (fail_on_alert = true), or only new\n"
    "warning/critical alerts with fail_on = new.\n");

int
cmd_run(int argc, char **argv)
{
    enum { O_CREDENTIALS = 256, O_SMTPUSER, O_CAFILE };
    static const struct option opts[] = {
        {"credentials", required_argument, NULL, O_CREDENTIALS},
        {"smtp-user", required_argument, NULL, O_SMTPUSER},
        {"ca-file", required_argument, NULL, O_CAFILE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    nbl_ctx *ctx;
    nbl_run_opts o;
    nbl_run_result r;
    int c, rc;
    if (cli_wants_help(argc, argv)) {
        fputs(_(usage), stdout);
        return CLI_OK;
    }
    memset(&o, 0, sizeof o);
    o.alerts_fp = stdout;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == O_CREDENTIALS)
            o.notify.credentials = optarg;
        else if (c == O_SMTPUSER)
            o.notify.smtp_user = optarg;
        else if (c == O_CAFILE)
            o.notify.ca_file = optarg;
        else
            return cli_usage("run", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage("run", "expected one PROJECT.ini argument");
    ctx = cli_ctx_new();
    if ((rc = cli_config_language(ctx, argv[optind])) != CLI_OK) {
        nbl_ctx_free(ctx);
        return rc;
    }
    rc = nbl_run(ctx, argv[optind], &o, &r);
    if (rc) {
        rc = cli_fail(ctx, rc);
        nbl_ctx_free(ctx);
        return rc;
    }
    if (r.export_dir[0])
        cli_info("outputs for %d are in %s", r.year, r.export_dir);
    nbl_ctx_free(ctx);
    if (r.fail_on_alert &&
        (r.fail_on_new ? r.alerts_raised_new : r.alerts_raised))
        return CLI_ALERTS;
    return CLI_OK;
}
