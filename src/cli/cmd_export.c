/*
 * cmd_export.c - `nabolag export WORKSPACE -o DIR [--year Y]
 * [-f geojson|gpkg] [--overwrite] [--ruleset R] [--config FILE]
 * [--internal-unsuppressed]`: GIS layers with QGIS styles and project.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/export.h"

static const char usage[] =
    "usage: nabolag export WORKSPACE -o DIR [--year Y] [-f geojson|gpkg]\n"
    "                      [--overwrite] [--ruleset R] [--config FILE]\n"
    "                      [--internal-unsuppressed]\n"
    "\n"
    "Writes the results of one year as GIS layers into DIR: areas, alerts,\n"
    "plans (with the plan comparison), profile (the area profile), safety\n"
    "and timeseries (one feature per area and year), each as RFC 7946\n"
    "GeoJSON with a QGIS style (.qml) of the same name, or all in one\n"
    "GeoPackage (nabolag.gpkg, styles inside); plus nabolag.qgs, a QGIS\n"
    "project that opens them. Layers and fields: docs/outputs.md.\n"
    "\n"
    "  -o, --output DIR          output folder (created if missing)\n"
    "  -y, --year Y              year (default: latest year with results)\n"
    "  -f, --format F            geojson (default) or gpkg\n"
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
    "  -h, --help                this help\n";

int
cmd_export(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},
        {"format", required_argument, NULL, 'f'},
        {"overwrite", no_argument, NULL, 'W'},
        {"ruleset", required_argument, NULL, 'r'},
        {"config", required_argument, NULL, 'c'},
        {"internal-unsuppressed", no_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    nbl_export_opts o;
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    int c, rc;
    memset(&o, 0, sizeof o);
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:y:f:h", lopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o.dir = optarg;
            break;
        case 'y':
            if (cli_parse_int("export", "--year", optarg, &o.year))
                return CLI_USAGE;
            if (o.year < 1)
                return cli_usage("export", "--year: not a year: '%s'", optarg);
            break;
        case 'f':
            if (strcmp(optarg, "geojson") == 0)
                o.format = NBL_EXPORT_GEOJSON;
            else if (strcmp(optarg, "gpkg") == 0)
                o.format = NBL_EXPORT_GPKG;
            else
                return cli_usage("export",
                                 "--format: expected geojson or gpkg, "
                                 "not '%s'",
                                 optarg);
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
    if (optind + 1 != argc)
        return cli_usage("export", "expected one WORKSPACE argument");
    if (!o.dir)
        return cli_usage("export", "-o DIR is required");
    if (strcmp(o.dir, "-") == 0)
        return cli_usage("export", "-o: a folder is required, not stdout");
    ctx = cli_ctx_new();
    if (o.internal_unsuppressed)
        fprintf(stderr, "nabolag: warning: --internal-unsuppressed: the "
                        "output contains values below the disclosure "
                        "thresholds; FOR INTERNAL USE ONLY, do not "
                        "publish\n");
    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc == NBL_OK)
        rc = nbl_export(ws, &o);
    if (rc != NBL_OK)
        rc = cli_fail(ctx, rc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
