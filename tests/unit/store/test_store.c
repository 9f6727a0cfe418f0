/*
 * test_store.c - workspace creation and opening, nested transactions
 * (savepoints) and rollback leaving the file byte-for-byte unchanged.
 */
#include "nbl_test.h"

#include "nabolag/workspace.h"
#include "store/store.h"

#include <sys/stat.h>

static char *
slurp(const char *p, size_t *n)
{
    return nbl_test_read(p, n);
}

static void
test_create_open(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = NULL;
    char *v = NULL;
    const char *p = nbl_test_path("c.sqlite");
    (void)state;
    remove(p);
    assert_int_equal(nbl_ws_create(&ws, ctx, p, 25832), NBL_OK);
    assert_int_equal(nbl_ws_srid(ws), 25832);
    nbl_ws_free(ws);
    assert_int_equal(nbl_ws_create(&ws, ctx, p, 25832), NBL_EEXISTS);
    assert_int_equal(nbl_ws_open(&ws, ctx, p), NBL_OK);
    assert_int_equal(nbl__store_meta_get(ws, "format", &v), NBL_OK);
    assert_string_equal(v, "nabolag-workspace-1");
    free(v);
    nbl_ws_free(ws);
    /* geographic CRS refused, no file left */
    remove(nbl_test_path("g.sqlite"));
    assert_int_equal(nbl_ws_create(&ws, ctx, nbl_test_path("g.sqlite"), 4326),
                     NBL_ECRS);
    assert_int_not_equal(access(nbl_test_path("g.sqlite"), F_OK), 0);
    /* not a workspace */
    nbl_test_write("x.sqlite", "hello");
    assert_int_not_equal(nbl_ws_open(&ws, ctx, nbl_test_path("x.sqlite")),
                         NBL_OK);
    assert_int_equal(nbl_ws_open(&ws, ctx, nbl_test_path("none.sqlite")),
                     NBL_ENOTFOUND);
    nbl_ctx_free(ctx);
}

static void
test_nested_rollback(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = NULL;
    const char *p = nbl_test_path("n.sqlite");
    size_t n0, n1;
    char *b0, *b1, *v = NULL;
    (void)state;
    remove(p);
    assert_int_equal(nbl_ws_create(&ws, ctx, p, 25832), NBL_OK);
    nbl_ws_free(ws);
    b0 = slurp(p, &n0);
    assert_int_equal(nbl_ws_open(&ws, ctx, p), NBL_OK);
    /* outer transaction; an inner "command" commits its savepoint; the
     * outer rollback undoes both */
    assert_int_equal(nbl_ws_begin(ws), NBL_OK);
    assert_int_equal(nbl__store_meta_set(ws, "a", "1"), NBL_OK);
    assert_int_equal(nbl__store_begin(ws), NBL_OK);
    assert_int_equal(nbl__store_meta_set(ws, "b", "2"), NBL_OK);
    assert_int_equal(nbl__store_commit(ws), NBL_OK);
    /* an inner failure rolls back only its own part */
    assert_int_equal(nbl__store_begin(ws), NBL_OK);
    assert_int_equal(nbl__store_meta_set(ws, "c", "3"), NBL_OK);
    nbl__store_rollback(ws);
    assert_int_equal(nbl__store_meta_get(ws, "c", &v), NBL_OK);
    assert_null(v);
    assert_int_equal(nbl__store_meta_get(ws, "b", &v), NBL_OK);
    assert_string_equal(v, "2");
    free(v);
    nbl_ws_rollback(ws);
    nbl_ws_free(ws);
    b1 = slurp(p, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(b0, b1, n0);
    free(b0);
    free(b1);
    /* committed outer transaction keeps both */
    assert_int_equal(nbl_ws_open(&ws, ctx, p), NBL_OK);
    assert_int_equal(nbl_ws_begin(ws), NBL_OK);
    assert_int_equal(nbl__store_begin(ws), NBL_OK);
    assert_int_equal(nbl__store_meta_set(ws, "b", "2"), NBL_OK);
    assert_int_equal(nbl__store_commit(ws), NBL_OK);
    assert_int_equal(nbl_ws_commit(ws), NBL_OK);
    assert_int_equal(nbl__store_meta_get(ws, "b", &v), NBL_OK);
    assert_string_equal(v, "2");
    free(v);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* A new workspace is private (0600) whatever the umask lets through, and
 * the journal SQLite creates during a write has the same mode. */
static void
test_private_mode(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = NULL;
    const char *p = nbl_test_path("private.sqlite");
    char journal[600];
    struct stat st;
    mode_t old = umask(0);
    (void)state;
    assert_int_equal(nbl_ws_create(&ws, ctx, p, 25832), NBL_OK);
    umask(old);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(nbl__store_begin(ws), NBL_OK);
    assert_int_equal(nbl__store_meta_set(ws, "x", "y"), NBL_OK);
    /* a rollback journal, or in WAL mode the -wal file */
    snprintf(journal, sizeof journal, "%s-journal", p);
    if (stat(journal, &st) != 0) {
        snprintf(journal, sizeof journal, "%s-wal", p);
        assert_int_equal(stat(journal, &st), 0);
    }
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(nbl__store_commit(ws), NBL_OK);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* ":memory:" is SQLite's in-memory database: a workspace there works and
 * no file of that name appears in the current folder. */
static void
test_in_memory(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = NULL;
    struct stat st;
    char *v = NULL;
    (void)state;
    remove(":memory:");
    assert_int_equal(nbl_ws_create(&ws, ctx, ":memory:", 25832), NBL_OK);
    assert_int_not_equal(stat(":memory:", &st), 0);
    assert_int_equal(nbl__store_meta_get(ws, "srid", &v), NBL_OK);
    assert_string_equal(v, "25832");
    free(v);
    nbl_ws_free(ws);
    /* a second one is not "already exists" */
    assert_int_equal(nbl_ws_create(&ws, ctx, ":memory:", 25832), NBL_OK);
    nbl_ws_free(ws);
    assert_int_not_equal(stat(":memory:", &st), 0);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_open),
        cmocka_unit_test(test_nested_rollback),
        cmocka_unit_test(test_private_mode),
        cmocka_unit_test(test_in_memory),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
