/*
 * util.h - small internal helpers shared by all modules: locale-independent
 * number parsing and printing, embedded gis/ assets, atomic output files,
 * a growable string buffer.
 */
#ifndef NBL_UTIL_H
#define NBL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "nabolag/common.h"
#include "util/hash.h"

/**
 * Parses a whole string as a finite double in the C locale, with '.' or the
 * given decimal mark (',' or '.'). Leading/trailing spaces are allowed;
 * anything else (thousands separators, units) is a failure. Returns 1 on
 * success and stores the value in *out, 0 otherwise.
 */
int nbl__parse_double(const char *s, char decimal_mark, double *out);

/** Parses a whole string as a base-10 integer; returns 1 on success. */
int nbl__parse_long(const char *s, long *out);

/** Formats v with `decimals` decimals in the C locale, trailing zeros
 * trimmed ("12.5", "3"). Returns buf. */
char *nbl__fmt_double(char *buf, size_t n, double v, int decimals);

/** Rounds v to `decimals` decimal places (half away from zero). */
double nbl__round(double v, int decimals);

/** True if s is valid UTF-8 (n bytes; NUL not allowed). */
int nbl__utf8_valid(const char *s, size_t n);

/** The length (1-4) of the valid UTF-8 sequence at s (n bytes left), 0 when
 * s starts with a NUL or a byte that begins no valid sequence. */
size_t nbl__utf8_seq(const char *s, size_t n);

/** The number of characters of the UTF-8 string s (its bytes that are no
 * continuation byte): the width of a label or a padded column. */
size_t nbl__utf8_chars(const char *s);

/**
 * Grows the array *p of elem-byte elements to hold at least need of them
 * (capacity *cap, doubled from 16): 0, or -1 when out of memory (or the
 * size would overflow), *p and *cap then unchanged.
 */
int nbl__grow(void **p, size_t *cap, size_t need, size_t elem);

/** strdup that returns NULL only on NULL input or out of memory. */
char *nbl__strdup(const char *s);

/** qsort/bsearch comparator for an array of char *, by strcmp. */
int nbl__cmp_strp(const void *a, const void *b);

/** Index of key in arr (n strings sorted by strcmp), or -1. */
long nbl__find_sorted(char *const *arr, size_t n, const char *key);

/** Case-insensitive ASCII comparison. */
int nbl__strieq(const char *a, const char *b);

/**
 * An embedded asset from gis/ by relative path ("schema.sql",
 * "rulesets/dk2021.ini", "styles/areas.qml"). Returns NULL if absent. The
 * data is NUL-terminated and borrowed (static).
 */
const char *nbl__asset(const char *name, size_t *len_out);

/** Calls fn for each embedded asset whose name starts with prefix. */
void nbl__asset_each(const char *prefix,
                     void (*fn)(const char *name, const char *data, size_t len,
                                void *arg),
                     void *arg);

/**
 * An output file written under a temporary name in the same folder and
 * renamed into place by nbl__outfile_commit(), so a failed command leaves no
 * partial output. Path "-" means stdout (no temporary file). A path that
 * exists and is not a regular file (/dev/null, a named pipe) is written in
 * place, without --overwrite: a rename would replace it.
 */
typedef struct nbl__outfile {
    char *path;    /* final path, NULL for stdout */
    char *tmppath; /* temporary path, NULL for stdout or in place */
    FILE *fp;
} nbl__outfile;

/** Opens. Fails with NBL_EEXISTS if path exists and !overwrite. */
int nbl__outfile_open(nbl_ctx *ctx, nbl__outfile *of, const char *path,
                      int overwrite);
/** The same, the file created with mode (less the umask) from the start:
 * 0600 for an output that must stay private. */
int nbl__outfile_open_mode(nbl_ctx *ctx, nbl__outfile *of, const char *path,
                           int overwrite, mode_t mode);

/** Flushes, syncs and closes the temporary file (errors name the final
 * path and say when the disk is full), without renaming it: for an output
 * that must be complete before a transaction commits. Idempotent. */
int nbl__outfile_finish(nbl_ctx *ctx, nbl__outfile *of);
/** Finishes (if not done) and renames into place. Always releases of. */
int nbl__outfile_commit(nbl_ctx *ctx, nbl__outfile *of);
/** Closes and removes the temporary file. NULL-safe, idempotent. */
void nbl__outfile_abort(nbl__outfile *of);

/**
 * Locks the folder dir for this process (flock on the folder itself, so
 * nothing is left behind, and a killed process's lock goes with it): two
 * nabolag writing outputs into one folder never mix their files. Waits as
 * long as the ctx says (nbl_ctx_set_wait), saying once that it waits, then
 * fails with "<dir>: output folder is busy: ...". *fd_out receives the
 * lock for nbl__dir_unlock() (-1 on failure).
 */
int nbl__dir_lock(nbl_ctx *ctx, const char *dir, int *fd_out);

/** Releases a lock from nbl__dir_lock(); -1 is allowed. */
void nbl__dir_unlock(int fd);

/**
 * Creates the folder dir and any missing folder above it, as `mkdir -p`
 * does (mode 0777 less the umask, like mkdir). *created receives the number
 * of folders made (0 when dir was there), for nbl__rmdirs(). Fails with
 * NBL_EIO naming the folder that could not be made, or the part of dir
 * that is not a folder; then nothing made is left behind.
 */
int nbl__mkdirs(nbl_ctx *ctx, const char *dir, int *created);

/** Removes dir and then the folders above it, n in all (what nbl__mkdirs
 * made), each only while empty. */
void nbl__rmdirs(const char *dir, int n);

/** strerror(err), but a full disk (ENOSPC, EDQUOT) is called that. */
const char *nbl__io_reason(int err);

/** A temporary path beside `path` (caller frees): "<dir>/.<base>.tmp<pid>". */
char *nbl__tmp_path_for(const char *path);

/** Current UTC time as ISO 8601 ("2026-11-24T20:00:00Z") into buf[32];
 * SOURCE_DATE_EPOCH, when set, replaces the clock (reproducible outputs). */
void nbl__now_iso(char buf[32]);

/* A growing NUL-terminated string. An allocation that fails drops the
 * whole content (s NULL) and marks the buffer failed: later appends do
 * nothing, so a text built in many steps is either complete or absent,
 * never silently short. nbl__buf_free() resets it. */
typedef struct nbl__buf {
    char *s;
    size_t len, cap;
    int failed;
} nbl__buf;

int nbl__buf_append(nbl__buf *b, const char *s, size_t n);

int nbl__buf_printf(nbl__buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nbl__buf_free(nbl__buf *b);
/** Drops b's content and marks it failed, as a failed append does: for a
 * part built elsewhere that could not be made. */
void nbl__buf_fail(nbl__buf *b);

/** Appends s with &, <, > and " escaped for XML/HTML (NULL appends nothing). */
int nbl__buf_append_xml(nbl__buf *b, const char *s);

/** Appends s as one CSV field (RFC 4180): quoted, with '"' doubled, when
 * it holds delim, '"', CR or LF; NULL appends an empty field. */
int nbl__buf_append_csv(nbl__buf *b, const char *s, char delim);

/** A number formatted by nbl__fmt_double with its '.' turned into ','
 * (the decimal comma a Danish spreadsheet reads). Returns num. */
char *nbl__decimal_comma(char *num);

#endif
