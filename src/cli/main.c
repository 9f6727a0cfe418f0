/*
 * main.c - `nabolag [GLOBAL] COMMAND [SUB] [OPTIONS] ARGS`: global options
 * and dispatch to the cmd_<name>.c files.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "create a workspace"},
    {"import", cmd_import,
     "import areas, stats, refs, incidents or plans into a workspace"},
    {"compute", cmd_compute, "evaluate the statutory criteria and indices"},
    {"alerts", cmd_alerts, "list early-warning alerts for a year"},
    {"export", cmd_export, "write GeoJSON/GeoPackage layers with QGIS styles"},
    {"plans", cmd_plans, "compare area plans (helhedsplaner)"},
    {"report", cmd_report, "write an HTML report"},
    {"info", cmd_info, "print a JSON summary of a workspace"},
    {"run", cmd_run, "run the whole pipeline from a project file"},
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: nabolag [--quiet|--progress] COMMAND [OPTIONS] ARGS\n"
               "       nabolag --version\n\n"
               "Monitors housing areas: statutory criteria, area profiles,\n"
               "safety index, early-warning alerts and QGIS layers.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'nabolag COMMAND --help' for a command's options.\n"
               "Exit status: 0 ok, 1 error, 2 usage error, 3 alerts raised "
               "(with --fail-on-alert).\n");
}

int
main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            cli_g.quiet = 1;
        } else if (strcmp(argv[i], "--progress") == 0) {
            cli_g.progress = 1;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("nabolag %s\n%s\n", nbl_version(), nbl_library_versions());
            return CLI_OK;
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return CLI_OK;
        } else {
            fprintf(stderr, "nabolag: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (strcmp(argv[i], commands[c].name) == 0)
            return commands[c].fn(argc - i, argv + i);
    fprintf(stderr, "nabolag: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return CLI_USAGE;
}
