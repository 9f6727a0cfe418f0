/*
 * cmd_import_stats.c - `nabolag import stats` and `nabolag import refs`:
 * options, one library call (nbl_import_stats / nbl_import_refs), and the
 * summary line on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/stats.h"

static void
help(const char *kind)
{
    int refs = strcmp(kind, "refs") == 0;
    printf("usage: nabolag import %s WORKSPACE CSV [--skip-invalid] "
           "[--rejects FILE]\n"
           "       [--overwrite] [--replace] [--delimiter ,|;] "
           "[--decimal .|,]\n"
           "       [--config FILE]\n\n",
           kind);
    if (refs)
        printf("Imports reference values (country, region, municipality) "
               "from a CSV file:\n"
               "  long: scope,code,year,variable,value\n"
               "  wide: scope,code,year,<variable>,...\n"
               "scope is country, region or municipality; code is the "
               "areas' region or\nmunicipality value (any code for "
               "the one country).\n\n");
    else
        printf("Imports resident statistics from a CSV file:\n"
               "  long: area_id,year,variable,value\n"
               "  wide: area_id,year,<variable>,...\n"
               "The areas must be imported first; ids are compared "
               "exactly.\n\n");
    printf("UTF-8 with or without BOM; ',' or ';' delimiter and '.' or ',' "
           "decimal mark\nare detected. Blank, '..', 'NA' and 'NaN' are "
           "missing values (not zero).\nBy default one bad row means "
           "nothing is imported (exit 1); the problems are\nlisted as "
           "file:line: column: reason.\n\n"
           "Options:\n"
           "  --skip-invalid     store the valid rows, report the bad ones\n"
           "  --rejects FILE     write the bad rows to FILE (CSV: line, "
           "reason, fields)\n"
           "  --overwrite        replace an existing rejects FILE\n"
           "  --replace          replace values already in the workspace "
           "that differ\n"
           "  --delimiter C      ',' or ';' (default: detected)\n"
           "  --decimal C        '.' or ',' (default: detected)\n"
           "  --config FILE      declare variables from [variable.<name>] "
           "sections\n"
           "                     (kind = count|amount|mean, denominator, "
           "label)\n"
           "  -h, --help         this help\n");
}

static int
one_char(const char *cmd, const char *opt, const char *s, const char *allowed,
         char *out)
{
    if (strlen(s) != 1 || !strchr(allowed, s[0])) {
        cli_usage(cmd, "%s must be one of '%c' or '%c', not '%s'", opt,
                  allowed[0], allowed[1], s);
        return -1;
    }
    *out = s[0];
    return 0;
}

static int
run(int argc, char **argv, int refs)
{
    static const struct option opts[] = {
        {"skip-invalid", no_argument, 0, 's'},
        {"rejects", required_argument, 0, 'r'},
        {"overwrite", no_argument, 0, 'o'},
        {"replace", no_argument, 0, 'R'},
        {"delimiter", required_argument, 0, 'd'},
        {"decimal", required_argument, 0, 'D'},
        {"config", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *cmd = refs ? "import refs" : "import stats";
    nbl_stats_opts o;
    nbl_stats_summary sum;
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int c, rc;

    memset(&o, 0, sizeof o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            o.skip_invalid = 1;
            break;
        case 'r':
            o.rejects_path = optarg;
            break;
        case 'o':
            o.overwrite_rejects = 1;
            break;
        case 'R':
            o.replace = 1;
            break;
        case 'd':
            if (one_char(cmd, "--delimiter", optarg, ",;", &o.delimiter))
                return CLI_USAGE;
            break;
        case 'D':
            if (one_char(cmd, "--decimal", optarg, ".,", &o.decimal))
                return CLI_USAGE;
            break;
        case 'c':
            o.config_path = optarg;
            break;
        case 'h':
            help(refs ? "refs" : "stats");
            return CLI_OK;
        default:
            return cli_usage(cmd, "invalid option");
        }
    }
    if (argc - optind != 2)
        return cli_usage(cmd, "expected WORKSPACE and CSV arguments");
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK) {
        rc = refs ? nbl_import_refs(ws, argv[optind + 1], &o, &sum)
                  : nbl_import_stats(ws, argv[optind + 1], &o, &sum);
        if (rc == NBL_OK || rc == NBL_EDATA)
            cli_info(
                "%s: %ld row%s read, %ld stored (%ld values: %ld new, "
                "%ld updated, %ld unchanged; %ld missing), %ld rejected",
                argv[optind + 1], sum.rows_read, sum.rows_read == 1 ? "" : "s",
                sum.rows_stored,
                sum.values_inserted + sum.values_updated + sum.values_unchanged,
                sum.values_inserted, sum.values_updated, sum.values_unchanged,
                sum.values_missing, sum.rows_rejected);
    }
    rc = rc ? cli_fail(ctx, rc) : CLI_OK;
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}

int
cmd_import_stats(int argc, char **argv)
{
    return run(argc, argv, 0);
}

int
cmd_import_refs(int argc, char **argv)
{
    return run(argc, argv, 1);
}
