/*
 * test_alerts_store.c - alert history in a workspace: evaluation of two
 * years, re-running a year changes nothing, states across years, stale
 * rows, delivery marks kept, status_dynamics written, a failing evaluation
 * leaves the file as it was. Results are inserted with plain SQL (the
 * compute module is not needed).
 */
#include "nbl_test.h"

#include <sqlite3.h>

#include "nabolag/alerts.h"
#include "nabolag/lang.h"
#include "nabolag/workspace.h"

static nbl_ctx *ctx;

static void
sql(const char *path, const char *s)
{
    sqlite3 *db;
    char *err = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    /* the areas table has SpatiaLite geometry triggers */
    sqlite3_enable_load_extension(db, 1);
    if (sqlite3_load_extension(db, "mod_spatialite", NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "mod_spatialite: %s\n", err);
        fail();
    }
    if (sqlite3_exec(db, s, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "SQL: %s\n", err);
        fail();
    }
    sqlite3_close(db);
}

/* All rows of a table as one string (caller frees). */
static char *
dump(const char *path, const char *query)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t cap = 4096, len = 0;
    char *out = calloc(cap, 1);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            size_t k = strlen(t ? t : "NULL") + 2;
            while (len + k + 1 > cap) {
                cap *= 2;
                out = realloc(out, cap);
            }
            len +=
                (size_t)snprintf(out + len, cap - len, "%s|", t ? t : "NULL");
        }
        out[len++] = '\n';
        out[len] = '\0';
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static int
count(const char *path, const char *query)
{
    char *d = dump(path, query);
    int n = (int)strtol(d, NULL, 10);
    free(d);
    return n;
}

static const char *seed =
    "INSERT INTO meta VALUES('current_ruleset','dk2021');"
    "INSERT INTO areas(area_id, name, geom) VALUES('A1','Nørre Park',"
    "GeomFromText('MULTIPOLYGON(((574000 6222000,575000 6222000,575000 "
    "6223000,574000 6223000,574000 6222000)))', 25832)),"
    "('B2','Søndervang',GeomFromText('MULTIPOLYGON(((576000 6222000,"
    "577000 6222000,577000 6223000,576000 6223000,576000 6222000)))', "
    "25832));"
    /* A1: lab 37 (2023, approaching) -> 41 (2024, crossed) */
    "INSERT INTO criterion_results VALUES"
    "('A1',2023,'dk2021','lab',37.0,NULL,'ok',0,1,40,30),"
    "('A1',2024,'dk2021','lab',41.0,NULL,'ok',1,1,40,30),"
    /* B2: inc 59 (2023, approaching 55 within 5.5) -> 58 (ongoing) */
    "('B2',2023,'dk2021','inc',59.0,NULL,'ok',0,1,55,65),"
    "('B2',2024,'dk2021','inc',58.0,NULL,'ok',0,1,55,65);"
    "INSERT INTO category_results VALUES"
    "('A1',2023,'dk2021','1','none',0,0,2,0,0,5,'t'),"
    "('A1',2024,'dk2021','1','none',1,0,2,0,0,5,'t'),"
    "('B2',2023,'dk2021','1','none',0,0,2,0,0,5,'t'),"
    "('B2',2024,'dk2021','1','none',0,0,2,0,0,5,'t');";

static const nbl_alert *
find(const nbl_alert_list *l, int year, const char *area, const char *kind,
     const char *rule)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].year == year &&
            strcmp(l->items[i].area_id, area) == 0 &&
            strcmp(l->items[i].kind, kind) == 0 &&
            strcmp(l->items[i].rule, rule) == 0)
            return &l->items[i];
    return NULL;
}

