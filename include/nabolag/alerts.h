/*
 * nabolag/alerts.h - early-warning alerts: rules over the stored criterion,
 * category and safety results, alert history with states, output formats
 * and delivery (webhook, e-mail).
 *
 * An alert is identified by (area, year, ruleset, kind, rule). Evaluating a
 * year stores that year's alerts with a state: `new` (the condition did not
 * hold the year before), `ongoing` (it did; first_year says since when) or
 * `resolved` (it held the year before and no longer does). "The year
 * before" is the last earlier year in which the condition could be
 * evaluated: missing data never resolve an alert, and a gap is bridged.
 * Evaluating the same year twice changes nothing. See docs/alerts.md for
 * every rule.
 */
#ifndef NABOLAG_ALERTS_H
#define NABOLAG_ALERTS_H

#include <stdio.h>

#include "nabolag/common.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity levels, in increasing order. */
typedef enum {
    NBL_SEV_INFO = 0,
    NBL_SEV_WARNING = 1,
    NBL_SEV_CRITICAL = 2
} nbl_alert_severity;

/**
 * Alert rules, thresholds and delivery settings. Fill with
 * nbl_alert_config_init() (the embedded gis/alerts.ini), then optionally
 * nbl_alert_config_load() (the [alerts] section of a config file).
 * Release with nbl_alert_config_clear().
 */
struct nbl__sdconf; /* the status/dynamics method (internal) */

typedef struct nbl_alert_config {
    double margin;        /**< approaching: fraction of the threshold */
    int trend_years;      /**< trend: years in the least-squares fit (N) */
    int trend_min_points; /**< trend: minimum points (never below 3) */
    double trend_min_r2;  /**< trend: the fit's R² must reach this */
    int horizon;          /**< trend: years ahead (H) */
    char *criteria;       /**< criteria with criterion-level alerts, "a,b" */
    /* safety */
    double safety_warning;  /**< index below this: warning */
    double safety_critical; /**< index below this: critical */
    double safety_drop;     /**< drop of more than D points: alert */
    /* status/dynamics (higher index = more disadvantaged) */
    int status_eth;           /**< include eth among the indicators */
    double status_high;       /**< index <= this: high status */
    double status_low;        /**< index >= this: low status */
    double status_very_low;   /**< index >= this: very low status */
    double dynamics_positive; /**< dynamics index <= this: positive */
    double dynamics_negative; /**< dynamics index >= this: negative */
    /** The status/dynamics method: the built-in one from the keys above,
     * or as the [status_dynamics] section of the last loaded file says
     * (docs/methods.md). Owned; NULL only before init. */
    struct nbl__sdconf *status_dynamics;
    int countdown_critical_years; /**< countdown k <= this: critical */
    /* severities */
    nbl_alert_severity sev_crossed_criterion, sev_crossed_category,
        sev_crossed_forebyggelse, sev_approaching_criterion,
        sev_approaching_category, sev_trend, sev_countdown,
        sev_countdown_critical, sev_status_low, sev_status_very_low,
        sev_safety_band, sev_safety_band_critical, sev_safety_drop,
        sev_improved;
    /* delivery */
    int retries;       /**< attempts in total (>= 1) */
    double backoff[8]; /**< seconds to wait before attempt 2, 3, ... */
    int n_backoff;
    double timeout; /**< seconds per attempt */
    char *notify;   /**< default --notify URL or NULL */
    char *mail_to, *mail_from;
    char *smtp_user;        /**< SMTP login (the password: credentials) */
    char *ca_file;          /**< extra CA certificates (PEM) or NULL */
    char *credentials;      /**< credentials file or NULL */
    int insecure_plaintext; /**< allow SMTP without TLS (warned each use) */
    int fail_on_alert;      /**< fail_on = any (or fail_on_alert = true) */
    int fail_on_new;        /**< fail_on = new: only new warnings/critical */
    char *project_name;     /**< [project] name, for headings/subjects */
    nbl_csv_style csv;      /**< [alerts] csv_delimiter, bom, excel: how the CSV
                               list is written (nbl_alerts_list copies it) */
    /* disclosure control ([disclosure], see docs/outputs.md) */
    double min_count;             /**< counts below this are withheld */
    double min_denominator;       /**< rates on fewer are withheld */
    double min_residents_publish; /**< areas with fewer: all withheld */
    int internal_unsuppressed;    /**< 1: no disclosure control; the output is
                                     marked for internal use only */
} nbl_alert_config;

