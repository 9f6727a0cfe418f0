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
#include "nabolag/alerts.h"

static const char usage[] =
    "usage: nabolag alerts WORKSPACE [--year Y] [--since Y] [--ruleset R]\n"
    "                      [-f text|csv|json|geojson] [-o OUT] [--overwrite]\n"
    "                      [--fail-on-alert] [--notify URL]\n"
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
    "  --fail-on-alert  exit 3 when the year has new or ongoing alerts of\n"
    "                   severity warning or critical\n"
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
    "3 alerts raised with --fail-on-alert.\n"
    "See docs/alerts.md for every rule.\n";

static const char *
basename_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The command line. */
struct alerts_args {
    int year, since, fmt, overwrite, fail, internal;
    const char *ruleset, *out, *config, *workspace;
    nbl_notify_opts notify;
};

enum {
    O_YEAR = 256,
    O_SINCE,
    O_RULESET,
    O_OVERWRITE,
    O_FAIL,
    O_NOTIFY,
    O_MAILTO,
    O_MAILFROM,
    O_SMTPUSER,
    O_CAFILE,
    O_CREDENTIALS,
    O_CONFIG,
    O_INTERNAL
};

static const struct option opts[] = {
    {"year", required_argument, NULL, O_YEAR},
    {"since", required_argument, NULL, O_SINCE},
    {"ruleset", required_argument, NULL, O_RULESET},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"overwrite", no_argument, NULL, O_OVERWRITE},
    {"fail-on-alert", no_argument, NULL, O_FAIL},
    {"notify", required_argument, NULL, O_NOTIFY},
    {"mail-to", required_argument, NULL, O_MAILTO},
    {"mail-from", required_argument, NULL, O_MAILFROM},
    {"smtp-user", required_argument, NULL, O_SMTPUSER},
    {"ca-file", required_argument, NULL, O_CAFILE},
    {"credentials", required_argument, NULL, O_CREDENTIALS},
    {"config", required_argument, NULL, O_CONFIG},
    {"internal-unsuppressed", no_argument, NULL, O_INTERNAL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* One option into a; CLI_OK, or the usage status. */
static int
parse_opt(struct alerts_args *a, int c, const char *v)
{
    switch (c) {
    case O_YEAR:
        return cli_parse_int("alerts", "--year", v, &a->year) ? CLI_USAGE
                                                              : CLI_OK;
    case O_SINCE:
        return cli_parse_int("alerts", "--since", v, &a->since) ? CLI_USAGE
                                                                : CLI_OK;
    case 'f':
        a->fmt = nbl_alerts_format_parse(v);
        if (a->fmt < 0)
            return cli_usage("alerts",
                             "-f: expected text, csv, json or geojson, not "
                             "'%s'",
                             v);
        return CLI_OK;
    case O_RULESET:
        a->ruleset = v;
        break;
    case 'o':
        a->out = v;
        break;
    case O_OVERWRITE:
        a->overwrite = 1;
        break;
    case O_FAIL:
        a->fail = 1;
        break;
    case O_NOTIFY:
        a->notify.url = v;
        break;
    case O_MAILTO:
        a->notify.mail_to = v;
        break;
    case O_MAILFROM:
        a->notify.mail_from = v;
        break;
    case O_SMTPUSER:
        a->notify.smtp_user = v;
        break;
    case O_CAFILE:
        a->notify.ca_file = v;
        break;
    case O_CREDENTIALS:
        a->notify.credentials = v;
        break;
    case O_CONFIG:
        a->config = v;
        break;
    case O_INTERNAL:
        a->internal = 1;
        break;
    default:
        return cli_usage("alerts", "unknown option");
    }
    return CLI_OK;
}

static int
parse_args(struct alerts_args *a, int argc, char **argv)
{
    int c, rc;
    memset(a, 0, sizeof *a);
    a->fmt = NBL_ALERTS_TEXT;
    a->out = "-";
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1)
        if ((rc = parse_opt(a, c, optarg)) != CLI_OK)
            return rc;
    if (optind != argc - 1)
        return cli_usage("alerts", "expected one WORKSPACE argument");
    if (a->since && a->year && a->since > a->year)
        return cli_usage("alerts", "--since %d is after --year %d", a->since,
                         a->year);
    a->workspace = argv[optind];
    return CLI_OK;
}

/* The config's delivery settings where the command line left them unset;
 * what --internal-unsuppressed turns off. CLI_OK or the usage status. */
