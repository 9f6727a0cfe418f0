/*
 * cli.h - shared by the command files: context set-up with messages on
 * stderr, progress on a terminal, exit codes, and usage errors.
 *
 * Exit status: 0 success; 1 runtime or data error; 2 usage error; 3 alerts
 * were raised and --fail-on-alert was given.
 */
#ifndef NBL_CLI_H
#define NBL_CLI_H

#include <stdio.h>

#include "nabolag/nabolag.h"

enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2, CLI_ALERTS = 3 };

/** Global options, set by main before the command runs. */
struct cli_globals {
    int quiet;    /* --quiet: no progress, no info lines */
    int progress; /* --progress: force progress even when not a terminal */
    double wait;  /* --wait SECONDS (< 0: not given) */
    int lang_set; /* --lang given: wins over [project] language */
};
extern struct cli_globals cli_g;

/** A context logging to stderr, with progress when appropriate. */
nbl_ctx *cli_ctx_new(void);

/** Prints "nabolag: <ctx error>" to stderr, returns the exit status
 * (2 for NBL_EINVAL, 1 otherwise). */
int cli_fail(nbl_ctx *ctx, int rc);

/** Prints "nabolag <cmd>: <message>" and a hint to use --help; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Applies [project] language of a project or config file to the output
 * language unless --lang was given. 0, or the exit status after an error
 * (printed). path NULL: nothing to do. */
int cli_config_language(nbl_ctx *ctx, const char *path);

/** Loads the project file of --config FILE into *p (NULL when config is
 * NULL; the caller frees it). 0, or the exit status after an error
 * (printed). */
int cli_project_load(nbl_ctx *ctx, const char *config, nbl_project **p);

/** For a command taking WORKSPACE SRC, or --config FILE instead of both:
 * checks the count of arguments left after its options (from optind).
 * 0, or the exit status of the usage error (printed). */
int cli_ws_src_args(const char *cmd, int argc, const char *config);

/** Their WORKSPACE and SRC: the two arguments, or when there are none,
 * [project] workspace of p and source, the source p's section names (p may
 * be NULL only when the arguments are given). */
void cli_ws_src(int argc, char **argv, const nbl_project *p, const char *source,
                const char **ws, const char **src);

/** Parses a year option value; 0 on success, prints a usage error else. */
int cli_parse_int(const char *cmd, const char *opt, const char *s, int *out);

/** The value of a delimiter option opt (--csv-delimiter of the outputs,
 * --delimiter of the CSV inputs): ',', ';' or a tab ("tab", "\\t" or a tab
 * character); 0 after a usage error (printed). */
char cli_csv_delimiter(const char *cmd, const char *opt, const char *s);

/** One of the options of a command that writes -f csv, by the code its
 * option table gives it: 'd' --csv-delimiter v, 'b' --bom, 'x' --excel
 * (what a Danish Excel reads: ';', the BOM and decimal commas), into *st.
 * 0, or CLI_USAGE after a usage error (printed). */
int cli_csv_style_opt(const char *cmd, int code, const char *v,
                      nbl_csv_style *st);

/** The usage error (printed) when st holds CSV options but the format is
 * not CSV (is_csv 0), as its exit status; else 0. */
int cli_csv_style_check(const char *cmd, const nbl_csv_style *st, int is_csv);

/** Prints an informational line to stderr unless --quiet. */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** True when argv contains -h or --help before "--". */
int cli_wants_help(int argc, char **argv);

/* Commands: each lives in cmd_<name>.c and takes argv[0] = command name. */
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_import_areas(int argc, char **argv);
int cmd_import_stats(int argc, char **argv);
int cmd_import_refs(int argc, char **argv);
int cmd_import_incidents(int argc, char **argv);
int cmd_import_plans(int argc, char **argv);
int cmd_import_grid(int argc, char **argv);
int cmd_compute(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_plans(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_area(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
