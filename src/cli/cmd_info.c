/*
 * cmd_info.c - `nabolag info WORKSPACE`: JSON summary on stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int
cmd_info(int argc, char **argv)
{
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    char *json = NULL;
    int rc;
    if (cli_wants_help(argc, argv)) {
        printf("usage: nabolag info WORKSPACE\n\n"
               "Prints a JSON summary of the workspace: CRS, areas, years,\n"
               "variables, references, imports, computed rulesets, "
               "alerts.\n");
        return CLI_OK;
    }
    if (argc != 2)
        return cli_usage("info", "expected one WORKSPACE argument");
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[1]);
    if (rc == NBL_OK)
        rc = nbl_ws_info_json(ws, &json);
    if (rc == NBL_OK)
        printf("%s\n", json);
    else
        rc = cli_fail(ctx, rc);
    free(json);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
