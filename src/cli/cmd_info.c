/*
 * cmd_info.c - `nabolag info WORKSPACE`: JSON summary on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/i18n.h"

/* The workspace holds unsuppressed figures: say so when others can read
 * it (docs/outputs.md, "Data protection"). */
static void
warn_if_readable(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || (st.st_mode & 044) == 0)
        return;
    fprintf(stderr,
            _("nabolag: warning: %s: mode %04o: %s can read this workspace, "
              "which holds unsuppressed figures (small counts, small areas); "
              "make it private: chmod 600 %s\n"),
            path, (unsigned)(st.st_mode & 07777),
            (st.st_mode & 004) ? _("every user of this machine")
                               : _("its group"),
            path);
}

int
cmd_info(int argc, char **argv)
{
    nbl_ctx *ctx;
    nbl_ws *ws = NULL;
    char *json = NULL;
    int rc;
    if (cli_wants_help(argc, argv)) {
        printf(
            _("usage: nabolag info WORKSPACE\n\n"
              "Prints a JSON summary of the workspace: CRS, areas, years,\n"
              "variables, references, imports, computed rulesets, "
              "alerts.\n"
              "Warns when the workspace file is readable by other users.\n"));
        return CLI_OK;
    }
    if (argc != 2)
        return cli_usage("info", "expected one WORKSPACE argument");
    ctx = cli_ctx_new();
    rc = nbl_ws_open(&ws, ctx, argv[1]);
    if (rc == NBL_OK) {
        warn_if_readable(argv[1]);
        rc = nbl_ws_info_json(ws, &json);
    }
    if (rc == NBL_OK)
        printf("%s\n", json);
    else
        rc = cli_fail(ctx, rc);
    free(json);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
