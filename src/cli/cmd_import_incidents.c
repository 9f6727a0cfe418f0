/*
 * cmd_import_incidents.c - `nabolag import incidents WORKSPACE SRC ...`:
 * options, one call to nbl_import_incidents(), the summary on stderr.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "nabolag/incidents.h"
#include "nabolag/project.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(
        _("usage: nabolag import incidents WORKSPACE SRC [-l LAYER]\n"
          "         [--year-field F | --date-field F] [--category-field F]\n"
          "         [--x-field F --y-field F] [--src-crs CRS] [--jobs N]\n"
          "         [--delimiter ,|;|tab]\n"
          "       nabolag import incidents --config PROJECT.ini [OPTIONS]\n\n"
          "Counts incident points per area, year and category by\n"
          "point-in-polygon in the working CRS. SRC is a CSV file (x/y,\n"
          "easting/northing or lon/lat columns; lon/lat means EPSG:4326,\n"
          "x/y the working CRS unless --src-crs says otherwise) or any GDAL\n"
          "vector source with points (its own CRS, or --src-crs).\n"
          "The counts of each (year, category) present in SRC replace the\n"
          "stored ones. Points outside every area and points without a\n"
          "usable date or coordinates are counted in the summary.\n\n"
          "  -l, --layer NAME         layer of a multi-layer source\n"
          "      --year-field F       column with the year\n"
          "      --date-field F       column with a date (YYYY-MM-DD,\n"
          "                           ISO timestamp, DD-MM-YYYY, DD.MM.YYYY)\n"
          "      --category-field F   column with the category\n"
          "      --x-field F, --y-field F   coordinate columns (CSV)\n"
          "      --src-crs CRS        CRS of the input, e.g. EPSG:4326\n"
          "      --delimiter C        CSV: ',', ';' or tab (default: detected\n"
          "                           from the header; with ';' the decimal\n"
          "                           mark is ',')\n"
          "  -j, --jobs N             threads that locate points (default:\n"
          "                           the number of cores; the counts are\n"
          "                           the same for any N)\n"
          "      --config FILE        project file: WORKSPACE from [project]\n"
          "                           workspace, SRC and defaults for the\n"
          "                           options from [incidents]\n"));
}

static void
print_summary(const char *src, const nbl_incidents_summary *s)
{
    char p[3][96];
    NBL_COUNT(p[0], "%lld point read", "%lld points read", s->read);
    NBL_COUNT(p[1], "%zu area", "%zu areas", s->n_areas);
    NBL_COUNT(p[2], "%lld count stored", "%lld counts stored", s->rows_stored);
    /* TRANSLATORS: points read; ... assigned to areas; ...; counts stored */
    cli_info("%s: %s; %lld assigned to %s; %lld outside every area; %lld "
             "without a usable date (%lld of them inside an area); %lld "
             "without usable coordinates; %lld without a category; %s",
             src, p[0], s->assigned, p[1], s->outside, s->no_date,
             s->no_date_inside, s->no_coords, s->no_category, p[2]);
    for (size_t i = 0; i < s->n_years; i++)
        cli_info("  %d: %lld assigned, %lld outside", s->years[i].year,
                 s->years[i].assigned, s->years[i].outside);
}

static const char cmd[] = "import incidents";

/* Reads the options into *o, *config and *jobs (checked to be from 1 to
 * NBL_INCIDENTS_MAX_JOBS, or 0 when not given) and checks the count of
 * arguments (WORKSPACE SRC, or none with --config). -1 to go on, with
 * optind at the arguments; else the exit status (after --help, or a usage
 * error printed). */
