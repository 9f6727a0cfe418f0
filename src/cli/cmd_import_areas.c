/*
 * cmd_import_areas.c - `nabolag import areas WORKSPACE SRC --id FIELD ...`:
 * options, one nbl_import_areas() call, the summary on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "nabolag/areas.h"
#include "nabolag/project.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(_(
        "usage: nabolag import areas WORKSPACE SRC --id FIELD [-l LAYER]\n"
        "                            [--name FIELD] [--municipality FIELD]\n"
        "                            [--region FIELD] [--src-crs CRS]\n"
        "                            [--dissolve]\n"
        "       nabolag import areas --config PROJECT.ini [OPTIONS]\n\n"
        "Imports area polygons from any vector source GDAL opens (GeoPackage,\n"
        "Shapefile, GeoJSON, TopoJSON, FlatGeobuf, GML, ...) into the\n"
        "workspace, reprojected to its working CRS. Z/M are dropped, invalid\n"
        "polygons repaired (and counted); empty or non-areal features are\n"
        "an error. Areas with an id already in the workspace are replaced;\n"
        "others are kept. On any error nothing is changed.\n\n"
        "Options:\n"
        "  -l, --layer LAYER       layer to read (needed when SRC has "
        "several)\n"
        "      --id FIELD          field holding the area id (required; text)\n"
        "      --name FIELD        field holding the area's name\n"
        "      --municipality FIELD  field holding the municipality code\n"
        "      --region FIELD      field holding the region code\n"
        "      --src-crs CRS       source CRS (e.g. EPSG:25832); needed when\n"
        "                          SRC has none, overrides it otherwise\n"
        "      --dissolve          merge features with the same id into one\n"
        "                          area (else a repeated id is an error)\n"
        "      --config FILE       project file: WORKSPACE from [project]\n"
        "                          workspace, SRC and the options from\n"
        "                          [areas] (source, layer, id, name,\n"
        "                          municipality, region, src_crs, dissolve);\n"
        "                          arguments and options given here win\n"
        "  -h, --help              this help\n"));
}

static const char cmd[] = "import areas";

/* Reads the options into *o and *config and checks the count of
 * arguments (WORKSPACE SRC, or none with --config). -1 to go on, with
 * optind at the arguments; else the exit status (after --help, or a usage
 * error printed). */
static int
parse(int argc, char **argv, nbl_areas_opts *o, const char **config)
{
    static const struct option opts[] = {
        {"layer", required_argument, 0, 'l'},
        {"id", required_argument, 0, 'i'},
        {"name", required_argument, 0, 'n'},
        {"municipality", required_argument, 0, 'm'},
        {"region", required_argument, 0, 'r'},
        {"src-crs", required_argument, 0, 's'},
        {"dissolve", no_argument, 0, 'd'},
        {"config", required_argument, 0, 'C'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "hl:", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o->layer = optarg;
            break;
        case 'i':
            o->id_field = optarg;
            break;
        case 'n':
            o->name_field = optarg;
            break;
        case 'm':
            o->municipality_field = optarg;
            break;
        case 'r':
            o->region_field = optarg;
            break;
        case 's':
            o->src_crs = optarg;
            break;
        case 'd':
            o->dissolve = 1;
            break;
        case 'C':
            *config = optarg;
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
 * workspace, [areas] source); checks that there is a source and an id
 * field. 0, or the exit status of the usage error (printed). */
static int
inputs(int argc, char **argv, const char *config, const nbl_project *p,
       const nbl_areas_opts *o, const char **wspath, const char **src)
{
    cli_ws_src(argc, argv, p, p ? p->areas_source : NULL, wspath, src);
    if (!*src)
        return cli_usage(cmd, "%s: [areas] source is not set", config);
    if (!o->id_field || !*o->id_field)
        return cli_usage(cmd, "--id FIELD is required");
    return CLI_OK;
}

/* The summary line, each count in its own plural form. */
static void
print_summary(const char *src, const nbl_areas_summary *s)
{
    char p[6][96];
    NBL_COUNT(p[0], "%ld feature read", "%ld features read", s->features_read);
    NBL_COUNT(p[1], "%ld area stored", "%ld areas stored", s->areas_stored);
    NBL_COUNT(p[2], "%ld inserted", "%ld inserted", s->inserted);
    NBL_COUNT(p[3], "%ld updated", "%ld updated", s->updated);
    NBL_COUNT(p[4], "%ld part dissolved", "%ld parts dissolved",
              s->parts_dissolved);
    NBL_COUNT(p[5], "%ld geometry repaired", "%ld geometries repaired",
              s->repaired);
    /* TRANSLATORS: features read, areas stored (inserted, updated), parts
     * dissolved, geometries repaired */
    cli_info("import areas: %s: %s, %s (%s, %s), %s, %s", src, p[0], p[1], p[2],
             p[3], p[4], p[5]);
}

int
cmd_import_areas(int argc, char **argv)
{
    nbl_areas_opts o;
    nbl_areas_summary sum;
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    nbl_project *p = NULL;
    const char *config = NULL, *wspath, *src;
    int rc;

    memset(&o, 0, sizeof o);
    if ((rc = parse(argc, argv, &o, &config)) >= 0)
        return rc;
    ctx = cli_ctx_new();
    rc = cli_project_load(ctx, config, &p);
    if (rc == CLI_OK && p)
        nbl_project_areas_opts(p, &o);
    if (rc == CLI_OK)
        rc = inputs(argc, argv, config, p, &o, &wspath, &src);
    if (rc == CLI_OK) {
        rc = nbl_ws_open(&ws, ctx, wspath);
        if (rc == NBL_OK)
            rc = nbl_import_areas(ws, src, &o, &sum);
        rc = rc ? cli_fail(ctx, rc) : CLI_OK;
    }
    if (rc == CLI_OK)
        print_summary(src, &sum);
    nbl_ws_free(ws);
    nbl_project_free(p);
    nbl_ctx_free(ctx);
    return rc;
}
