/*
 * cmd_import_grid.c - `nabolag import grid`: options, one library call
 * (nbl_import_grid) and the summary lines on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/grid.h"
#include "util/util.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(_(
        "usage: nabolag import grid WORKSPACE SOURCE [--method area|centroid]\n"
        "       [--max-missing-share X] [--areas IDS] [--replace]\n"
        "       [--column TARGET=HEADING] [--ignore HEADING] [--layer NAME]\n"
        "       [--src-crs CRS] [--delimiter ,|;|tab]\n\n"
        "Sums grid statistics (Danmarks Statistik's kvadratnet) into the "
        "areas'\nstatistics. SOURCE is a CSV file with kvadratnet cell ids "
        "(100m_61756_7195,\n250m_622375_57550, 1km_6175_719, ...: lower-left "
        "corner in EPSG:25832) or\nany GDAL vector source with the cells as "
        "polygons; layouts as for\nstatistics: long (cell_id,year,variable,"
        "value) or wide (cell_id,year,<variable>...).\n"
        "Each area gets count x (share of the cell's area inside it), "
        "summed over\nthe cells it overlaps; suppressed cells (blank, '..') "
        "are missing, and an area\nwhose suppressed cells cover more than "
        "--max-missing-share of it gets a\nmissing value (not evaluable).\n\n"
        "Options:\n"
        "  --method M             area (default: area-weighted) or centroid "
        "(a cell\n"
        "                         counts wholly for the area holding its "
        "centre)\n"
        "  --max-missing-share X  default 0.05\n"
        "  --areas IDS            comma-separated area ids or patterns "
        "(BY-*) that\n"
        "                         take grid values (default: every area a "
        "cell overlaps)\n"
        "  --replace              replace differing values already stored\n"
        "  --column TARGET=HEADING\n"
        "                         which heading is the cell, year, variable,\n"
        "                         value or a variable (e.g. pop=Beboere;\n"
        "                         defaults: cell_id, year, variable, value,\n"
        "                         the variables' names), as for statistics\n"
        "  --ignore HEADING       a column to skip (repeatable)\n"
        "  --layer NAME           polygon sources with several layers\n"
        "  --src-crs CRS          polygon sources without a CRS\n"
        "  --delimiter C          ',', ';' or tab (default: detected)\n"
        "  -h, --help             this help\n"));
}

/* The --column TARGET=HEADING pairs (targets copied, headings borrowed
 * from argv). */
struct columns {
    nbl_stats_pair *v;
    size_t n;
};

static void
columns_free(struct columns *c)
{
    for (size_t i = 0; i < c->n; i++)
        free((char *)c->v[i].key);
    free(c->v);
}

/* --column TARGET=HEADING: TARGET is cell, year, variable, value or a
 * variable name (checked against the header by the import). */
static int
column(struct columns *c, const char *arg)
{
    const char *eq = strchr(arg, '=');
    nbl_stats_pair *v;
    if (!eq || eq == arg || !eq[1])
        return cli_usage("import grid",
                         "--column: expected TARGET=HEADING (TARGET: cell, "
                         "year, variable, value or a variable), not '%s'",
                         arg);
    v = realloc(c->v, (c->n + 1) * sizeof *v);
    if (v)
        c->v = v;
    if (!v || !(v[c->n].key = strndup(arg, (size_t)(eq - arg)))) {
        fputs(_("nabolag: out of memory\n"), stderr);
        return CLI_ERROR;
    }
    v[c->n++].value = eq + 1;
    return 0;
}