/** Sets the built-in defaults (gis/alerts.ini). */
int nbl_alert_config_init(nbl_alert_config *cfg, nbl_ctx *ctx);

/** Overrides from the [alerts] and [disclosure] sections of an INI file
 * (other sections are ignored). Unknown [alerts] keys and bad values are
 * errors naming file:line; an unknown [disclosure] key is a warning (the
 * section is shared with export and report). */
int nbl_alert_config_load(nbl_alert_config *cfg, nbl_ctx *ctx,
                          const char *path);

/** Frees the strings of cfg; NULL-safe. */
void nbl_alert_config_clear(nbl_alert_config *cfg);

/** One stored alert. Strings are owned by the list. NAN = none. */
typedef struct nbl_alert {
    long long alert_id;
    char *area_id, *area_name;
    int year;
    char kind[24]; /* crossed|approaching|trend|countdown|
                      status_dynamics|safety|improved|not_evaluable */
    char rule[64]; /* criterion id, "category:<code>", ... */
    double value, threshold;
    nbl_alert_severity severity;
    char state[12]; /* new|ongoing|resolved */
    int first_year;
    char *message;
    char *delivered_at;    /* NULL until delivered */
    char value_status[12]; /* ok|missing|suppressed (lists only) */
} nbl_alert;

typedef struct nbl_alert_list {
    nbl_alert *items;
    size_t n, cap;
    char *ruleset;         /* ruleset the alerts belong to */
    char *ruleset_version; /* from the results, may be NULL */
    char *workspace_name;  /* e.g. the [project] name, may be NULL */
    int year_from, year_to;
    /* disclosure control as applied by nbl_alerts_list() */
    int unsuppressed;  /* 1: none applied, for internal use only */
    size_t n_withheld; /* alerts whose value and message were withheld */
    double min_count, min_denominator, min_residents_publish;
    char *run_id;      /* id of the `nabolag run` writing the list (malloc'ed,
                          NULL: none); JSON/GeoJSON provenance run_id, a CSV
                          column run_id, the text header's last line */
    nbl_csv_style csv; /* how -f csv is written: the config's, from
                          nbl_alerts_list; the caller may change it */
} nbl_alert_list;

/** Frees a list and everything in it; NULL-safe. */
void nbl_alert_list_free(nbl_alert_list *list);

/** "info", "warning", "critical". */
const char *nbl_alert_severity_name(nbl_alert_severity s);

/**
 * Evaluates the rules for `year` (0: the latest year with category results)
 * against the stored results of `ruleset` (NULL: meta current_ruleset) and
 * stores that year's alerts and status/dynamics classes in one transaction.
 * On success *out_year and *out_ruleset (malloc'ed, may be NULL) say what
 * was evaluated. Re-running changes nothing when the results are unchanged.
 */
int nbl_alerts_evaluate(nbl_ws *ws, const nbl_alert_config *cfg,
                        const char *ruleset, int year, int *out_year,
                        char **out_ruleset);

/** The stored alerts of `ruleset` for years from..to (inclusive), sorted by
 * area name, area id, year (newest first), state (new, ongoing, resolved),
 * severity (highest first), kind and rule, with disclosure control applied
 * (the rules of cfg; cfg NULL: the defaults 3, 20, 100): an alert of an area
 * below min_residents_publish residents in its year, or about a rate whose
 * denominator is below min_denominator, gets value NAN, value_status
 * "suppressed" and the message "<name>: <kind> (<rule>): value withheld
 * under disclosure control" - the same rule as the export's alerts layer.
 * With cfg->internal_unsuppressed nothing is withheld and the list is
 * marked unsuppressed (every output says it is for internal use only).
 * *out is owned by the caller. */
