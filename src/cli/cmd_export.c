/*
 * cmd_export.c - `nabolag export WORKSPACE -o DEST [--year Y] [-f FORMAT]
 * [-lco NAME=VALUE]... [-dsco NAME=VALUE]... [--schema S] [--t-srs CRS]
 * [--qgs FILE] [--layers LIST] [--overwrite] [--ruleset R] [--config FILE]
 * [--internal-unsuppressed]`: GIS layers with QGIS styles and project.
 * -lco, -dsco and -t_srs are also taken with one dash, as ogr2ogr spells
 * them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/export.h"
#include "util/i18n.h"

static const char *const usage = N_(
    "usage: nabolag export WORKSPACE -o DEST [--year Y] [-f FORMAT]\n"
    "                      [-lco NAME=VALUE]... [-dsco NAME=VALUE]...\n"
    "                      [--schema S] [--t-srs CRS] [--qgs FILE]\n"
    "                      [--layers LIST] [--overwrite] [--ruleset R]\n"
    "                      [--config FILE] [--internal-unsuppressed]\n"
    "\n"
    "Writes the results of one year as GIS layers: areas, alerts, plans\n"
    "(with the plan comparison), profile (the area profile), safety and\n"
    "timeseries (one feature per area and year), in any vector format GDAL\n"
    "writes: RFC 7946 GeoJSON, Shapefile or FlatGeobuf files with a QGIS\n"
    "style (.qml) of the same name, one GeoPackage (nabolag.gpkg, styles\n"
    "inside), or PostGIS tables (styles in the database's layer_styles);\n"
    "plus nabolag.qgs, a QGIS project that opens them. Layers and fields:\n"
    "docs/outputs.md; formats: docs/formats.md.\n"
    "\n"
    "  -o, --output DEST         output folder (created if missing), or for\n"
    "                            PostgreSQL a connection string\n"
    "                            (PG:\"dbname=gis host=...\")\n"
    "  -y, --year Y              year (default: latest year with results)\n"
    "  -f, --format F            GDAL driver as ogr2ogr -f takes it: GeoJSON\n"
    "                            (default), GPKG, \"ESRI Shapefile\",\n"
    "                            FlatGeobuf, PostgreSQL, CSV, ...; aliases\n"
    "                            geojson, gpkg, shp, fgb, pg, csv\n"
    "      -lco NAME=VALUE       layer creation option for GDAL (repeat)\n"
    "      -dsco NAME=VALUE      data set creation option for GDAL (repeat)\n"
    "      --schema S            PostgreSQL schema (default public)\n"
    "      --t-srs CRS           output CRS, EPSG:NNNN (default: the\n"
    "                            workspace's working CRS; GeoJSON is always\n"
    "                            WGS 84, RFC 7946)\n"
    "      --qgs FILE            PostgreSQL: write the QGIS project, its\n"
    "                            layers reading the database, to FILE\n"
    "      --layers LIST         write only these of the layers above, e.g.\n"
    "                            areas,alerts (default: all six); the QGIS\n"
    "                            project and the styles name only them\n"
    "      --overwrite           replace existing output files\n"
    "      --ruleset R           ruleset (default: the last computed)\n"
    "      --config FILE         INI file (the project file): [disclosure]\n"
    "                            (min_count, min_denominator,\n"
    "                            min_residents_publish), [profile] and\n"
    "                            [indicator.*] (the profile layer's\n"
    "                            indicators), [plans] comparison\n"
    "      --internal-unsuppressed\n"
    "                            publish values without disclosure control;\n"
    "                            FOR INTERNAL USE ONLY (marked in every file)\n"
    "  -h, --help                this help\n");

#define MAX_CREATION_OPTIONS 64

static const struct option lopts[] = {
    {"lco", required_argument, NULL, 'L'},
    {"dsco", required_argument, NULL, 'D'},
    {"schema", required_argument, NULL, 'S'},
    {"t-srs", required_argument, NULL, 'T'},
    {"qgs", required_argument, NULL, 'Q'},
    {"layers", required_argument, NULL, 'l'},
    {"output", required_argument, NULL, 'o'},
    {"year", required_argument, NULL, 'y'},
    {"format", required_argument, NULL, 'f'},
    {"overwrite", no_argument, NULL, 'W'},
    {"ruleset", required_argument, NULL, 'r'},
    {"config", required_argument, NULL, 'c'},
    {"internal-unsuppressed", no_argument, NULL, 'U'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* A NULL-terminated list of borrowed option strings. */