static int
parse(int argc, char **argv, nbl_grid_opts *o, nbl__buf *ignore,
      struct columns *cols)
{
    static const struct option opts[] = {
        {"method", required_argument, 0, 'm'},
        {"max-missing-share", required_argument, 0, 'x'},
        {"areas", required_argument, 0, 'a'},
        {"replace", no_argument, 0, 'R'},
        {"column", required_argument, 0, 'c'},
        {"ignore", required_argument, 0, 'i'},
        {"layer", required_argument, 0, 'l'},
        {"src-crs", required_argument, 0, 's'},
        {"delimiter", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c, r;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hl:", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "area") && strcmp(optarg, "centroid"))
                return cli_usage("import grid",
                                 "--method: area or centroid, not '%s'",
                                 optarg);
            o->centroid = strcmp(optarg, "centroid") == 0;
            break;
        case 'x':
            if (!nbl__parse_double(optarg, '.', &o->max_missing_share) ||
                o->max_missing_share < 0 || o->max_missing_share > 1)
                return cli_usage("import grid",
                                 "--max-missing-share: a number from 0 to 1, "
                                 "not '%s'",
                                 optarg);
            o->max_missing_share_set = 1;
            break;
        case 'a':
            o->areas = optarg;
            break;
        case 'R':
            o->replace = 1;
            break;
        case 'c':
            if ((r = column(cols, optarg)) != 0)
                return r;
            break;
        case 'i':
            nbl__buf_printf(ignore, "%s%s", ignore->s ? "," : "", optarg);
            break;
        case 'l':
            o->layer = optarg;
            break;
        case 's':
            o->src_crs = optarg;
            break;
        case 'd':
            if (!(o->delimiter =
                      cli_csv_delimiter("import grid", "--delimiter", optarg)))
                return CLI_USAGE;
            break;
        case 'h':
            help();
            return -1;
        default:
            return cli_usage("import grid", "invalid option");
        }
    }
    if (argc - optind != 2)
        return cli_usage("import grid", "expected WORKSPACE and SOURCE");
    o->ignore = ignore->s;
    o->columns = cols->v;
    o->n_columns = cols->n;
    return CLI_OK;
}

/* The two summary lines, each count in its own plural form. */
static void
print_summary(const char *src, const nbl_grid_summary *s)
{
    char p[5][96];
    NBL_COUNT(p[0], "%ld row read", "%ld rows read", s->rows_read);
    NBL_COUNT(p[1], "%ld cell", "%ld cells", s->cells);
    NBL_COUNT(p[2], "%ld suppressed value", "%ld suppressed values",
              s->values_suppressed);
    /* TRANSLATORS: rows read, cells, ...; suppressed values */
    cli_info("%s: %s, %s, %ld outside every area; %s", src, p[0], p[1],
             s->cells_outside, p[2]);
    NBL_COUNT(p[0], "%ld area", "%ld areas", s->areas);
    NBL_COUNT(p[1], "%ld value new", "%ld values new", s->values_inserted);
    NBL_COUNT(p[2], "%ld updated", "%ld updated", s->values_updated);
    NBL_COUNT(p[3], "%ld unchanged", "%ld unchanged", s->values_unchanged);
    /* TRANSLATORS: areas: values new, updated, unchanged; ... */
    cli_info("%s: %s, %s, %s; %ld not evaluable (suppressed cells over the "
             "missing share)",
             p[0], p[1], p[2], p[3], s->values_not_evaluable);
}

int
cmd_import_grid(int argc, char **argv)
{
    nbl_grid_opts o;
    nbl_grid_summary s;
    nbl__buf ignore = {0};
    struct columns cols = {0};
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int rc;

    memset(&o, 0, sizeof o);
    memset(&s, 0, sizeof s);
    rc = parse(argc, argv, &o, &ignore, &cols);
    if (rc) {
        nbl__buf_free(&ignore);
        columns_free(&cols);
        return rc < 0 ? CLI_OK : rc;
    }
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_import_grid(ws, argv[optind + 1], &o, &s);
    if (rc == NBL_OK)
        print_summary(argv[optind + 1], &s);
    rc = rc ? cli_fail(ctx, rc) : CLI_OK;
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    nbl__buf_free(&ignore);
    columns_free(&cols);
    return rc;
}
