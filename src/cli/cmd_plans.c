/*
 * cmd_plans.c - `nabolag plans compare WORKSPACE [options]`.
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
        "usage: nabolag plans compare WORKSPACE [-f text|csv|json|geojson]\n"
        "           [-o OUT] [--overwrite] [--indicators LIST]\n"
        "           [--comparison municipality|all] [--ruleset NAME]\n"
        "           [--config FILE] [--csv-delimiter D] [--bom] [--excel]\n\n"
        "For every plan and indicator: the population-weighted value of the\n"
        "plan's areas at baseline (the year before the start) and at the\n"
        "latest year within the plan, the change, the same change for the\n"
        "comparison group (areas without a plan over that period, in the\n"
        "plan's municipalities by default), the difference of the two\n"
        "changes (did), whether each target was met, and the category\n"
        "transitions of the plan's areas. Default indicators: lab, cri, edu,\n"
        "inc, eth, and safety_index when safety results exist. Plans that\n"
        "cover the same area in the same years are flagged as overlapping.\n"
        "The text table is Danish unless --lang en.\n\n"
        "  --csv-delimiter D  -f csv: ',' (default), ';' or tab\n"
        "  --bom              -f csv: start with a UTF-8 byte-order mark\n"
        "  --excel            -f csv for a Danish Excel: ';', the BOM and\n"
        "                     decimal commas\n"));
}

static const struct option plan_opts[] = {
    {"format", required_argument, 0, 'f'},
    {"output", required_argument, 0, 'o'},
    {"overwrite", no_argument, 0, 'w'},
    {"indicators", required_argument, 0, 'i'},
    {"comparison", required_argument, 0, 'c'},
    {"ruleset", required_argument, 0, 'r'},
    {"config", required_argument, 0, 'C'},
    {"csv-delimiter", required_argument, 0, 'd'}, /* cli_csv_style_opt */
    {"bom", no_argument, 0, 'b'},
    {"excel", no_argument, 0, 'x'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

static int
parse_format(const char *s, nbl_plans_opts *o)
{
    if (!strcmp(s, "text"))
        o->format = NBL_PLANS_TEXT;
    else if (!strcmp(s, "csv"))
        o->format = NBL_PLANS_CSV;
    else if (!strcmp(s, "json"))
        o->format = NBL_PLANS_JSON;
    else if (!strcmp(s, "geojson"))
        o->format = NBL_PLANS_GEOJSON;
    else
        return cli_usage("plans compare", "unknown format '%s'", s);
    return -1;
}

/* The options of `plans compare` into o: -1 to go on, else the exit
 * status (help printed, or a usage error). */
static int
parse_args(int argc, char **argv, nbl_plans_opts *o)
{
    int c, r = -1;
    o->output = "-";
    optind = 1;
    while (r < 0 &&
           (c = getopt_long(argc, argv, "f:o:h", plan_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            r = parse_format(optarg, o);
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'w':
            o->overwrite = 1;
            break;
        case 'i':
            o->indicators = optarg;
            break;
        case 'c':
            o->comparison = optarg;
            break;
        case 'r':
            o->ruleset = optarg;
            break;
        case 'C':
            o->config = optarg;
            break;
        case 'd':
        case 'b':
        case 'x':
            if (cli_csv_style_opt("plans compare", c, optarg, &o->csv))
                return CLI_USAGE;
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage("plans compare", "invalid option");
        }
    }
    if (r < 0 && cli_csv_style_check("plans compare", &o->csv,
                                     o->format == NBL_PLANS_CSV))
        return CLI_USAGE;
    if (r < 0 && argc - optind != 1)
        return cli_usage("plans compare", "expected one WORKSPACE argument");
    return r;
}

int
cmd_plans(int argc, char **argv)
{
    nbl_plans_opts o = {0};
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int rc;

    if (argc < 2 || strcmp(argv[1], "compare") != 0) {
        if (argc >= 2 &&
            (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            help();
            return CLI_OK;
        }
        return cli_usage("plans", "expected the subcommand 'compare'");
    }
    if ((rc = parse_args(argc - 1, argv + 1, &o)) >= 0)
        return rc;
    ctx = cli_ctx_new();
    if ((rc = cli_config_language(ctx, o.config)) != CLI_OK) {
        nbl_ctx_free(ctx);
        return rc;
    }
    rc = nbl_ws_open(&ws, ctx, argv[optind + 1]);
    if (rc == NBL_OK)
        rc = nbl_plans_compare(ws, &o);
    if (rc)
        rc = cli_fail(ctx, rc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
