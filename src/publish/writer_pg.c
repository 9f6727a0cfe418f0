/*
 * writer_pg.c - the export's database destination (writer.h): the layers
 * as tables of a PostgreSQL/PostGIS schema and their styles in the
 * database's public.layer_styles table, where QGIS looks for them (the table
 * and its columns as QGIS itself creates them), all in ONE transaction: a
 * reader sees the old tables and styles or the new ones, never a
 * half-written set. A table's comment holds the export's provenance.
 *
 * Invariants: the schema name is a plain identifier (letters, digits,
 * '_'), so it is quoted without escaping; QML goes into SQL dollar-quoted
 * with a tag it does not contain.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "publish/qgis.h"
#include "publish/writer.h"
#include "util/ctx.h"
#include "util/util.h"

#define QML_TAG "$nabolag_qml$"

static const char *
schema_of(const nbl__xwriter *w)
{
    return w->job->opts->schema ? w->job->opts->schema : "public";
}

/* Runs one SQL statement without a result set. */
static int
exec_sql(nbl__xwriter *w, const char *sql, const char *what)
{
    OGRLayerH r;
    w->gdal_msg[0] = '\0';
    r = GDALDatasetExecuteSQL(w->db, sql, NULL, NULL);
    if (r)
        GDALDatasetReleaseResultSet(w->db, r);
    return w->gdal_msg[0] ? nbl__xw_fail(w, w->display, what) : NBL_OK;
}

