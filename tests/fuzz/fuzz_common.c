/*
 * fuzz_common.c - see fuzz_common.h.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_vsi.h>

static const char areas_geojson[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"A1\",\"name\":\"Aa\","
    "\"kommune\":\"0101\",\"region\":\"1084\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[12.50,55.60],[12.51,55.60],[12.51,55.61],"
    "[12.50,55.61],[12.50,55.60]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"A2\",\"name\":\"Bb\","
    "\"kommune\":\"0101\",\"region\":\"1084\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[12.52,55.60],[12.53,55.60],[12.53,55.61],"
    "[12.52,55.61],[12.52,55.60]]]}}]}";

const char *
nbl_fuzz_file(const uint8_t *data, size_t size, const char *ext)
{
    static char path[256];
    FILE *f;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/nbl-fuzz-%ld%s", dir ? dir : "/tmp",
             (long)getpid(), ext);
    f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    return path;
}

const char *
nbl_fuzz_vsimem(const uint8_t *data, size_t size, const char *name)
{
    static char path[256];
    GByte *copy = VSIMalloc(size ? size : 1);
    VSILFILE *f;
    if (!copy)
        abort();
    memcpy(copy, data, size);
    snprintf(path, sizeof path, "/vsimem/%s", name);
    f = VSIFileFromMemBuffer(path, copy, size, TRUE);
    if (!f)
        abort();
    VSIFCloseL(f);
    return path;
}

void
nbl_fuzz_vsimem_unlink(const char *path)
{
    VSIUnlink(path);
}

char *
nbl_fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

nbl_ws *
nbl_fuzz_ws(void)
{
    static nbl_ws *ws;
    static nbl_ctx *ctx;
    nbl_areas_opts o = {0};
    const char *src;
    if (ws)
        return ws;
    ctx = nbl_ctx_new();
    if (!ctx || nbl_ws_create(&ws, ctx, ":memory:", 25832) != NBL_OK) {
        fprintf(stderr, "fuzz: %s\n", ctx ? nbl_ctx_errmsg(ctx) : "no ctx");
        abort();
    }
    src = nbl_fuzz_vsimem((const uint8_t *)areas_geojson,
                          sizeof areas_geojson - 1, "fuzz-areas.geojson");
    o.id_field = "id";
    o.name_field = "name";
    o.municipality_field = "kommune";
    o.region_field = "region";
    if (nbl_import_areas(ws, src, &o, NULL) != NBL_OK) {
        fprintf(stderr, "fuzz: %s\n", nbl_ctx_errmsg(ctx));
        abort();
    }
    nbl_fuzz_vsimem_unlink(src);
    return ws;
}

void
nbl_fuzz_stats_input(const uint8_t *data, size_t size, int refs)
{
    static const char decimals[] = {0, '.', ','};
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_stats_opts o = {0};
    nbl_stats_summary s;
    const char *path;
    if (size < 1)
        return;
    o.skip_invalid = data[0] & 1;
    o.replace = (data[0] >> 1) & 1;
    o.decimal = decimals[(data[0] >> 2) % 3];
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    path = nbl_fuzz_file(data + 1, size - 1, ".csv");
    if (refs)
        nbl_import_refs(ws, path, &o, &s);
    else
        nbl_import_stats(ws, path, &o, &s);
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
}
