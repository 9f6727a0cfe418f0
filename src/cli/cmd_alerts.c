/*
 * cmd_alerts.c - `nabolag alerts WORKSPACE`: evaluates the alert rules for a
 * year, stores the alerts with their states, prints them (text, CSV, JSON,
 * GeoJSON) and optionally delivers the new ones (webhook or e-mail).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "nabolag/alerts.h"

static const char *const usage = N_(
    "usage: nabolag alerts WORKSPACE [--year Y] [--since Y] [--ruleset R]\n"
    "                      [-f text|csv|json|geojson] [-o OUT] [--overwrite]\n"
    "                      [--csv-delimiter D] [--bom] [--excel]\n"
    "                      [--fail-on-alert | --fail-on new|any]\n"
    "                      [--notify URL]\n"
    "                      [--mail-to ADDR] [--mail-from ADDR]\n"
    "                      [--smtp-user USER] [--ca-file FILE]\n"
    "                      [--credentials FILE] [--config FILE]\n"
    "\n"
    "Evaluates the early-warning rules for a year against the computed\n"
    "results, stores the alerts with their state (new, ongoing, resolved)\n"
    "and prints them. Re-running a year changes nothing.\n"
    "\n"
    "  --year Y         year to evaluate (default: latest year with results)\n"
    "  --since Y        also show the stored alerts of years Y..year\n"
    "  --ruleset R      ruleset whose results to use (default: the last\n"
    "                   computed one)\n"
    "  -f, --format F   text (default), csv, json or geojson\n"
    "  -o, --output OUT output file (default: standard output, '-')\n"
    "  --overwrite      replace an existing output file\n"
    "  --csv-delimiter D\n"
    "                   -f csv: ',' (default), ';' or tab between fields\n"
    "  --bom            -f csv: start with a UTF-8 byte-order mark\n"
    "  --excel          -f csv for a Danish Excel: ';', the BOM and decimal\n"
    "                   commas (also [alerts] csv_delimiter, bom, excel)\n"
    "  --fail-on-alert  exit 3 when the year has new or ongoing alerts of\n"
    "                   severity warning or critical (= --fail-on any)\n"
    "  --fail-on new    exit 3 only when the year has NEW warning or\n"
    "                   critical alerts (a cron job that mails once);\n"
    "                   also [alerts] fail_on = new|any\n"
    "  --notify URL     deliver the new, undelivered alerts: http(s)://...\n"
    "                   POSTs JSON; smtp://host:port sends an e-mail\n"
    "  --mail-to ADDR   e-mail recipient(s), comma-separated (with smtp)\n"
    "  --mail-from ADDR e-mail sender (default nabolag@localhost)\n"
    "  --smtp-user USER SMTP login; the password comes from\n"
    "                   NABOLAG_SMTP_PASSWORD, the credentials file or\n"
    "                   ~/.netrc, never from the URL\n"
    "  --ca-file FILE   PEM certificate(s) of your own certificate authority\n"
    "                   (certificates are always verified)\n"
    "  --credentials FILE\n"
    "                   INI file with a [credentials] section (smtp_password,\n"
    "                   webhook_secret); must be mode 0600\n"
    "  --config FILE    INI file; its [alerts] section overrides the rules\n"
    "                   (margin, trend_years, horizon, severities, ...) and\n"
    "                   its [disclosure] section the disclosure control\n"
    "  --internal-unsuppressed\n"
    "                   no disclosure control: values and messages of small\n"
    "                   areas are shown; the output is marked FOR INTERNAL\n"
    "                   USE ONLY and is never delivered\n"
    "\n"
    "Exit status: 0 ok, 1 error (including a failed delivery), 2 usage,\n"
    "3 alerts raised with --fail-on-alert / --fail-on.\n"
    "See docs/alerts.md for every rule.\n");

static const char *
basename_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

enum {
    O_YEAR = 256,
    O_SINCE,
    O_RULESET,
    O_OVERWRITE,
    O_FAIL,
    O_FAIL_ON,
    O_NOTIFY,
    O_MAILTO,
    O_MAILFROM,
    O_SMTPUSER,
    O_CAFILE,
    O_CREDENTIALS,
    O_CONFIG,
    O_INTERNAL
};

static const struct option alert_opts[] = {
    {"year", required_argument, NULL, O_YEAR},
    {"since", required_argument, NULL, O_SINCE},
    {"ruleset", required_argument, NULL, O_RULESET},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"overwrite", no_argument, NULL, O_OVERWRITE},
    {"fail-on-alert", no_argument, NULL, O_FAIL},
    {"fail-on", required_argument, NULL, O_FAIL_ON},
    {"notify", required_argument, NULL, O_NOTIFY},
    {"mail-to", required_argument, NULL, O_MAILTO},
    {"mail-from", required_argument, NULL, O_MAILFROM},
    {"smtp-user", required_argument, NULL, O_SMTPUSER},
    {"ca-file", required_argument, NULL, O_CAFILE},
    {"credentials", required_argument, NULL, O_CREDENTIALS},
    {"config", required_argument, NULL, O_CONFIG},
    {"internal-unsuppressed", no_argument, NULL, O_INTERNAL},
    {"csv-delimiter", required_argument, NULL, 'd'}, /* cli_csv_style_opt */
    {"bom", no_argument, NULL, 'b'},
    {"excel", no_argument, NULL, 'x'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* The command line of `nabolag alerts`. fail: 0 none, 1 any (new or
 * ongoing), 2 new only. csv: the CSV options given (delimiter 0: not
 * given), applied over the config's. */
struct args {
    int year, since, fmt, overwrite, fail, internal;
    nbl_csv_style csv;
    const char *ruleset, *out, *notify, *mail_to, *mail_from, *config,
        *workspace;
    const char *smtp_user, *ca_file, *credentials; /* delivery */
};

static int
parse_fail_on(const char *v, int *fail)
{
    if (strcmp(v, "new") == 0)
        *fail = 2;
    else if (strcmp(v, "any") == 0)
        *fail = 1;
    else
        return cli_usage("alerts", "--fail-on: expected new or any, not '%s'",
                         v);
    return -1;
}

/* One option into a; -1 to go on, else the exit status. */
static int
take_opt(int c, const char *v, struct args *a)
{
    switch (c) {
    case 'd':
    case 'b':
    case 'x':
        return cli_csv_style_opt("alerts", c, v, &a->csv) ? CLI_USAGE : -1;
    case O_YEAR:
        return cli_parse_int("alerts", "--year", v, &a->year) ? CLI_USAGE : -1;
    case O_SINCE:
        return cli_parse_int("alerts", "--since", v, &a->since) ? CLI_USAGE
                                                                : -1;
    case 'f':
        a->fmt = nbl_alerts_format_parse(v);
        if (a->fmt < 0)
            return cli_usage("alerts",
                             "-f: expected text, csv, json or geojson, not "
                             "'%s'",
                             v);
        return -1;
    case O_FAIL_ON:
        return parse_fail_on(v, &a->fail);
    case O_RULESET:
        a->ruleset = v;
        return -1;
    case 'o':
        a->out = v;
        return -1;
    case O_OVERWRITE:
        a->overwrite = 1;
        return -1;
    case O_FAIL:
        a->fail = 1;
        return -1;
    case O_NOTIFY:
        a->notify = v;
        return -1;
    case O_MAILTO:
        a->mail_to = v;
        return -1;
    case O_MAILFROM:
        a->mail_from = v;
        return -1;
    case O_SMTPUSER:
        a->smtp_user = v;
        return -1;
    case O_CAFILE:
        a->ca_file = v;
        return -1;
    case O_CREDENTIALS:
        a->credentials = v;
        return -1;
    case O_CONFIG:
        a->config = v;
        return -1;
    case O_INTERNAL:
        a->internal = 1;
        return -1;
    default:
        return cli_usage("alerts", "unknown option");
    }
}

static int
parse_args(int argc, char **argv, struct args *a)
{
    int c, r;
    memset(a, 0, sizeof *a);
    a->fmt = NBL_ALERTS_TEXT;
    a->out = "-";
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", alert_opts, NULL)) != -1)
        if ((r = take_opt(c, optarg, a)) >= 0)
            return r;
    if (optind != argc - 1)
        return cli_usage("alerts", "expected one WORKSPACE argument");
    if (cli_csv_style_check("alerts", &a->csv, a->fmt == NBL_ALERTS_CSV))
        return CLI_USAGE;
    if (a->since && a->year && a->since > a->year)
        return cli_usage("alerts", "--since %d is after --year %d", a->since,
                         a->year);
    a->workspace = argv[optind];
    return -1;
}

/* The [alerts] config and the delivery settings; -1 to go on, else the
 * exit status (printed). */
static int
settle_config(nbl_ctx *ctx, struct args *a, nbl_alert_config *cfg)
{
    int rc;
    if (a->config && (rc = nbl_alert_config_load(cfg, ctx, a->config)) != 0)
        return cli_fail(ctx, rc);
    if (!a->mail_to)
        a->mail_to = cfg->mail_to;
    if (!a->mail_from)
        a->mail_from = cfg->mail_from;
    if (!a->fail && cfg->fail_on_alert)
        a->fail = cfg->fail_on_new ? 2 : 1;
    if (a->internal && a->notify)
        return cli_usage("alerts", "--internal-unsuppressed output is for "
                                   "internal use and is not delivered: drop "
                                   "--notify");
    if (!a->notify)
        a->notify = cfg->notify;
    if (a->internal && a->notify) {
        fprintf(stderr, "%s",
                _("nabolag: warning: [alerts] notify is skipped: "
                  "--internal-unsuppressed output is not delivered\n"));
        a->notify = NULL;
        a->mail_to = NULL;
    }
    if (a->internal) {
        cfg->internal_unsuppressed = 1;
        fprintf(stderr, "%s",
                _("nabolag: warning: --internal-unsuppressed: disclosure "
                  "control is OFF; the output is for internal use only, not "
                  "for publication\n"));
    }
    if (a->mail_to && !a->notify)
        return cli_usage("alerts", "--mail-to needs --notify smtp://HOST:PORT");
    return -1;
}

/* Exit 3 when the evaluated year (not the --since years) has what --fail-on
 * asks for. */
static int
fail_status(const struct args *a, const nbl_alert_list *list, int year)
{
    for (size_t i = 0; a->fail && i < list->n; i++) {
        nbl_alert_list one = {0};
        one.items = &list->items[i];
        one.n = 1;
        if (list->items[i].year == year &&
            (a->fail == 2 ? nbl_alerts_raised_new(&one)
                          : nbl_alerts_raised(&one)))
            return CLI_ALERTS;
    }
    return CLI_OK;
}

/* Evaluation and output are one transaction: if the output cannot be
 * written, the alert states stay as they were (nbl_ws_free rolls an open
 * transaction back). */
static int
evaluate_and_write(nbl_ws *ws, nbl_ctx *ctx, struct args *a,
                   const nbl_alert_config *cfg, nbl_alert_list **list,
                   int *year)
{
    char *rs = NULL;
    int rc = nbl_ws_begin(ws);
    *year = a->year;
    if (rc == NBL_OK)
        rc = nbl_alerts_evaluate(ws, cfg, a->ruleset, a->year, year, &rs);
    if (rc)
        return cli_fail(ctx, rc);
    if (a->since > *year) {
        free(rs);
        return cli_usage("alerts", "--since %d is after the year %d", a->since,
                         *year);
    }
    rc = nbl_alerts_list(ws, cfg, rs, a->since ? a->since : *year, *year, list);
    free(rs);
    if (rc == NBL_OK) {
        nbl_csv_style *st = &(*list)->csv;
        if (a->csv.delimiter)
            st->delimiter = a->csv.delimiter;
        st->bom |= a->csv.bom;
        st->decimal_comma |= a->csv.decimal_comma;
        free((*list)->workspace_name);
        (*list)->workspace_name = strdup(
            cfg->project_name ? cfg->project_name : basename_of(a->workspace));
        rc = nbl_alerts_write_file(ws, ctx, *list, (nbl_alerts_format)a->fmt,
                                   a->out, a->overwrite);
    }
    if (rc == NBL_OK)
        rc = nbl_ws_commit(ws);
    return rc ? cli_fail(ctx, rc) : -1;
}

static int
deliver(nbl_ws *ws, nbl_ctx *ctx, const struct args *a,
        const nbl_alert_config *cfg, const nbl_alert_list *list)
{
    size_t sent = 0;
    nbl_notify_opts no = {0};
    int rc;
    no.url = a->notify;
    no.mail_to = a->mail_to;
    no.mail_from = a->mail_from;
    no.smtp_user = a->smtp_user;
    no.ca_file = a->ca_file;
    no.credentials = a->credentials;
    nbl_notify_opts_fill(&no, cfg); /* the config's where the line is silent */
    rc = nbl_alerts_notify(ws, cfg, list, &no, &sent);
    if (rc)
        return cli_fail(ctx, rc);
    cli_info(_n("nabolag: delivered %zu new alert to %s",
                "nabolag: delivered %zu new alerts to %s", sent),
             sent, a->notify);
    return -1;
}

int
cmd_alerts(int argc, char **argv)
{
    struct args a;
    nbl_alert_config cfg;
    nbl_ctx *ctx = NULL;
    nbl_ws *ws = NULL;
    nbl_alert_list *list = NULL;
    int rc, year = 0, status;

    if (cli_wants_help(argc, argv)) {
        fputs(_(usage), stdout);
        return CLI_OK;
    }
    if ((status = parse_args(argc, argv, &a)) >= 0)
        return status;
    ctx = cli_ctx_new();
    if ((status = cli_config_language(ctx, a.config)) != CLI_OK) {
        nbl_ctx_free(ctx);
        return status;
    }
    if ((rc = nbl_alert_config_init(&cfg, ctx)) != 0) {
        status = cli_fail(ctx, rc);
        nbl_ctx_free(ctx);
        return status;
    }
    status = settle_config(ctx, &a, &cfg);
    if (status < 0 && (rc = nbl_ws_open(&ws, ctx, a.workspace)) != 0)
        status = cli_fail(ctx, rc);
    if (status < 0)
        status = evaluate_and_write(ws, ctx, &a, &cfg, &list, &year);
    if (status < 0 && a.notify)
        status = deliver(ws, ctx, &a, &cfg, list);
    if (status < 0)
        status = fail_status(&a, list, year);
    nbl_alert_list_free(list);
    nbl_ws_free(ws);
    nbl_alert_config_clear(&cfg);
    nbl_ctx_free(ctx);
    return status;
}
