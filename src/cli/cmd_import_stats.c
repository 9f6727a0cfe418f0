/*
 * cmd_import_stats.c - `nabolag import stats` and `nabolag import refs`:
 * options, one library call (nbl_import_stats / nbl_import_refs), and the
 * summary line on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/project.h"
#include "nabolag/stats.h"
#include "util/ctx.h"
#include "util/i18n.h"

static void
help(const char *kind)
{
    int refs = strcmp(kind, "refs") == 0;
    printf(_("usage: nabolag import %s WORKSPACE CSV [--skip-invalid] "
             "[--rejects FILE]\n"
             "       [--overwrite] [--replace] [--delimiter ,|;|tab] "
             "[--decimal .|,]\n"
             "       [--config FILE]\n\n"),
           kind);
    if (refs)
        printf(_("Imports reference values (country, region, municipality) "
                 "from a CSV file:\n"
                 "  long: scope,code,year,variable,value\n"
                 "  wide: scope,code,year,<variable>,...\n"
                 "scope is country, region or municipality; code is the "
                 "areas' region or\nmunicipality value (any code for "
                 "the one country).\n\n"));
    else
        printf(_("Imports resident statistics from a CSV file:\n"
                 "  long: area_id,year,variable,value\n"
                 "  wide: area_id,year,<variable>,...\n"
                 "The areas must be imported first; ids are compared "
                 "exactly.\n\n"));
    printf(_("CSV (UTF-8 with or without BOM, or Windows-1252 as Danish "
             "Excel saves it),\n.xlsx/.ods workbooks and Danmarks Statistik "
             "StatBank downloads are read.\n';', ',' or tab delimiter and '.' "
             "or ',' "
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
             "  --delimiter C      ',', ';' or tab (default: detected)\n"
             "  --decimal C        '.' or ',' (default: detected)\n"
             "  --config FILE      project file: [variable.<name>] sections "
             "(kind, denominator,\n"
             "                     label) and the [stats]/[refs] section "
             "naming this file\n"
             "                     (column.*, ignore, format, sheet, "
             "StatBank keys)\n"
             "  --column VAR=HEADING  the file's HEADING is VAR (also "
             "area_id, year, variable,\n"
             "                     value; refs: scope, code); repeatable\n"
             "  --ignore HEADING   leave that column out; repeatable\n"
             "  --format F         auto, csv, xlsx, ods or statbank "
             "(default: auto)\n"
             "  --sheet NAME       the workbook's sheet to read\n"
             "  --variable VAR     StatBank: the file's one variable\n"
             "  -h, --help         this help\n"));
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

#define MAX_ARGS 64

/* What the command line says, besides nbl_stats_opts' plain fields. */
struct args {
    nbl_stats_pair columns[2 * MAX_ARGS];
    char *column_buf[MAX_ARGS];
    size_t n_columns;
    const char *ignore[2 * MAX_ARGS];
    size_t n_ignore;
};

/* --column TARGET=HEADING */
static int
add_column(struct args *a, const char *cmd, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *t;
    if (!eq || eq == arg || !eq[1]) {
        cli_usage(cmd, "--column wants VARIABLE=HEADING, not '%s'", arg);
        return -1;
    }
    if (a->n_columns >= MAX_ARGS) {
        cli_usage(cmd, "more than %d --column options", MAX_ARGS);
        return -1;
    }
    t = strndup(arg, (size_t)(eq - arg));
    if (!t)
        return -1;
    a->column_buf[a->n_columns] = t;
    a->columns[a->n_columns].key = t;
    a->columns[a->n_columns].value = eq + 1;
    a->n_columns++;
    return 0;
}

/* The project file's section for this file, under the command line's
 * own settings (a --column wins over the same target's column.*). */
static void
merge_config(nbl_ctx *ctx, const nbl_project *p, int refs, const char *file,
             struct args *a, nbl_stats_opts *o)
{
    const nbl_project_table *t = nbl_project_table_for(p, refs, file);
    size_t ncli = a->n_columns;
    int n = 0;
    for (int i = 0; !t && i < p->n_tables; i++)
        n += p->tables[i].refs == refs;
    if (!t && n > 1) /* next year's file under a new name, say */
        nbl__warn(ctx,
                  "%s: none of its %d [%s] sections names %s in its source, "
                  "so none of their column mappings applies (add the file, "
                  "or a glob such as name_*.csv, to the source of its "
                  "section, or give --column)",
                  p->path, n, refs ? "refs" : "stats", file);
    if (!t)
        return;
    for (size_t i = 0; i < t->n_columns && a->n_columns < 2 * MAX_ARGS; i++) {
        int seen = 0;
        for (size_t j = 0; j < ncli; j++)
            seen |= strcmp(a->columns[j].key, t->columns[i].key) == 0;
        if (!seen)
            a->columns[a->n_columns++] = t->columns[i];
    }
    for (size_t i = 0; i < t->n_ignore && a->n_ignore < 2 * MAX_ARGS; i++)
        a->ignore[a->n_ignore++] = t->ignore[i];
    nbl_project_table_opts(t, o);
}

