/*
 * cmd_area.c - `nabolag area WORKSPACE ID`: one area's history (the
 * report's area card) as text or JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/report.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(_("usage: nabolag area WORKSPACE ID [-f text|json] [-o OUT]\n"
             "           [--year Y] [--ruleset NAME] [--config FILE]\n"
             "           [--overwrite]\n\n"
             "Prints one area's history: every year's criteria against\n"
             "their thresholds, category, criteria met, profile points\n"
             "and safety index, its plans (targets met, not yet judged\n"
             "while a plan runs, overlapping plans) and its alerts; the\n"
             "report's area card. Text in the output language (--lang),\n"
             "JSON with English keys. An area below [disclosure]\n"
             "min_residents_publish (default 100) in a year shows no\n"
             "values for that year.\n"));
}

int
cmd_area(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"year", required_argument, 0, 'y'},
                                         {"ruleset", required_argument, 0, 'r'},
                                         {"config", required_argument, 0, 'C'},
                                         {"overwrite", no_argument, 0, 'w'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    nbl_area_opts o = {0};
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                o.format = NBL_AREA_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o.format = NBL_AREA_JSON;
            else
                return cli_usage("area", "unknown format '%s'", optarg);
            break;
        case 'o':
            o.output = optarg;
            break;
        case 'y':
            if (cli_parse_int("area", "--year", optarg, &o.year))
                return CLI_USAGE;
            break;
        case 'r':
            o.ruleset = optarg;
            break;
        case 'C':
            o.config = optarg;
            break;
        case 'w':
            o.overwrite = 1;
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage("area", "invalid option");
        }
    }
    if (argc - optind != 2)
        return cli_usage("area", "expected WORKSPACE and ID");
    o.area_id = argv[optind + 1];
    ctx = cli_ctx_new();
    if ((rc = cli_config_language(ctx, o.config)) != CLI_OK) {
        nbl_ctx_free(ctx);
        return rc;
    }
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_area_write(ws, &o);
    if (rc != NBL_OK)
        rc = cli_fail(ctx, rc);
    else if (o.output && strcmp(o.output, "-") != 0)
        cli_info("wrote %s", o.output);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