static void
test_history(void **state)
{
    const char *path = nbl_test_path("hist.sqlite");
    nbl_ws *ws;
    nbl_alert_config cfg;
    nbl_alert_list *l;
    const nbl_alert *a;
    char *d1, *d2, *rs = NULL;
    int year = 0;
    (void)state;
    assert_int_equal(nbl_ws_create(&ws, ctx, path, 25832), 0);
    nbl_ws_free(ws);
    sql(path, seed);
    assert_int_equal(nbl_alert_config_init(&cfg, ctx), 0);
    assert_int_equal(nbl_ws_open(&ws, ctx, path), 0);

    /* run 1: 2023 */
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 2023, &year, &rs), 0);
    assert_int_equal(year, 2023);
    assert_string_equal(rs, "dk2021");
    free(rs);
    assert_int_equal(nbl_alerts_list(ws, NULL, NULL, 2023, 2023, &l), 0);
    /* A1 lab approaching; B2 inc approaching (A1/B2 0 criteria: not one
     * short of udsat) */
    assert_int_equal(l->n, 2);
    assert_string_equal(find(l, 2023, "A1", "approaching", "lab")->state,
                        "new");
    assert_string_equal(find(l, 2023, "B2", "approaching", "inc")->state,
                        "new");
    nbl_alert_list_free(l);

    /* re-running the same year changes nothing */
    d1 = dump(path, "SELECT * FROM alerts ORDER BY alert_id");
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 2023, NULL, NULL), 0);
    d2 = dump(path, "SELECT * FROM alerts ORDER BY alert_id");
    assert_string_equal(d1, d2);
    free(d1);
    free(d2);

    /* run 2: 2024 (the latest year: year 0) */
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 0, &year, NULL), 0);
    assert_int_equal(year, 2024);
    assert_int_equal(nbl_alerts_list(ws, NULL, NULL, 2024, 2024, &l), 0);
    a = find(l, 2024, "A1", "crossed", "lab");
    assert_non_null(a);
    assert_string_equal(a->state, "new");
    /* the approach ended because lab crossed its threshold: superseded
     * by the crossed alert, not resolved */
    a = find(l, 2024, "A1", "approaching", "lab");
    assert_non_null(a);
    assert_string_equal(a->state, "superseded");
    assert_int_equal(a->first_year, 2023);
    a = find(l, 2024, "B2", "approaching", "inc");
    assert_string_equal(a->state, "ongoing");
    assert_int_equal(a->first_year, 2023);
    /* one criterion short of udsat (1 of 2) */
    assert_non_null(find(l, 2024, "A1", "approaching", "category:udsat"));
    assert_int_equal(l->n, 4);
    assert_true(nbl_alerts_raised(l));
    /* sorted by area name: Nørre Park before Søndervang; new first */
    assert_string_equal(l->items[0].area_id, "A1");
    assert_string_equal(l->items[0].state, "new");
    assert_string_equal(l->items[l->n - 1].area_id, "B2");
    nbl_alert_list_free(l);

    /* --since 2023: both years */
    assert_int_equal(nbl_alerts_list(ws, NULL, NULL, 2023, 2024, &l), 0);
    assert_int_equal(l->n, 6);
    nbl_alert_list_free(l);

    /* a delivery mark survives re-running */
    sql(path, "UPDATE alerts SET delivered_at = '2026-01-01T00:00:00Z' "
              "WHERE year = 2024 AND kind = 'crossed'");
    d1 = dump(path, "SELECT * FROM alerts ORDER BY alert_id");
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 2024, NULL, NULL), 0);
    d2 = dump(path, "SELECT * FROM alerts ORDER BY alert_id");
    assert_string_equal(d1, d2);
    free(d1);
    free(d2);

    /* results recomputed: B2 inc 50 in 2024 (now met): the approaching row
     * of 2024 becomes superseded (crossed, not an improvement), the others
     * stay */
    sql(path, "UPDATE criterion_results SET value = 50, met = 1 WHERE "
              "area_id = 'B2' AND year = 2024");
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 2024, NULL, NULL), 0);
    assert_int_equal(nbl_alerts_list(ws, NULL, NULL, 2024, 2024, &l), 0);
    assert_string_equal(find(l, 2024, "B2", "approaching", "inc")->state,
                        "superseded");
    assert_non_null(find(l, 2024, "B2", "crossed", "inc"));
    assert_non_null(find(l, 2024, "A1", "crossed", "lab")->delivered_at);
    nbl_alert_list_free(l);
    assert_int_equal(count(path, "SELECT COUNT(*) FROM alerts WHERE year = "
                                 "2024 AND kind = 'approaching' AND rule = "
                                 "'inc'"),
                     1);
    nbl_ws_free(ws);
    nbl_alert_config_clear(&cfg);
}

static void
test_failure_leaves_file(void **state)
{
    const char *path = nbl_test_path("fail.sqlite");
    nbl_ws *ws;
    nbl_alert_config cfg;
    char *before, *after;
    size_t n1, n2;
    (void)state;
    assert_int_equal(nbl_ws_create(&ws, ctx, path, 25832), 0);
    nbl_ws_free(ws);
    sql(path, seed);
    assert_int_equal(nbl_alert_config_init(&cfg, ctx), 0);
    before = nbl_test_read(path, &n1);
    assert_int_equal(nbl_ws_open(&ws, ctx, path), 0);
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 2019, NULL, NULL),
                     NBL_ENOTFOUND);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "2019"));
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, "dk1999", 0, NULL, NULL),
                     NBL_ENOTFOUND);
    nbl_ws_free(ws);
    after = nbl_test_read(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
    nbl_alert_config_clear(&cfg);
}

