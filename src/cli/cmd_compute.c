/*
 * cmd_compute.c - `nabolag compute WORKSPACE [--year Y] [--ruleset NAME|FILE]
 * [--config FILE]`: evaluates the statutory area criteria and prints the
 * areas per category for each computed year.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/compute.h"
#include "util/i18n.h"
#include "util/util.h"

static void
help(void)
{
    printf(_(
        "usage: nabolag compute WORKSPACE [--year Y] [--ruleset NAME|FILE]\n"
        "                       [--config FILE]\n\n"
        "Evaluates the statutory area criteria (almenboligloven § 61 a/61 b\n"
        "and earlier wordings) for every area and year with statistics, and\n"
        "stores each criterion and the category of every area. Re-running\n"
        "replaces the results of that ruleset for those years.\n\n"
        "  --year Y          compute only year Y (earlier years are still\n"
        "                    read for windows and the omdannelse history)\n"
        "  --ruleset NAME    dk2021 (default), dk2018, dk2013, dk2010, or the\n"
        "                    path of a ruleset INI file\n"
        "  --config FILE     config/project file; its [ruleset] and\n"
        "                    [criterion.<id>] sections override the\n"
        "                    ruleset's keys ([project] ruleset picks one);\n"
        "                    [indicator.*], [profile], [safety] configure\n"
        "                    the area profile and the safety index\n"
        "  --criteria-only   skip the area profile and the safety index\n\n"
        "Categories (dk2021 codes): omdannelse, parallelsamfund, udsat,\n"
        "forebyggelse, none, not_evaluable. See docs/criteria.md.\n"));
}

/* s left-aligned in width characters (not bytes: Danish "år") into
 * buf; the number of bytes written. */
static int
heading(char *buf, size_t n, const char *s, int width)
{
    int chars = (int)nbl__utf8_chars(s);
    return snprintf(buf, n, "%s%*s", s, chars < width ? width - chars : 0, "");
}

/* The summary is a message (stderr, silenced by --quiet); the results
 * are in the workspace. Each count takes its own plural form. */
static void
print_summary(const nbl_compute_summary *sum, int criteria_only)
{
    cli_info(_n("computed ruleset %s (version %s) for %ld area",
                "computed ruleset %s (version %s) for %ld areas", sum->areas),
             sum->ruleset, sum->version, sum->areas);
    {
        char line[256];
        int n = heading(line, sizeof line, _("year"), 6);
        for (int k = 0; k < NBL_CAT_COUNT; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, " %s",
                          nbl_category_code(k));
        cli_info("%s", line);
        for (int y = 0; y < sum->nyears; y++) {
            n = snprintf(line, sizeof line, "%-6d", sum->years[y].year);
            for (int k = 0; k < NBL_CAT_COUNT; k++)
                n += snprintf(line + n, sizeof line - (size_t)n, " %*ld",
                              (int)strlen(nbl_category_code(k)),
                              sum->years[y].areas[k]);
            cli_info("%s", line);
        }
    }
    if (!criteria_only) {
        char p[2][96];
        NBL_COUNT(p[0], "%ld area-year scored", "%ld area-years scored",
                  sum->profile_scored);
        NBL_COUNT(p[1], "%ld area-year", "%ld area-years", sum->safety_index);
        cli_info("area profiles: %s; safety index: %s", p[0], p[1]);
    }
}

int
cmd_compute(int argc, char **argv)
{
    static const struct option opts[] = {{"year", required_argument, 0, 'y'},
                                         {"ruleset", required_argument, 0, 'r'},
                                         {"config", required_argument, 0, 'c'},
                                         {"criteria-only", no_argument, 0, 'x'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    nbl_compute_opts o = {0};
    nbl_compute_summary sum;
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'y':
            if (cli_parse_int("compute", "--year", optarg, &o.year))
                return CLI_USAGE;
            if (o.year <= 0)
                return cli_usage("compute", "--year: not a year: '%s'", optarg);
            break;
        case 'r':
            o.ruleset = optarg;
            break;
        case 'c':
            o.config = optarg;
            break;
        case 'x':
            o.criteria_only = 1;
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage("compute", "invalid option");
        }
    }
    if (argc - optind != 1)
        return cli_usage("compute", "expected one WORKSPACE argument");
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_compute(ws, &o, &sum);
    if (rc) {
        rc = cli_fail(ctx, rc);
        nbl_ws_free(ws);
        nbl_ctx_free(ctx);
        return rc;
    }
    print_summary(&sum, o.criteria_only);
    nbl_compute_summary_free(&sum);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return CLI_OK;
}