static int
settle_delivery(struct alerts_args *a, nbl_alert_config *cfg)
{
    int from_cli = a->notify.url != NULL;
    if (a->internal && from_cli)
        return cli_usage("alerts", "--internal-unsuppressed output is for "
                                   "internal use and is not delivered: drop "
                                   "--notify");
    nbl_notify_opts_fill(&a->notify, cfg);
    if (cfg->fail_on_alert)
        a->fail = 1;
    if (a->internal && a->notify.url) {
        fprintf(stderr, "nabolag: warning: [alerts] notify is skipped: "
                        "--internal-unsuppressed output is not delivered\n");
        a->notify.url = NULL;
        a->notify.mail_to = NULL;
    }
    if (a->internal) {
        cfg->internal_unsuppressed = 1;
        fprintf(stderr,
                "nabolag: warning: --internal-unsuppressed: disclosure "
                "control is OFF; the output is for internal use only, not "
                "for publication\n");
    }
    if (a->notify.mail_to && !a->notify.url)
        return cli_usage("alerts", "--mail-to needs --notify smtp://HOST:PORT");
    return CLI_OK;
}

/* 3 when the evaluated year (not the --since years) has a raised alert. */
static int
raised_status(const nbl_alert_list *list, int year)
{
    for (size_t i = 0; i < list->n; i++) {
        nbl_alert_list one = {0};
        one.items = &list->items[i];
        one.n = 1;
        if (list->items[i].year == year && nbl_alerts_raised(&one))
            return CLI_ALERTS;
    }
    return CLI_OK;
}

/* Evaluates, stores and writes the list: one transaction, so if the output
 * cannot be written the alert states stay as they were (nbl_ws_free rolls
 * an open transaction back). */
static int
evaluate_and_write(nbl_ws *ws, struct alerts_args *a, nbl_alert_config *cfg,
                   nbl_alert_list **list, int *status)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    char *rs = NULL;
    int rc = nbl_ws_begin(ws);
    if (rc == NBL_OK)
        rc = nbl_alerts_evaluate(ws, cfg, a->ruleset, a->year, &a->year, &rs);
    if (rc == NBL_OK && a->since > a->year) {
        free(rs);
        *status = cli_usage("alerts", "--since %d is after the year %d",
                            a->since, a->year);
        return NBL_OK;
    }
    if (rc == NBL_OK)
        rc = nbl_alerts_list(ws, cfg, rs, a->since ? a->since : a->year,
                             a->year, list);
    free(rs);
    if (rc)
        return rc;
    free((*list)->workspace_name);
    (*list)->workspace_name = strdup(
        cfg->project_name ? cfg->project_name : basename_of(a->workspace));
    rc = nbl_alerts_write_file(ws, ctx, *list, (nbl_alerts_format)a->fmt,
                               a->out, a->overwrite);
    return rc ? rc : nbl_ws_commit(ws);
}

int
cmd_alerts(int argc, char **argv)
{
    struct alerts_args a;
    nbl_alert_config cfg;
    nbl_ctx *ctx = NULL;
    nbl_ws *ws = NULL;
    nbl_alert_list *list = NULL;
    int rc, status = CLI_OK;

    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if ((status = parse_args(&a, argc, argv)) != CLI_OK)
        return status;
    ctx = cli_ctx_new();
    if ((status = cli_config_language(ctx, a.config)) != CLI_OK) {
        nbl_ctx_free(ctx);
        return status;
    }
    rc = nbl_alert_config_init(&cfg, ctx);
    if (rc) {
        status = cli_fail(ctx, rc);
        nbl_ctx_free(ctx);
        return status;
    }
    if ((a.config && (rc = nbl_alert_config_load(&cfg, ctx, a.config))) ||
        (status = settle_delivery(&a, &cfg)) != CLI_OK ||
        (rc = nbl_ws_open(&ws, ctx, a.workspace)) ||
        (rc = evaluate_and_write(ws, &a, &cfg, &list, &status)) ||
        status != CLI_OK)
        goto done;
    if (a.notify.url) {
        size_t sent = 0;
        if ((rc = nbl_alerts_notify(ws, &cfg, list, &a.notify, &sent)))
            goto done;
        cli_info("nabolag: delivered %zu new alert%s to %s", sent,
                 sent == 1 ? "" : "s", a.notify.url);
    }
    if (a.fail)
        status = raised_status(list, a.year);
done:
    if (rc)
        status = cli_fail(ctx, rc);
    nbl_alert_list_free(list);
    nbl_ws_free(ws);
    nbl_alert_config_clear(&cfg);
    nbl_ctx_free(ctx);
    return status;
}