static int
parse(int argc, char **argv, const char *cmd, nbl_stats_opts *o, struct args *a,
      int *help_shown)
{
    static const struct option opts[] = {
        {"skip-invalid", no_argument, 0, 's'},
        {"rejects", required_argument, 0, 'r'},
        {"overwrite", no_argument, 0, 'o'},
        {"replace", no_argument, 0, 'R'},
        {"delimiter", required_argument, 0, 'd'},
        {"decimal", required_argument, 0, 'D'},
        {"config", required_argument, 0, 'c'},
        {"column", required_argument, 0, 'm'},
        {"ignore", required_argument, 0, 'i'},
        {"format", required_argument, 0, 'f'},
        {"sheet", required_argument, 0, 'S'},
        {"variable", required_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            o->skip_invalid = 1;
            break;
        case 'r':
            o->rejects_path = optarg;
            break;
        case 'o':
            o->overwrite_rejects = 1;
            break;
        case 'R':
            o->replace = 1;
            break;
        case 'd':
            if (!(o->delimiter = cli_csv_delimiter(cmd, "--delimiter", optarg)))
                return CLI_USAGE;
            break;
        case 'D':
            if (one_char(cmd, "--decimal", optarg, ".,", &o->decimal))
                return CLI_USAGE;
            break;
        case 'c':
            o->config_path = optarg;
            break;
        case 'm':
            if (add_column(a, cmd, optarg))
                return CLI_USAGE;
            break;
        case 'i':
            if (a->n_ignore >= MAX_ARGS)
                return cli_usage(cmd, "too many --ignore options");
            a->ignore[a->n_ignore++] = optarg;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'S':
            o->sheet = optarg;
            break;
        case 'v':
            o->variable = optarg;
            break;
        case 'h':
            *help_shown = 1;
            return CLI_OK;
        default:
            return cli_usage(cmd, "invalid option");
        }
    }
    if (argc - optind != 2)
        return cli_usage(cmd, "expected WORKSPACE and CSV arguments");
    return CLI_OK;
}

/* The counts of the summary line, each in its own plural form. */
static void
print_counts(const char *file, const nbl_stats_summary *sum)
{
    long vals =
        sum->values_inserted + sum->values_updated + sum->values_unchanged;
    char p[8][96];
    NBL_COUNT(p[0], "%ld row read", "%ld rows read", sum->rows_read);
    NBL_COUNT(p[1], "%ld stored", "%ld stored", sum->rows_stored);
    NBL_COUNT(p[2], "%ld value", "%ld values", vals);
    NBL_COUNT(p[3], "%ld new", "%ld new", sum->values_inserted);
    NBL_COUNT(p[4], "%ld updated", "%ld updated", sum->values_updated);
    NBL_COUNT(p[5], "%ld unchanged", "%ld unchanged", sum->values_unchanged);
    NBL_COUNT(p[6], "%ld missing", "%ld missing", sum->values_missing);
    NBL_COUNT(p[7], "%ld rejected", "%ld rejected", sum->rows_rejected);
    /* TRANSLATORS: the summary of import stats|refs: rows read, stored
     * (values: new, updated, unchanged; missing), rejected */
    cli_info("%s: %s, %s (%s: %s, %s, %s; %s), %s", file, p[0], p[1], p[2],
             p[3], p[4], p[5], p[6], p[7]);
}

static void
print_summary(const char *file, const nbl_stats_summary *sum)
{
    print_counts(file, sum);
    if (sum->encoding && strcmp(sum->encoding, "windows-1252") == 0)
        cli_info("%s: read as Windows-1252 text (converted to UTF-8)", file);
    if (sum->rows_empty > 0)
        cli_info(_n("%s: %ld empty row skipped", "%s: %ld empty rows skipped",
                    sum->rows_empty),
                 file, sum->rows_empty);
    if (sum->rows_left_out > 0)
        cli_info(_n("%s: %ld StatBank row left out by where/period/label",
                    "%s: %ld StatBank rows left out by where/period/label",
                    sum->rows_left_out),
                 file, sum->rows_left_out);
}

static int
run(int argc, char **argv, int refs)
{
    const char *cmd = refs ? "import refs" : "import stats";
    nbl_stats_opts o;
    nbl_stats_summary sum;
    nbl_project *proj = NULL;
    struct args *a = calloc(1, sizeof *a);
    nbl_ctx *ctx = NULL;
    nbl_ws *ws = NULL;
    int rc, help_shown = 0;

    memset(&o, 0, sizeof o);
    memset(&sum, 0, sizeof sum);
    if (!a) {
        fputs(_("nabolag: out of memory\n"), stderr);
        return CLI_ERROR;
    }
    rc = parse(argc, argv, cmd, &o, a, &help_shown);
    if (help_shown)
        help(refs ? "refs" : "stats");
    if (rc != CLI_OK || help_shown)
        goto out;
    ctx = cli_ctx_new();
    rc = o.config_path ? nbl_project_load_config(&proj, ctx, o.config_path)
                       : NBL_OK;
    if (rc == NBL_OK && proj)
        merge_config(ctx, proj, refs, argv[optind + 1], a, &o);
    o.columns = a->n_columns ? a->columns : NULL;
    o.n_columns = a->n_columns;
    o.ignore = a->n_ignore ? a->ignore : NULL;
    o.n_ignore = a->n_ignore;
    if (rc == NBL_OK)
        rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK) {
        rc = refs ? nbl_import_refs(ws, argv[optind + 1], &o, &sum)
                  : nbl_import_stats(ws, argv[optind + 1], &o, &sum);
        if (rc == NBL_OK || rc == NBL_EDATA)
            print_summary(argv[optind + 1], &sum);
    }
    rc = rc ? cli_fail(ctx, rc) : CLI_OK;
out:
    for (size_t i = 0; i < MAX_ARGS; i++)
        free(a->column_buf[i]);
    free(a);
    nbl_project_free(proj);
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
