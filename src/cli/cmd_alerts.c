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
    "                      [--mail-to ADDR] [--mail-from ADDR] [--config "
    "FILE]\n"
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

int
cmd_alerts(int argc, char **argv)
{
    enum {
        O_YEAR = 256,
        O_SINCE,
        O_RULESET,
        O_OVERWRITE,
        O_FAIL,
        O_NOTIFY,
        O_MAILTO,
        O_MAILFROM,
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
        {"config", required_argument, NULL, O_CONFIG},
        {"internal-unsuppressed", no_argument, NULL, O_INTERNAL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int year = 0, since = 0, fmt = NBL_ALERTS_TEXT, overwrite = 0, fail = 0,
        internal = 0;
    const char *ruleset = NULL, *out = "-", *notify = NULL, *mail_to = NULL,
               *mail_from = NULL, *config = NULL;
    nbl_alert_config cfg;
    nbl_ctx *ctx = NULL;
    nbl_ws *ws = NULL;
    nbl_alert_list *list = NULL;
    char *rs = NULL;
    int c, rc, status = CLI_OK;

    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_YEAR:
            if (cli_parse_int("alerts", "--year", optarg, &year))
                return CLI_USAGE;
            break;
        case O_SINCE:
            if (cli_parse_int("alerts", "--since", optarg, &since))
                return CLI_USAGE;
            break;
        case O_RULESET:
            ruleset = optarg;
            break;
        case 'f':
            fmt = nbl_alerts_format_parse(optarg);
            if (fmt < 0)
                return cli_usage("alerts",
                                 "-f: expected text, csv, json or geojson, "
                                 "not '%s'",
                                 optarg);
            break;
        case 'o':
            out = optarg;
            break;
        case O_OVERWRITE:
            overwrite = 1;
            break;
        case O_FAIL:
            fail = 1;
            break;
        case O_NOTIFY:
            notify = optarg;
            break;
        case O_MAILTO:
            mail_to = optarg;
            break;
        case O_MAILFROM:
            mail_from = optarg;
            break;
        case O_CONFIG:
            config = optarg;
            break;
        case O_INTERNAL:
            internal = 1;
            break;
        default:
            return cli_usage("alerts", "unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage("alerts", "expected one WORKSPACE argument");
    if (since && year && since > year)
        return cli_usage("alerts", "--since %d is after --year %d", since,
                         year);

    ctx = cli_ctx_new();
    if ((status = cli_config_language(ctx, config)) != CLI_OK) {
        nbl_ctx_free(ctx);
        return status;
    }
    rc = nbl_alert_config_init(&cfg, ctx);
    if (rc) {
        status = cli_fail(ctx, rc);
        nbl_ctx_free(ctx);
        return status;
    }
    if (config && (rc = nbl_alert_config_load(&cfg, ctx, config)) != 0)
        goto fail;
    if (!mail_to)
        mail_to = cfg.mail_to;
    if (!mail_from)
        mail_from = cfg.mail_from;
    if (cfg.fail_on_alert)
        fail = 1;
    if (internal && notify) {
        rc = cli_usage("alerts", "--internal-unsuppressed output is for "
                                 "internal use and is not delivered: drop "
                                 "--notify");
        goto done_usage;
    }
    if (!notify)
        notify = cfg.notify;
    if (internal && notify) {
        fprintf(stderr, "nabolag: warning: [alerts] notify is skipped: "
                        "--internal-unsuppressed output is not delivered\n");
        notify = NULL;
        mail_to = NULL;
    }
    if (internal) {
        cfg.internal_unsuppressed = 1;
        fprintf(stderr,
                "nabolag: warning: --internal-unsuppressed: disclosure "
                "control is OFF; the output is for internal use only, not "
                "for publication\n");
    }
    if (mail_to && !notify) {
        rc = cli_usage("alerts", "--mail-to needs --notify smtp://HOST:PORT");
        goto done_usage;
    }

    rc = nbl_ws_open(&ws, ctx, argv[optind]);
    if (rc)
        goto fail;
    /* Evaluation and output are one transaction: if the output cannot be
     * written, the alert states stay as they were (nbl_ws_free rolls an
     * open transaction back). */
    rc = nbl_ws_begin(ws);
    if (rc)
        goto fail;
    rc = nbl_alerts_evaluate(ws, &cfg, ruleset, year, &year, &rs);
    if (rc)
        goto fail;
    if (since > year) {
        rc =
            cli_usage("alerts", "--since %d is after the year %d", since, year);
        goto done_usage;
    }
    rc = nbl_alerts_list(ws, &cfg, rs, since ? since : year, year, &list);
    if (rc)
        goto fail;
    free(list->workspace_name);
    list->workspace_name =
        strdup(cfg.project_name ? cfg.project_name : basename_of(argv[optind]));

    rc = nbl_alerts_write_file(ws, ctx, list, (nbl_alerts_format)fmt, out,
                               overwrite);
    if (rc)
        goto fail;
    rc = nbl_ws_commit(ws);
    if (rc)
        goto fail;

    if (notify) {
        size_t sent = 0;
        rc = nbl_alerts_notify(ws, &cfg, list, notify, mail_to, mail_from,
                               &sent);
        if (rc) {
            status = cli_fail(ctx, rc);
            goto done;
        }
        cli_info("nabolag: delivered %zu new alert%s to %s", sent,
                 sent == 1 ? "" : "s", notify);
    }
    if (fail) {
        /* only the evaluated year counts (not the --since years) */
        for (size_t i = 0; i < list->n && status == CLI_OK; i++) {
            nbl_alert_list one = {0};
            one.items = &list->items[i];
            one.n = 1;
            if (list->items[i].year == year && nbl_alerts_raised(&one))
                status = CLI_ALERTS;
        }
    }
    goto done;
done_usage:
    status = rc;
    goto done;
fail:
    status = cli_fail(ctx, rc);
done:
    free(rs);
    nbl_alert_list_free(list);
    nbl_ws_free(ws);
    nbl_alert_config_clear(&cfg);
    nbl_ctx_free(ctx);
    return status;
}
