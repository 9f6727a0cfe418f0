/*
 * main.c - `nabolag [GLOBAL] COMMAND [SUB] [OPTIONS] ARGS`: global options
 * and dispatch to the cmd_<name>.c files.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"
#include "util/i18n.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"init", cmd_init, N_("create a workspace")},
    {"import", cmd_import,
     N_("import areas, stats, refs, incidents or plans into a workspace")},
    {"compute", cmd_compute, N_("evaluate the statutory criteria and indices")},
    {"alerts", cmd_alerts, N_("list early-warning alerts for a year")},
    {"export", cmd_export,
     N_("write GeoJSON/GeoPackage layers with QGIS styles")},
    {"plans", cmd_plans, N_("compare area plans (helhedsplaner)")},
    {"report", cmd_report, N_("write an HTML report")},
    {"area", cmd_area, N_("print one area's history (its area card)")},
    {"info", cmd_info, N_("print a JSON summary of a workspace")},
    {"run", cmd_run, N_("run the whole pipeline from a project file")},
};

static void
usage(FILE *f)
{
    fputs(_("usage: nabolag [--quiet|--progress] [--lang da|en] COMMAND "
            "[OPTIONS] ARGS\n"
            "       nabolag --version\n\n"
            "Monitors housing areas: statutory criteria, area profiles,\n"
            "safety index, early-warning alerts and QGIS layers.\n\n"
            "Commands:\n"),
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_("\nRun 'nabolag COMMAND --help' for a command's options.\n"
            "--lang sets the language of the outputs people read and of the\n"
            "messages (default: Danish outputs; messages after LANG).\n"
            "Exit status: 0 ok, 1 error, 2 usage error, 3 alerts raised "
            "(with --fail-on-alert).\n"),
          f);
    fputs(_("--wait SECONDS (any command, default 60): how long a command\n"
            "that writes waits for another nabolag writing the same\n"
            "workspace or output folder before giving up.\n"),
          f);
}

/* Takes --lang LANG / --lang=LANG out of argv wherever it is (before
 * "--"): it sets the output and the message language. 0, or -1 after a
 * usage error. */
static int
take_lang(int *argc, char **argv)
{
    int o = 1;
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[o++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--lang") == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "%s", _("nabolag: --lang needs da or en\n"));
                return -1;
            }
            v = argv[++i];
        } else if (strncmp(argv[i], "--lang=", 7) == 0)
            v = argv[i] + 7;
        if (!v) {
            argv[o++] = argv[i];
            continue;
        }
        if (nbl_lang_parse(v) < 0) {
            fprintf(stderr, _("nabolag: --lang: expected da or en, got '%s'\n"),
                    v);
            return -1;
        }
        nbl_set_output_language((nbl_lang)nbl_lang_parse(v));
        nbl_set_message_language((nbl_lang)nbl_lang_parse(v));
        cli_g.lang_set = 1;
    }
    argv[o] = NULL;
    *argc = o;
    return 0;
}

/* `--wait SECONDS` (or --wait=SECONDS), accepted anywhere before "--" by
 * every command (the commands that write use it): how long to wait for
 * another nabolag writing the same workspace or output folder. Taken out
 * of argv here so that each command's option table need not repeat it.
 * Returns 0, or 2 after a usage error. */
static int
bad_wait(const char *v)
{
    fprintf(stderr,
            "nabolag: --wait: expected seconds (0 to 1000000), not '%s'\n", v);
    return CLI_USAGE;
}

static int
take_wait(int *argc, char **argv)
{
    int out = 1;
    cli_g.wait = -1;
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strncmp(argv[i], "--wait=", 7) == 0)
            v = argv[i] + 7;
        else if (strcmp(argv[i], "--wait") == 0) {
            if (i + 1 >= *argc)
                return bad_wait("");
            v = argv[++i];
        }
        if (!v) {
            argv[out++] = argv[i];
            continue;
        }
        if (!nbl__parse_double(v, '.', &cli_g.wait) ||
            !(cli_g.wait >= 0 && cli_g.wait <= 1e6))
            return bad_wait(v);
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

int
main(int argc, char **argv)
{
    int i = 1;
    nbl_set_message_language(nbl_lang_from_env());
    if (take_lang(&argc, argv) || take_wait(&argc, argv))
        return CLI_USAGE;
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
            fprintf(stderr, _("nabolag: unknown option '%s'\n"), argv[i]);
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
    fprintf(stderr, _("nabolag: unknown command '%s'\n"), argv[i]);
    usage(stderr);
    return CLI_USAGE;
}
