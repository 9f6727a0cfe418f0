/*
 * cmd_import_plans.c - `nabolag import plans WORKSPACE SRC [--sheet NAME]`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/plans.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(_(
        "usage: nabolag import plans WORKSPACE SRC [--sheet NAME]\n\n"
        "Imports area plans (helhedsplaner). SRC is a table - a CSV file\n"
        "(',' or ';', UTF-8 or Windows-1252) or a workbook (.xlsx, .ods;\n"
        "the first row is the header) - with columns plan_id, name,\n"
        "start_year, end_year, areas (area ids separated by '|') and\n"
        "optional target.<indicator> columns (e.g. target.lab = 35), or\n"
        "any GDAL vector source with plan polygons and the same columns\n"
        "except areas: a polygon plan covers the areas with at least half\n"
        "of their area inside it.\n\n"
        "  --sheet NAME  the workbook's sheet (needed when it has several)\n"));
}

static const struct option opts[] = {{"sheet", required_argument, 0, 's'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};

int
cmd_import_plans(int argc, char **argv)
{
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    nbl_plans_summary s;
    const char *sheet = NULL;
    int rc, c;
    if (cli_wants_help(argc, argv)) {
        help();
        return CLI_OK;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c != 's')
            return cli_usage("import plans", "unknown option");
        sheet = optarg;
    }
    if (argc - optind != 2)
        return cli_usage("import plans", "expected WORKSPACE and SRC");
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_plans_import_sheet(ws, argv[optind + 1], sheet, &s);
    if (rc == NBL_OK) {
        char p[3][64];
        NBL_COUNT(p[0], "%ld plan", "%ld plans", s.plans);
        NBL_COUNT(p[1], "%ld area", "%ld areas", s.plan_areas);
        NBL_COUNT(p[2], "%ld target", "%ld targets", s.targets);
        /* TRANSLATORS: plans, areas, targets */
        cli_info("imported %s covering %s, %s", p[0], p[1], p[2]);
    } else
        rc = cli_fail(ctx, rc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
