/*
 * consumer.c - a program outside the nabolag tree that uses the installed
 * library through its public headers only: opens a workspace, computes one
 * year with the default ruleset, lists that year's alerts. Built by
 * tests/cli/test_install.sh with pkg-config and with find_package(nabolag).
 * Usage: consumer WORKSPACE YEAR; prints "areas N", "year Y: CATEGORY=N..."
 * and "alerts N"; exit 1 with the library's message on an error.
 */
#include <stdio.h>
#include <stdlib.h>

#include <nabolag/nabolag.h>

static int
fail(nbl_ctx *ctx, const char *what)
{
    fprintf(stderr, "consumer: %s: %s\n", what, nbl_ctx_errmsg(ctx));
    return 1;
}

int
main(int argc, char **argv)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = NULL;
    nbl_compute_opts opts = {0};
    nbl_compute_summary sum = {0};
    nbl_alert_config cfg;
    nbl_alert_list *alerts = NULL;
    int rc = 1;
    if (argc != 3 || !ctx)
        return 2;
    opts.year = (int)strtol(argv[2], NULL, 10);
    opts.criteria_only = 1;
    if (nbl_ws_open(&ws, ctx, argv[1]))
        rc = fail(ctx, "open");
    else if (nbl_compute(ws, &opts, &sum))
        rc = fail(ctx, "compute");
    else if (nbl_alert_config_init(&cfg, ctx))
        rc = fail(ctx, "alert config");
    else {
        printf("nabolag %s\nareas %ld\n", nbl_version(), sum.areas);
        for (int i = 0; i < sum.nyears; i++) {
            printf("year %d:", sum.years[i].year);
            for (int c = 0; c < NBL_CAT_COUNT; c++)
                printf(" %s=%ld", nbl_category_code(c), sum.years[i].areas[c]);
            printf("\n");
        }
        if (nbl_alerts_list(ws, &cfg, NULL, opts.year, opts.year, &alerts))
            rc = fail(ctx, "alerts");
        else {
            printf("alerts %zu\n", alerts->n);
            rc = 0;
        }
        nbl_alert_list_free(alerts);
        nbl_alert_config_clear(&cfg);
    }
    nbl_compute_summary_free(&sum);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    return rc;
}
