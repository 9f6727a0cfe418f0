/*
 * nabolag/workspace.h - the workspace: one SpatiaLite file holding areas,
 * statistics, references and every computed result, in one working CRS.
 */
#ifndef NABOLAG_WORKSPACE_H
#define NABOLAG_WORKSPACE_H

#include "nabolag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nbl_ws nbl_ws;

/** Default working CRS: ETRS89 / UTM zone 32N. */
#define NBL_DEFAULT_SRID 25832

/**
 * Creates a new workspace file at path with working CRS EPSG:srid (which
 * must be a projected CRS that SpatiaLite knows). Fails with NBL_EEXISTS if
 * the file exists. On failure no file is left behind. On success *out is an
 * open workspace owned by the caller (nbl_ws_free). ctx is borrowed and must
 * outlive the workspace.
 */
int nbl_ws_create(nbl_ws **out, nbl_ctx *ctx, const char *path, int srid);

/**
 * Checks that EPSG:srid can be a working CRS: a projected CRS measuring in
 * metres whose areas are right within 1 % over its area of use (PROJ's
 * areal scale factors; Web Mercator EPSG:3857 inflates Copenhagen's areas
 * 3.1 times and is refused). Fails with NBL_ECRS, the message naming a
 * suitable CRS (EPSG:25832/25833). `nabolag init` and `nabolag run` call it
 * before nbl_ws_create().
 */
int nbl_crs_check_working(nbl_ctx *ctx, int srid);

/** Opens an existing workspace (NBL_ENOTFOUND if missing, NBL_EDB if it is
 * not a nabolag workspace). */
int nbl_ws_open(nbl_ws **out, nbl_ctx *ctx, const char *path);

/** Closes the workspace and releases SpatiaLite; NULL-safe. */
void nbl_ws_free(nbl_ws *ws);

/** The working CRS's EPSG code. */
int nbl_ws_srid(const nbl_ws *ws);

/** The workspace's file path (borrowed). */
const char *nbl_ws_path(const nbl_ws *ws);

/** The context the workspace was opened with (borrowed). */
nbl_ctx *nbl_ws_ctx(const nbl_ws *ws);

/**
 * A JSON summary of the workspace (CRS, areas, years, variables with row
 * counts, references, last imports, last compute per ruleset, alert counts).
 * *out_json is owned by the caller (free()).
 */
int nbl_ws_info_json(nbl_ws *ws, char **out_json);

/**
 * Groups several commands into one transaction: every import and compute
 * called between nbl_ws_begin() and nbl_ws_commit() becomes part of it (they
 * nest as savepoints), so nbl_ws_rollback() undoes them all. Used by
 * `nabolag run`.
 */
int nbl_ws_begin(nbl_ws *ws);
/** Commits the outer transaction started by nbl_ws_begin(). */
int nbl_ws_commit(nbl_ws *ws);
/** Rolls it back; no-op when none is open. */
void nbl_ws_rollback(nbl_ws *ws);

#ifdef __cplusplus
}
#endif
#endif
