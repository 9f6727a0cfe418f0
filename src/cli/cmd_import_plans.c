/*
 * cmd_import_plans.c - `nabolag import plans WORKSPACE SRC`.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "nabolag/plans.h"

int
cmd_import_plans(int argc, char **argv)
{
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    nbl_plans_summary s;
    int rc;
    if (cli_wants_help(argc, argv)) {
        printf("usage: nabolag import plans WORKSPACE SRC\n\n"
               "Imports area plans (helhedsplaner). SRC is a CSV file with\n"
               "columns plan_id, name, start_year, end_year, areas (area ids\n"
               "separated by '|') and optional target.<indicator> columns\n"
               "(e.g. target.lab = 35), or any GDAL vector source with plan\n"
               "polygons and the same columns except areas: a polygon plan\n"
               "covers the areas with at least half of their area inside "
               "it.\n");
        return CLI_OK;
    }
    if (argc != 3)
        return cli_usage("import plans", "expected WORKSPACE and SRC");
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[1]);
    if (rc == NBL_OK)
        rc = nbl_plans_import(ws, argv[2], &s);
    if (rc == NBL_OK)
        cli_info("imported %ld plan(s) covering %ld area(s), %ld target(s)",
                 s.plans, s.plan_areas, s.targets);
    else
        rc = cli_fail(ctx, rc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