int nbl_alerts_list(nbl_ws *ws, const nbl_alert_config *cfg,
                    const char *ruleset, int from, int to,
                    nbl_alert_list **out);

/** Output formats. */
typedef enum {
    NBL_ALERTS_TEXT = 0,
    NBL_ALERTS_CSV,
    NBL_ALERTS_JSON,
    NBL_ALERTS_GEOJSON
} nbl_alerts_format;

/** Parses "text", "csv", "json", "geojson"; returns -1 if unknown. */
int nbl_alerts_format_parse(const char *s);

/**
 * Writes the list to fp in the format. GeoJSON needs ws (for the areas'
 * points, WGS 84); the other formats accept ws = NULL.
 */
int nbl_alerts_write(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *list,
                     nbl_alerts_format fmt, FILE *fp);

/**
 * Writes the list to the file `path` ("-": standard output) in the format,
 * under a temporary name in the same folder renamed into place, so a
 * failure leaves no partial file. An existing file is an error
 * (NBL_EEXISTS) unless `overwrite`. An unsuppressed list (internal use
 * only) is written with mode 0600.
 */
int nbl_alerts_write_file(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *list,
                          nbl_alerts_format fmt, const char *path,
                          int overwrite);

/** Same, into a malloc'ed NUL-terminated string *out. */
int nbl_alerts_format_string(nbl_ws *ws, nbl_ctx *ctx,
                             const nbl_alert_list *list, nbl_alerts_format fmt,
                             char **out);

/**
 * True when the list has a `new` or `ongoing` alert of severity warning or
 * critical (what --fail-on-alert tests).
 */
int nbl_alerts_raised(const nbl_alert_list *list);

/** Where and how new alerts are delivered (docs/alerts.md, "Delivery").
 * Strings are borrowed; NULL means not set. */
typedef struct nbl_notify_opts {
    const char *url;         /**< http(s)://... or smtp(s)://host:port */
    const char *mail_to;     /**< recipients, comma-separated (SMTP) */
    const char *mail_from;   /**< sender, default "nabolag@localhost" */
    const char *smtp_user;   /**< SMTP login */
    const char *ca_file;     /**< extra CA certificates (PEM) */
    const char *credentials; /**< credentials file (mode 0600) */
    int insecure_plaintext;  /**< allow SMTP without TLS to any host */
} nbl_notify_opts;

/** Fills the fields of o that are NULL (or 0) from cfg's [alerts] keys. */
void nbl_notify_opts_fill(nbl_notify_opts *o, const nbl_alert_config *cfg);

/**
 * True when the list has a `new` alert of severity warning or critical
 * (what --fail-on new tests: a cron job that mails once per new alert).
 */
int nbl_alerts_raised_new(const nbl_alert_list *list);

/**
 * Delivers the alerts of `list` that are `new` and not yet delivered:
 * http(s)://... POSTs them as JSON (signed with X-Nabolag-Signature when a
 * webhook secret is set, and carrying X-Nabolag-Delivery, the same id on
 * every retry); smtp(s)://host:port sends the text format as an e-mail to
 * mail_to. smtp:// requires STARTTLS except to localhost/127.0.0.1 without
 * a login, or with insecure_plaintext (warned on every use); smtps:// is
 * implicit TLS; certificates are always verified (o->ca_file adds a CA).
 * Passwords and secrets come from the environment or the credentials file
 * (never from the URL: a URL with a password is NBL_EINVAL). Transient
 * failures are retried (cfg->retries, cfg->backoff). On success the alerts
 * are marked delivered and the delivery is logged in `runs` (URL redacted);
 * on failure they stay undelivered and NBL_EIO is returned. An
 * unsuppressed list (internal use only) is never delivered: NBL_EINVAL.
 * *out_sent (may be NULL) receives the number delivered.
 */
int nbl_alerts_notify(nbl_ws *ws, const nbl_alert_config *cfg,
                      const nbl_alert_list *list, const nbl_notify_opts *o,
                      size_t *out_sent);

#ifdef __cplusplus
}
#endif
#endif
