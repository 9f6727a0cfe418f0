/*
 * cmd_init.c - `nabolag init WORKSPACE [--crs EPSG:25832]`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "util/i18n.h"

static void
help(void)
{
    printf(
        _("usage: nabolag init WORKSPACE [--crs EPSG:CODE]\n\n"
          "Creates a new workspace (a SpatiaLite file). All areas, overlays\n"
          "and point-in-polygon work happen in its working CRS, a projected\n"
          "CRS in metres; default EPSG:25832 (ETRS89 / UTM zone 32N). A CRS\n"
          "that is not projected in metres, or whose scale error changes\n"
          "areas by more than 1 %% over its area of use (Web Mercator\n"
          "EPSG:3857), is refused.\n"));
}

int
cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"crs", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int srid = NBL_DEFAULT_SRID, c, rc;
    nbl_ctx *ctx;
    nbl_ws *ws;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': {
            const char *s = optarg;
            if (strncasecmp(s, "EPSG:", 5) == 0)
                s += 5;
            if (cli_parse_int("init", "--crs", s, &srid))
                return CLI_USAGE;
            break;
        }
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage("init", "invalid option");
        }
    }
    if (argc - optind != 1)
        return cli_usage("init", "expected one WORKSPACE argument");
    ctx = cli_ctx_new();
    rc = nbl_crs_check_working(ctx, srid);
    if (rc == NBL_OK)
        rc = nbl_ws_create(&ws, ctx, argv[optind], srid);
    if (rc) {
        rc = cli_fail(ctx, rc);
        nbl_ctx_free(ctx);
        return rc;
    }
    cli_info("created workspace %s (working CRS EPSG:%d)", argv[optind], srid);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return CLI_OK;
}
