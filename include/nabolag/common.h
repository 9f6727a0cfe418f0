/*
 * nabolag/common.h - error codes, the context object, logging and progress.
 *
 * Every library call takes an nbl_ctx. The context carries the last error
 * message (one line that names the file, line/feature and field), a log
 * callback for warnings and information, and a progress callback that can
 * cancel long work. A context is not thread-safe; use one per thread. A
 * workspace (nbl_ws) belongs to its context: use it from one thread at a
 * time (its SQLite connection is opened without a per-call mutex).
 */
#ifndef NABOLAG_COMMON_H
#define NABOLAG_COMMON_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Return codes. 0 is success; failures are small negative numbers. */
enum {
    NBL_OK = 0,
    NBL_EINVAL = -1,     /**< invalid argument or usage */
    NBL_EFORMAT = -2,    /**< malformed input file */
    NBL_ECRS = -3,       /**< missing or unusable coordinate reference */
    NBL_EDB = -4,        /**< workspace (SQLite/SpatiaLite) failure */
    NBL_EIO = -5,        /**< file or network I/O failure */
    NBL_EEXISTS = -6,    /**< output exists and overwriting was not asked */
    NBL_ECANCELLED = -7, /**< cancelled by the progress callback */
    NBL_ENOMEM = -8,     /**< out of memory */
    NBL_ENOTFOUND = -9,  /**< named thing (area, ruleset, year) not found */
    NBL_EDATA = -10      /**< input rows failed validation */
};

/** Log levels passed to the log callback. */
typedef enum {
    NBL_LOG_DEBUG = 0,
    NBL_LOG_INFO = 1,
    NBL_LOG_WARN = 2,
    /** one of several problems that make the call fail (e.g. each bad row
     * of an import without skip_invalid); the call's own error message
     * sums them up */
    NBL_LOG_ERROR = 3
} nbl_log_level;

/**
 * How a CSV output is written for a spreadsheet (`-f csv` of the alert list
 * and of the plan table). All zero: ',' between fields, no byte-order mark,
 * '.' decimals (RFC 4180, what programs read). Danish Excel opens a file in
 * columns when it has ';', a UTF-8 BOM and decimal commas (`--excel`).
 */
typedef struct nbl_csv_style {
    char delimiter;    /**< ',' (also when 0), ';' or '\t' */
    int bom;           /**< 1: start with the UTF-8 byte-order mark */
    int decimal_comma; /**< 1: numbers with ',' as the decimal mark */
} nbl_csv_style;

/** Receives one line of text (no trailing newline). */
typedef void (*nbl_log_fn)(nbl_log_level level, const char *msg, void *arg);

/**
 * Progress callback: frac in [0, 1], msg names the work. Return 0 to cancel
 * (the call then fails with NBL_ECANCELLED and rolls back), non-zero to go on.
 */
typedef int (*nbl_progress_fn)(double frac, const char *msg, void *arg);

typedef struct nbl_ctx nbl_ctx;

/** Creates a context. Returns NULL when out of memory. Free with
 * nbl_ctx_free(). */
nbl_ctx *nbl_ctx_new(void);

/** Frees a context; NULL is allowed. */
void nbl_ctx_free(nbl_ctx *ctx);

/** The message of the last failure, or "" if none. Borrowed; valid until the
 * next call that fails on this context. */
const char *nbl_ctx_errmsg(const nbl_ctx *ctx);

/** Clears the last error message. */
void nbl_ctx_clear_error(nbl_ctx *ctx);

/** Sets the log callback (NULL: warnings go nowhere, but are still counted). */
void nbl_ctx_set_log(nbl_ctx *ctx, nbl_log_fn fn, void *arg);

/** Sets the progress callback (NULL: no progress reporting). */
void nbl_ctx_set_progress(nbl_ctx *ctx, nbl_progress_fn fn, void *arg);

/** Default of nbl_ctx_set_wait(), in seconds. */
#define NBL_WAIT_DEFAULT 60.0

/**
 * Sets how long calls on this context wait when another process (another
 * nabolag) is writing the same workspace, or holds the lock of the same
 * output folder, before failing with "<path>: workspace is busy: another
 * nabolag is writing it (waited N s; --wait to wait longer)". 0 fails at
 * once; a negative value restores the default (NBL_WAIT_DEFAULT). Set it
 * before opening the workspace. Readers never wait for a writer: they see
 * the last committed state.
 */
void nbl_ctx_set_wait(nbl_ctx *ctx, double seconds);

/** Number of warnings logged through this context since it was created. */
size_t nbl_ctx_warning_count(const nbl_ctx *ctx);

/** The library's version string, e.g. "0.1.0". */
const char *nbl_version(void);

/** The versions of the libraries this build runs with, as one line:
 * "GDAL 3.6.2, PROJ 9.1.1, SQLite 3.40.1, SpatiaLite 5.0.1, GEOS 3.11.1"
 * (the versions loaded at run time, not those compiled against). The
 * string is static; the first call fills it. */
const char *nbl_library_versions(void);

/** A short English name for a return code ("invalid argument", ...). */
const char *nbl_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