typedef struct opts_list {
    char *v[MAX_CREATION_OPTIONS + 1];
    size_t n;
} opts_list;

static int
opts_add(opts_list *l, char *s)
{
    if (l->n == MAX_CREATION_OPTIONS)
        return cli_usage("export", "more than %d creation options",
                         MAX_CREATION_OPTIONS);
    l->v[l->n++] = s;
    l->v[l->n] = NULL;
    return CLI_OK;
}

/* ogr2ogr's one-dash spellings -lco, -dsco and -t_srs as long options. */
static void
ogr2ogr_spelling(int argc, char **argv)
{
    static char lco[] = "--lco", dsco[] = "--dsco", tsrs[] = "--t-srs";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-lco") == 0)
            argv[i] = lco;
        else if (strcmp(argv[i], "-dsco") == 0)
            argv[i] = dsco;
        else if (strcmp(argv[i], "-t_srs") == 0 ||
                 strcmp(argv[i], "--t_srs") == 0)
            argv[i] = tsrs;
    }
}

/* The options that go to GDAL: -f, -lco, -dsco, --schema, --t-srs, --qgs.
 * CLI_OK, or CLI_USAGE after the message. */
static int
gdal_option(int c, char *arg, nbl_export_opts *o, opts_list *lco,
            opts_list *dsco)
{
    switch (c) {
    case 'L':
    case 'D':
        if (!strchr(arg, '='))
            return cli_usage("export", "%s: expected NAME=VALUE, not '%s'",
                             c == 'L' ? "-lco" : "-dsco", arg);
        return opts_add(c == 'L' ? lco : dsco, arg);
    case 'S':
        o->schema = arg;
        break;
    case 'T':
        o->t_srs = arg;
        break;
    case 'Q':
        o->qgs = arg;
        break;
    default: /* 'f' */
        if (!(o->driver = nbl_export_driver_name(arg)))
            return cli_usage("export",
                             "--format: GDAL has no vector driver '%s' "
                             "that can write (see `ogrinfo --formats`)",
                             arg);
    }
    return CLI_OK;
}

int
cmd_export(int argc, char **argv)
{
    nbl_export_opts o;
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int c, rc;
    memset(&o, 0, sizeof o);
    if (cli_wants_help(argc, argv)) {
        fputs(_(usage), stdout);
        return CLI_OK;
    }
    opts_list lco = {0}, dsco = {0};
    ogr2ogr_spelling(argc, argv);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:y:f:h", lopts, NULL)) != -1) {
        switch (c) {
        case 'L':
        case 'D':
        case 'S':
        case 'T':
        case 'Q':
        case 'f':
            if (gdal_option(c, optarg, &o, &lco, &dsco))
                return CLI_USAGE;
            break;
        case 'o':
            o.dir = optarg;
            break;
        case 'l':
            o.layers = optarg;
            break;
        case 'y':
            if (cli_parse_int("export", "--year", optarg, &o.year))
                return CLI_USAGE;
            if (o.year < 1)
                return cli_usage("export", "--year: not a year: '%s'", optarg);
            break;
        case 'W':
            o.overwrite = 1;
            break;
        case 'r':
            o.ruleset = optarg;
            break;
        case 'c':
            o.config = optarg;
            break;
        case 'U':
            o.internal_unsuppressed = 1;
            break;
        default:
            return cli_usage("export", "unknown option");
        }
    }
    o.lco = (const char *const *)lco.v;
    o.dsco = (const char *const *)dsco.v;
    if (optind + 1 != argc)
        return cli_usage("export", "expected one WORKSPACE argument");
    if (!o.dir)
        return cli_usage("export", "-o DEST is required");
    if (strcmp(o.dir, "-") == 0)
        return cli_usage("export", "-o: a folder is required, not stdout");
    ctx = cli_ctx_new();
    if (o.layers && nbl_export_layers_check(ctx, o.layers, "--layers")) {
        rc = cli_usage("export", "%s", nbl_ctx_errmsg(ctx));
        nbl_ctx_free(ctx);
        return rc;
    }
    if (o.internal_unsuppressed)
        fputs(_("nabolag: warning: --internal-unsuppressed: the output "
                "contains values below the disclosure thresholds; FOR "
                "INTERNAL USE ONLY, do not publish\n"),
              stderr);
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_export(ws, &o);
    if (rc != NBL_OK)
        rc = cli_fail(ctx, rc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