static void
test_status_dynamics_table(void **state)
{
    const char *path = nbl_test_path("sd.sqlite");
    nbl_ws *ws;
    nbl_alert_config cfg;
    char *d;
    (void)state;
    assert_int_equal(nbl_ws_create(&ws, ctx, path, 25832), 0);
    nbl_ws_free(ws);
    /* the hand-computed table of test_alerts.c (status -1, -1/3, 1/3, 1;
     * dynamics -1, -1, 1, 1) */
    sql(path, "INSERT INTO meta VALUES('current_ruleset','dk2021');"
              "INSERT INTO criterion_results VALUES"
              "('A1',2024,'dk2021','lab',30,NULL,'ok',0,1,40,30),"
              "('A2',2024,'dk2021','lab',30,NULL,'ok',0,1,40,30),"
              "('A3',2024,'dk2021','lab',50,NULL,'ok',1,1,40,30),"
              "('A4',2024,'dk2021','lab',50,NULL,'ok',1,1,40,30),"
              "('A1',2022,'dk2021','lab',32,NULL,'ok',0,1,40,30),"
              "('A2',2022,'dk2021','lab',32,NULL,'ok',0,1,40,30),"
              "('A3',2022,'dk2021','lab',48,NULL,'ok',1,1,40,30),"
              "('A4',2022,'dk2021','lab',48,NULL,'ok',1,1,40,30),"
              "('A1',2024,'dk2021','edu',40,NULL,'ok',0,0,60,60),"
              "('A2',2024,'dk2021','edu',60,NULL,'ok',0,0,60,60),"
              "('A3',2024,'dk2021','edu',40,NULL,'ok',0,0,60,60),"
              "('A4',2024,'dk2021','edu',60,NULL,'ok',0,0,60,60),"
              "('A1',2024,'dk2021','inc',90,NULL,'ok',0,0,55,65),"
              "('A2',2024,'dk2021','inc',90,NULL,'ok',0,0,55,65),"
              "('A3',2024,'dk2021','inc',70,NULL,'ok',0,0,55,65),"
              "('A4',2024,'dk2021','inc',70,NULL,'ok',0,0,55,65),"
              "('A1',2022,'dk2021','inc',88,NULL,'ok',0,0,55,65),"
              "('A2',2022,'dk2021','inc',88,NULL,'ok',0,0,55,65),"
              "('A3',2022,'dk2021','inc',72,NULL,'ok',0,0,55,65),"
              "('A4',2022,'dk2021','inc',72,NULL,'ok',0,0,55,65);"
              "INSERT INTO category_results VALUES"
              "('A1',2024,'dk2021','1','none',0,0,2,0,0,5,'t');");
    assert_int_equal(nbl_alert_config_init(&cfg, ctx), 0);
    assert_int_equal(nbl_ws_open(&ws, ctx, path), 0);
    assert_int_equal(nbl_alerts_evaluate(ws, &cfg, NULL, 2024, NULL, NULL), 0);
    d = dump(path, "SELECT area_id, round(status_index, 6), "
                   "round(dynamics_index, 6), status_class, dynamics_class "
                   "FROM status_dynamics WHERE year = 2024 ORDER BY area_id");
    assert_string_equal(d, "A1|-1.0|-1.0|high|positive|\n"
                           "A2|-0.333333|-1.0|medium|positive|\n"
                           "A3|0.333333|1.0|medium|negative|\n"
                           "A4|1.0|1.0|very_low|negative|\n");
    free(d);
    assert_int_equal(count(path, "SELECT COUNT(*) FROM alerts WHERE kind = "
                                 "'status_dynamics' AND area_id = 'A4' AND "
                                 "severity = 'critical'"),
                     1);
    nbl_ws_free(ws);
    nbl_alert_config_clear(&cfg);
}

static int
setup(void **state)
{
    (void)state;
    ctx = nbl_ctx_new();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    nbl_ctx_free(ctx);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_failure_leaves_file),
        cmocka_unit_test(test_status_dynamics_table),
    };
    nbl_test_locale();
    /* the messages asserted below are the English ones */
    nbl_set_output_language(NBL_LANG_EN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
