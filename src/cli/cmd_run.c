/*
 * cmd_run.c - `nabolag run PROJECT.ini`: the whole yearly job.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "nabolag/run.h"

int
cmd_run(int argc, char **argv)
{
    nbl_ctx *ctx;
    nbl_run_opts o = {stdout};
    nbl_run_result r;
    int rc;
    if (cli_wants_help(argc, argv)) {
        printf("usage: nabolag run PROJECT.ini\n\n"
               "Runs the whole yearly job of a project file: imports the\n"
               "areas, statistics, references, incidents and plans it names,\n"
               "computes the statutory criteria, the area profiles and the\n"
               "safety index, evaluates the alerts (one transaction: on any\n"
               "error the workspace is left as it was), then writes the alert\n"
               "list (stdout, or [alerts] output), the export ([export] dir)\n"
               "and the report ([report] output), and delivers new alerts\n"
               "([alerts] notify, mail_to). See docs/project.md.\n\n"
               "Exit status: 0 ok; 1 error; 2 usage; 3 alerts raised and\n"
               "[alerts] fail_on = any (fail_on_alert = true), or only new\n"
               "warning/critical alerts with fail_on = new.\n");
        return CLI_OK;
    }
    if (argc != 2)
        return cli_usage("run", "expected one PROJECT.ini argument");
    ctx = cli_ctx_new();
    if ((rc = cli_config_language(ctx, argv[1])) != CLI_OK) {
        nbl_ctx_free(ctx);
        return rc;
    }
    rc = nbl_run(ctx, argv[1], &o, &r);
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
