/*
 * colmap.h - column mapping: which heading of an input file is which role
 * (a key such as area_id, year or cell, the long layout's variable and
 * value, or a variable of the wide layout), and which headings to ignore.
 *
 * Pure: no I/O, no ctx. A reader collects the user's mapping (project file
 * `column.<target> = HEADING` and `ignore = A, B`, or the CLI's
 * `--column TARGET=HEADING` and `--ignore HEADING`) into an nbl__colmap,
 * then resolves it against the header row it read into an nbl__colplan:
 * the output columns in a fixed order (the keys in the order the reader
 * asked for, then `variable,value` or the variable columns in file order),
 * each with the file's column index, its canonical name and the heading
 * as the file writes it (for messages).
 *
 * Matching rules: mapped headings are compared exactly after trimming
 * spaces, tabs and a UTF-8 byte order mark; unmapped headings are placed
 * when they equal a key or `variable`/`value` (ASCII case ignored, as
 * before mappings existed) or a known variable (exactly). Anything else is
 * unplaced, and unplaced headings are an error that lists them all with
 * the nearest known names.
 */
#ifndef NBL_COLMAP_H
#define NBL_COLMAP_H

#include <stddef.h>

/** A user's mapping; zero-initialise, fill with the nbl__colmap_add*()
 * functions, free with nbl__colmap_clear(). Strings are copied. */
typedef struct nbl__colmap {
    char **target, **heading; /* parallel: target (role or variable) */
    size_t n, cap;
    char **ignore;
    size_t nignore, ignore_cap;
} nbl__colmap;

/** What a reader expects of a header. */
typedef struct nbl__colmap_want {
    const char *const *keys; /* key roles in output order ("area_id", ...) */
    size_t nkeys;
    /* per key, the heading that stands for it when it is not mapped; NULL
     * (the array or an entry) means the role's own name */
    const char *const *key_defaults;
    const char *const *vars; /* known variable names (any order) */
    size_t nvars;
    int long_ok; /* the `variable,value` pair is allowed */
    int wide_ok; /* variable columns are allowed */
} nbl__colmap_want;

/** A resolved header. Output column j reads the file's column src[j]. */
typedef struct nbl__colplan {
    size_t n;        /* output columns: nkeys + 2 (long) or nkeys + vars */
    size_t *src;     /* file column of each output column */
    char **name;     /* canonical name: key role, variable, value, or var */
    char **heading;  /* the heading as the file writes it (trimmed) */
    size_t nin;      /* columns in the file's header */
    size_t nignored; /* headings left out by ignore */
    int layout;      /* 'l' (variable,value) or 'w' */
} nbl__colplan;

/** Maps target (a key role, "variable", "value" or a variable name) to
 * heading. Returns 0, -1 when out of memory, 1 when target is already
 * mapped to another heading (the new heading wins: the CLI overrides the
 * project file). Heading is trimmed. */
int nbl__colmap_add(nbl__colmap *m, const char *target, const char *heading);

/** Parses "TARGET=HEADING" (the CLI's --column); 0, -1 (memory) or 2 when
 * there is no '=' or either side is empty. */
int nbl__colmap_add_arg(nbl__colmap *m, const char *arg);

/** Adds one heading to ignore (trimmed); 0 or -1 (memory). */
int nbl__colmap_add_ignore(nbl__colmap *m, const char *heading);

/** Adds a ','-separated list of headings to ignore; 0 or -1. */
int nbl__colmap_add_ignore_list(nbl__colmap *m, const char *list);

/** Copies every entry of src into dst (dst's own entries win); 0 or -1. */
int nbl__colmap_merge(nbl__colmap *dst, const nbl__colmap *src);

/** True when the mapping has no entries and ignores nothing. */
int nbl__colmap_empty(const nbl__colmap *m);

/** The heading mapped to target, or NULL. */
const char *nbl__colmap_heading(const nbl__colmap *m, const char *target);

/** True when heading (trimmed) is on the ignore list. */
int nbl__colmap_ignored(const nbl__colmap *m, const char *heading);

void nbl__colmap_clear(nbl__colmap *m);

/**
 * Resolves the file's header (n headings) against m and w into *out.
 * Returns 0; -1 when out of memory (*err NULL); 1 when the header does not
 * fit, with *err an allocated one-line reason (no file or line prefix; the
 * caller adds them) such as
 *   "column.pop: heading 'Antal beboere' is not in the header
 *    'Område-ID;År;Beboere' (headings are compared exactly)"
 *   "unplaced headings: 'Beboerantal' (nearest known names: 'pop', ...);
 *    map each with column.<variable> = HEADING or list it under ignore"
 * delim is used to quote the header as the file writes it (0 = ',').
 * Free *out with nbl__colplan_free() also after a failure.
 */
int nbl__colmap_resolve(const nbl__colmap *m, const nbl__colmap_want *w,
                        size_t n, const char *const *headings, char delim,
                        nbl__colplan *out, char **err);

void nbl__colplan_free(nbl__colplan *p);

/** Trims spaces, tabs and a leading UTF-8 BOM: writes the start into
 * *start and returns the length. */
size_t nbl__colmap_trim(const char *s, const char **start);

/** Edit distance between a and b (bytes, ASCII case ignored), capped at
 * 255; used for the "did you mean" suggestions. */
int nbl__colmap_distance(const char *a, const char *b);

#endif
