/*
 * cmd_report.c - `nabolag report WORKSPACE -o report.html`.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "nabolag/report.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(_("usage: nabolag report WORKSPACE -o report.html [--year Y]\n"
             "           [--ruleset NAME] [--title TEXT] [--config FILE]\n"
             "           [--context FILE] [--overwrite]\n\n"
             "Writes one self-contained HTML page for a year: a map of the\n"
             "areas by category (labels, scale bar, north arrow, legend;\n"
             "--context FILE adds any GDAL vector file as outlines, e.g. the\n"
             "municipality), the categories and the changes since the\n"
             "previous year, the areas by category over the years per\n"
             "municipality, every area's criteria, the alerts, the plans\n"
             "(targets met or not yet judged, overlapping plans), one area\n"
             "card per area (a chart of each criterion over the years with\n"
             "its threshold, as `nabolag area`) and the provenance. Danish\n"
             "by default, --lang en for English. Areas below [disclosure]\n"
             "min_residents_publish (default 100) show no values.\n"));
}

int
cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"year", required_argument, 0, 'y'},
                                         {"ruleset", required_argument, 0, 'r'},
                                         {"title", required_argument, 0, 't'},
                                         {"config", required_argument, 0, 'C'},
                                         {"overwrite", no_argument, 0, 'w'},
                                         {"context", required_argument, 0, 'x'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    nbl_report_opts o = {0};
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o.output = optarg;
            break;
        case 'y':
            if (cli_parse_int("report", "--year", optarg, &o.year))
                return CLI_USAGE;
            break;
        case 'r':
            o.ruleset = optarg;
            break;
        case 't':
            o.title = optarg;
            break;
        case 'C':
            o.config = optarg;
            break;
        case 'w':
            o.overwrite = 1;
            break;
        case 'x':
            o.context = optarg;
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage("report", "invalid option");
        }
    }
    if (argc - optind != 1)
        return cli_usage("report", "expected one WORKSPACE argument");
    if (!o.output)
        return cli_usage("report", "-o FILE is required");
    ctx = cli_ctx_new();
    if ((rc = cli_config_language(ctx, o.config)) != CLI_OK) {
        nbl_ctx_free(ctx);
        return rc;
    }
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_report_write(ws, &o);
    if (rc == NBL_OK)
        cli_info("wrote %s", o.output);
    else
        rc = cli_fail(ctx, rc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