static int
plain_identifier(const char *s)
{
    if (!*s || strlen(s) > 63 || isdigit((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

int
nbl__xw_pg_open(nbl__xwriter *w)
{
    static const char *const allowed[] = {"PostgreSQL", NULL};
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    const char *schema = schema_of(w);
    nbl__buf sql = {0};
    int rc;
    if (!plain_identifier(schema))
        return nbl__error(ctx, NBL_EINVAL,
                          "--schema: '%s' is not a plain name (letters, "
                          "digits and '_', not starting with a digit)",
                          schema);
    w->db = GDALOpenEx(w->job->opts->dir, GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                       allowed, NULL, NULL);
    if (!w->db)
        return nbl__xw_fail(w, w->display, "cannot open the database");
    if (GDALDatasetStartTransaction(w->db, FALSE) != OGRERR_NONE) {
        GDALClose(w->db);
        w->db = NULL;
        return nbl__xw_fail(w, w->display, "cannot start a transaction");
    }
    nbl__buf_printf(&sql, "CREATE SCHEMA IF NOT EXISTS \"%s\"", schema);
    rc = sql.s ? exec_sql(w, sql.s, "cannot create the schema")
               : nbl__error(ctx, NBL_ENOMEM, "out of memory");
    nbl__buf_free(&sql);
    return rc;
}

/* The layer's table as GDAL names it ("areas" in public, else
 * "schema.areas"). */
static char *
table_name(const nbl__xwriter *w, const nbl__xlayer *l)
{
    nbl__buf b = {0};
    if (strcmp(schema_of(w), "public") == 0)
        nbl__buf_printf(&b, "%s", l->name);
    else
        nbl__buf_printf(&b, "%s.%s", schema_of(w), l->name);
    return b.s;
}

int
nbl__xw_pg_check(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    int rc = NBL_OK;
    for (size_t i = 0; rc == NBL_OK && i < n; i++) {
        char *t = table_name(w, &layers[i]);
        if (!t)
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        if (!w->job->opts->overwrite && GDALDatasetGetLayerByName(w->db, t))
            rc = nbl__error(ctx, NBL_EEXISTS,
                            "%s: table %s.%s already exists (use "
                            "--overwrite to replace it)",
                            w->display, schema_of(w), layers[i].name);
        free(t);
    }
    w->gdal_msg[0] = '\0'; /* a missing table is no error */
    if (rc == NBL_OK && w->job->opts->qgs) {
        struct stat st;
        const char *q = w->job->opts->qgs;
        if (stat(q, &st) == 0 &&
            (!S_ISREG(st.st_mode) || !w->job->opts->overwrite))
            rc = nbl__error(ctx, NBL_EEXISTS,
                            S_ISREG(st.st_mode)
                                ? "%s: already exists (use --overwrite to "
                                  "replace it)"
                                : "%s: exists and is not a regular file",
                            q);
    }
    return rc;
}

/* One style row of layer_styles. Its type (QGIS's geometry type of the
 * layer as the data source names it: "Polygon", or "Unknown geometry"
 * when the source does not say) is NULL, which QGIS matches whatever the
 * source says. */
static int
insert_style(nbl__xwriter *w, const nbl__xlayer *l, const char *style)
{
    char *qml;
    nbl__buf sql = {0};
    int rc = nbl__xw_qml(w, l, style, NULL, &qml);
    if (rc || !qml)
        return rc;
    if (strstr(qml, QML_TAG)) {
        free(qml);
        return nbl__error(nbl_ws_ctx(w->ws), NBL_EFORMAT,
                          "layer '%s': style contains %s", l->name, QML_TAG);
    }
    nbl__buf_printf(
        &sql,
        "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, "
        "f_table_name, f_geometry_column, stylename, styleqml, useasdefault, "
        "description, type) VALUES (current_database(), '%s', '%s', 'geom', "
        "'%s', " QML_TAG "%s" QML_TAG ", %s, 'nabolag', NULL)",
        schema_of(w), l->name, style ? style : l->name, qml,
        style ? "false" : "true");
    free(qml);
    if (!sql.s)
        return nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    rc = exec_sql(w, sql.s, "cannot write layer_styles");
    nbl__buf_free(&sql);
    return rc;
}

/* The styles of the layers in layer_styles: ours replaced, any other
 * (saved by a user in QGIS) kept. */
static int
write_styles(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    nbl__buf sql = {0};
    int rc = exec_sql(
        w,
        "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY "
        "KEY, "
        "f_table_catalog varchar, f_table_schema varchar, f_table_name "
        "varchar, f_geometry_column varchar, styleName text, styleQML xml, "
        "styleSLD xml, useAsDefault boolean, description text, owner "
        "varchar(63) DEFAULT CURRENT_USER, ui xml, update_time timestamp "
        "DEFAULT CURRENT_TIMESTAMP, type varchar)",
        "cannot create layer_styles");
    nbl__buf_printf(&sql,
                    "DELETE FROM public.layer_styles WHERE f_table_catalog = "
                    "current_database() AND f_table_schema = '%s' AND "
                    "description = 'nabolag' AND f_table_name IN (''",
                    schema_of(w));
    for (size_t i = 0; i < n; i++)
        nbl__buf_printf(&sql, ", '%s'", layers[i].name);
    nbl__buf_printf(&sql, ")");
    if (rc == NBL_OK)
        rc = sql.s ? exec_sql(w, sql.s, "cannot write layer_styles")
                   : nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    nbl__buf_free(&sql);
    for (size_t i = 0; rc == NBL_OK && i < n; i++) {
        const char *const *extra = nbl__qgis_extra_styles(layers[i].name);
        rc = insert_style(w, &layers[i], NULL);
        for (int s = 0; rc == NBL_OK && extra && extra[s]; s++)
            rc = insert_style(w, &layers[i], extra[s]);
    }
    return rc;
}

int
nbl__xw_pg_write(nbl__xwriter *w, nbl__xlayer *layers, size_t n)
{
    int rc = NBL_OK;
    for (size_t i = 0; rc == NBL_OK && i < n; i++) {
        char **lco = NULL;
        char *prov = nbl__xw_provenance(w, layers[i].name);
        if (!prov) {
            rc = nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
            break;
        }
        lco = CSLSetNameValue(lco, "SCHEMA", schema_of(w));
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "GIST");
        if (w->job->opts->overwrite)
            lco = CSLSetNameValue(lco, "OVERWRITE", "YES");
        lco = CSLSetNameValue(lco, "DESCRIPTION", prov);
        free(prov);
        lco = nbl__xw_user_options(w, lco, 0);
        rc = nbl__xw_layer(w, w->db, w->display, &layers[i], lco, NULL);
        CSLDestroy(lco);
    }
    if (rc == NBL_OK)
        rc = write_styles(w, layers, n);
    return rc;
}

int
nbl__xw_pg_commit(nbl__xwriter *w)
{
    w->gdal_msg[0] = '\0';
    if (GDALDatasetCommitTransaction(w->db) != OGRERR_NONE)
        return nbl__xw_fail(w, w->display, "cannot commit");
    GDALClose(w->db);
    w->db = NULL;
    w->committed = 1;
    return NBL_OK;
}

void
nbl__xw_pg_close(nbl__xwriter *w)
{
    if (!w->db)
        return;
    GDALDatasetRollbackTransaction(w->db);
    GDALClose(w->db);
    w->db = NULL;
}

/* Appends key='value' (quotes and backslashes escaped) to b. */
static void
uri_kv(nbl__buf *b, const char *key, const char *v, size_t n)
{
    nbl__buf_printf(b, "%s='", key);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\'' || v[i] == '\\')
            nbl__buf_printf(b, "\\");
        nbl__buf_printf(b, "%c", v[i]);
    }
    nbl__buf_printf(b, "' ");
}

/* The connection keys QGIS needs from a libpq connection string (the
 * password is left out: QGIS asks for it or takes it from ~/.pgpass). */
static void
uri_connection(nbl__buf *b, const char *conn)
{
    static const char *const keep[] = {"dbname", "host",    "port",
                                       "user",   "service", "sslmode"};
    const char *p = conn;
    while (*p) {
        const char *k = p, *eq, *v, *e;
        char val[512];
        size_t n = 0;
        while (*k == ' ')
            k++;
        if (!*k || !(eq = strchr(k, '=')))
            break;
        v = eq + 1;
        if (*v == '\'') {
            for (e = v + 1; *e && *e != '\''; e++) {
                if (*e == '\\' && e[1])
                    e++;
                if (n + 1 < sizeof val)
                    val[n++] = *e;
            }
            p = *e ? e + 1 : e;
        } else {
            for (e = v; *e && *e != ' '; e++)
                if (n + 1 < sizeof val)
                    val[n++] = *e;
            p = e;
        }
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
            if ((size_t)(eq - k) == strlen(keep[i]) &&
                strncmp(k, keep[i], strlen(keep[i])) == 0)
                uri_kv(b, keep[i], val, n);
    }
}

char *
nbl__xw_pg_source(const nbl__xwriter *w, const nbl__xlayer *l)
{
    nbl__buf b = {0};
    uri_connection(&b, w->job->opts->dir + 3);
    nbl__buf_printf(&b,
                    "key='ogc_fid' srid=%d type=%s "
                    "checkPrimaryKeyUnicity='1' table=\"%s\".\"%s\" (geom)",
                    w->job->out_srid,
                    l->geom == NBL__XG_POINT ? "Point" : "MultiPolygon",
                    schema_of(w), l->name);
    return b.s;
}
