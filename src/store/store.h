/*
 * store.h - the store's entry points that other modules call: transactions,
 * meta keys, the run log. Module-specific persistence lives in store_<x>.c
 * with its own header store_<x>.h; all of them are the store module and the
 * only files that talk to SQLite/SpatiaLite.
 */
#ifndef NBL_STORE_H
#define NBL_STORE_H

#include <stddef.h>

#include "nabolag/workspace.h"

/** Begins the one transaction of a command (BEGIN IMMEDIATE). */
int nbl__store_begin(nbl_ws *ws);
/** The same, for an import that checks every key against the areas and
 * variables itself (read inside the transaction), or `nabolag run`, whose
 * every writer does: when it is the outermost transaction, SQLite's
 * foreign-key checks are off until it ends (they cost as much as the
 * inserts themselves); nested in a caller's transaction they stay on. */
int nbl__store_begin_checked_keys(nbl_ws *ws);
/** Same, but fails at once (the "workspace is busy" error) when another
 * process is writing the workspace: for bookkeeping a reader may skip. */
int nbl__store_try_begin(nbl_ws *ws);
/** Commits it. */
int nbl__store_commit(nbl_ws *ws);
/** Rolls it back (no-op outside a transaction); keeps the ctx error. */
void nbl__store_rollback(nbl_ws *ws);

/** Sets a meta key (inside or outside a transaction). */
int nbl__store_meta_set(nbl_ws *ws, const char *key, const char *value);
/** Gets a meta key; *out is malloc'ed (NULL if absent). */
int nbl__store_meta_get(nbl_ws *ws, const char *key, char **out);

/** Logs a run (import/compute/export) for provenance; negative counts are
 * stored as NULL; detail_json may be NULL. */
int nbl__store_log_run(nbl_ws *ws, const char *kind, const char *source,
                       long rows_read, long rows_stored, long rows_rejected,
                       long repaired, const char *detail_json);

/** The run_id of the run just logged by nbl__store_log_run() on ws. */
long long nbl__store_last_run_id(nbl_ws *ws);

/** Source names (input files) of the runs of a kind, newest first, as a
 * malloc'ed "a, b, c" string (NULL when none). */
int nbl__store_run_sources(nbl_ws *ws, const char *kind, char **out);

/* "SQLite x.y.z, SpatiaLite x.y.z" (run-time versions) into buf. */
void nbl__store_lib_versions(char *buf, size_t size);

#ifdef NBL_FAULT_INJECTION
/** Routes SQLite's allocations through the fault injector (store_fault.c);
 * once, before the first connection. */
void nbl__store_fault_setup(void);
#endif

#endif