static int
parse(int argc, char **argv, nbl_incidents_opts *o, const char **config,
      int *jobs)
{
    enum { O_YEAR = 256, O_DATE, O_CAT, O_X, O_Y, O_CRS, O_CONFIG, O_DELIM };
    static const struct option lo[] = {
        {"layer", required_argument, 0, 'l'},
        {"year-field", required_argument, 0, O_YEAR},
        {"date-field", required_argument, 0, O_DATE},
        {"category-field", required_argument, 0, O_CAT},
        {"x-field", required_argument, 0, O_X},
        {"y-field", required_argument, 0, O_Y},
        {"src-crs", required_argument, 0, O_CRS},
        {"delimiter", required_argument, 0, O_DELIM},
        {"config", required_argument, 0, O_CONFIG},
        {"jobs", required_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "hl:j:", lo, NULL)) != -1) {
        switch (c) {
        case 'l':
            o->layer = optarg;
            break;
        case O_YEAR:
            o->year_field = optarg;
            break;
        case O_DATE:
            o->date_field = optarg;
            break;
        case O_CAT:
            o->category_field = optarg;
            break;
        case O_X:
            o->x_field = optarg;
            break;
        case O_Y:
            o->y_field = optarg;
            break;
        case O_CRS:
            o->src_crs = optarg;
            break;
        case O_DELIM:
            if (!(o->delimiter = cli_csv_delimiter(cmd, "--delimiter", optarg)))
                return CLI_USAGE;
            break;
        case O_CONFIG:
            *config = optarg;
            break;
        case 'j':
            if (cli_parse_int(cmd, "--jobs", optarg, jobs))
                return CLI_USAGE;
            if (*jobs < 1 || *jobs > NBL_INCIDENTS_MAX_JOBS)
                return cli_usage(cmd, "--jobs must be from 1 to %d, not %d",
                                 NBL_INCIDENTS_MAX_JOBS, *jobs);
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage(cmd, "invalid option");
        }
    }
    return cli_ws_src_args(cmd, argc, *config) ? CLI_USAGE : -1;
}

/* WORKSPACE and SRC from the arguments, else from the project p ([project]
 * workspace, [incidents] source); checks that there is a source and that
 * the field options (given or from the project) fit together. 0, or the
 * exit status of the usage error (printed). */
static int
inputs(int argc, char **argv, const char *config, const nbl_project *p,
       const nbl_incidents_opts *o, const char **wspath, const char **src)
{
    cli_ws_src(argc, argv, p, p ? p->incidents_source : NULL, wspath, src);
    if (!*src)
        return cli_usage(cmd, "%s: [incidents] source is not set",
                         config ? config : "project file");
    if (!o->x_field != !o->y_field)
        return cli_usage(cmd, "--x-field and --y-field go together");
    if (o->year_field && o->date_field)
        return cli_usage(cmd, "give --year-field or --date-field, not both");
    return CLI_OK;
}

int
cmd_import_incidents(int argc, char **argv)
{
    nbl_incidents_opts o = {0};
    nbl_incidents_summary s = {0};
    nbl_ctx *ctx;
    nbl_ws *ws;
    nbl_project *p = NULL;
    const char *config = NULL, *wspath, *src;
    int jobs = 0, rc;

    if ((rc = parse(argc, argv, &o, &config, &jobs)) >= 0)
        return rc;
    ctx = cli_ctx_new();
    rc = cli_project_load(ctx, config, &p);
    if (rc == CLI_OK && p)
        nbl_project_incidents_opts(p, &o);
    o.jobs = jobs;
    if (rc == CLI_OK)
        rc = inputs(argc, argv, config, p, &o, &wspath, &src);
    if (rc == CLI_OK) {
        rc = nbl_ws_open(&ws, ctx, wspath);
        if (!rc) {
            rc = nbl_import_incidents(ws, src, &o, &s);
            nbl_ws_free(ws);
        }
        rc = rc ? cli_fail(ctx, rc) : CLI_OK;
    }
    if (rc == CLI_OK)
        print_summary(src, &s);
    nbl_incidents_summary_clear(&s);
    nbl_project_free(p);
    nbl_ctx_free(ctx);
    return rc;
}
