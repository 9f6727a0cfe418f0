/*
 * cmd_import.c - `nabolag import KIND ...`: dispatch to the import kinds.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"

int
cmd_import(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
        const char *summary;
    } kinds[] = {
        {"areas", cmd_import_areas,
         N_("housing-area polygons (any GDAL source)")},
        {"stats", cmd_import_stats,
         N_("resident statistics (CSV, long or wide)")},
        {"refs", cmd_import_refs, N_("country/region/municipality references")},
        {"incidents", cmd_import_incidents, N_("incident points")},
        {"plans", cmd_import_plans, N_("area plans (CSV or polygons)")},
        {"grid", cmd_import_grid,
         N_("grid statistics (kvadratnet) into areas")},
    };
    if (argc >= 2) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (strcmp(argv[1], kinds[k].name) == 0)
                return kinds[k].fn(argc - 1, argv + 1);
    }
    {
        int help =
            argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        FILE *out = help ? stdout : stderr;
        if (argc >= 2 && !help)
            fprintf(stderr, _("nabolag import: unknown kind '%s'\n"), argv[1]);
        fputs(_("usage: nabolag import KIND WORKSPACE SOURCE [OPTIONS]\n\n"
                "Kinds:\n"),
              out);
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            fprintf(out, "  %-10s %s\n", kinds[k].name, _(kinds[k].summary));
        fputs(_("\nRun 'nabolag import KIND --help' for a kind's options.\n"),
              out);
        return help ? CLI_OK : CLI_USAGE;
    }
}
