/*
 * cmd_import_stats.c - placeholder until the command is built; replace this
 * file.
 */
#include <stdio.h>

#include "cli.h"

int
cmd_import_stats(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "nabolag: %s: not implemented yet\n", argv[0]);
    return CLI_ERROR;
}

int
cmd_import_refs(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "nabolag: %s: not implemented yet\n", argv[0]);
    return CLI_ERROR;
}
