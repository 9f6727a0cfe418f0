/*
 * ruleset.h - statutory area criteria as data: an INI file (gis/rulesets/
 * <name>.ini, embedded, or a user file) read with inih, then overridden by
 * the [ruleset] and [criterion.<id>] sections of a config/project file.
 *
 * Invariants after a successful nbl__ruleset_load(): every criterion has a
 * kind, its variables, an operator, a finite threshold and a window of
 * 1..NBL_RS_MAX_WINDOW years; counted/size/parallel name existing
 * criteria; the variables the criteria read are listed in vars[] and each
 * criterion's num/den/mean hold indices into it (-1 when unused).
 */
#ifndef NBL_RULESET_H
#define NBL_RULESET_H

#include "nabolag/common.h"

#define NBL_RS_MAX_CRIT 12
#define NBL_RS_MAX_VARS 32
#define NBL_RS_MAX_WINDOW 10
#define NBL_RS_NAME 64

/** How a criterion's value is formed. */
typedef enum {
    NBL_CK_NONE = 0,
    NBL_CK_SHARE,       /* 100 * numerator / denominator (percent) */
    NBL_CK_COUNTRY,     /* share, compared as ratio to the country share */
    NBL_CK_REGION_MEAN, /* 100 * area mean / region mean */
    NBL_CK_COUNT        /* the numerator variable itself */
} nbl__crit_kind;

/** Comparison operator, exactly as the law words it. */
typedef enum {
    NBL_OP_NONE = 0,
    NBL_OP_GT,
    NBL_OP_GE,
    NBL_OP_LT,
    NBL_OP_LE
} nbl__op;

/** Window averaging: mean of yearly shares, or pooled sums. */
typedef enum { NBL_AVG_DEFAULT = 0, NBL_AVG_SHARES, NBL_AVG_POOLED } nbl__avg;

typedef struct nbl__criterion {
    char id[NBL_RS_NAME];
    char label[160];
    nbl__crit_kind kind;
    char numerator[NBL_RS_NAME];
    char denominator[NBL_RS_NAME];
    char mean[NBL_RS_NAME];
    /* statistics given as shares (docs/methods.md): `share` is a percent
     * variable used for a year whose counts are missing (share, country:
     * the area's and the country's share; region_mean: the area's percent
     * of the regional mean); `threshold_share` (country only) a refs
     * variable of the country holding the printed threshold share itself */
    char share[NBL_RS_NAME];
    char threshold_share[NBL_RS_NAME];
    nbl__op op;
    double threshold;       /* NAN until set */
    double threshold_low;   /* NAN = no lower (forebyggelse) threshold */
    int window;             /* years, >= 1 */
    nbl__avg average;       /* NBL_AVG_DEFAULT = the ruleset's */
    int num, den, mean_idx; /* indices into the ruleset's vars, -1 unused */
    int share_idx, thr_idx; /* share / threshold_share, -1 unused */
    char src[256];          /* file that last set a key (for messages) */
} nbl__criterion;

typedef struct nbl__ruleset {
    char name[NBL_RS_NAME];
    char version[NBL_RS_NAME];
    char title[200];
    char law[200];
    nbl__avg average; /* SHARES or POOLED */
    nbl__criterion crit[NBL_RS_MAX_CRIT];
    int ncrit;
    int counted[NBL_RS_MAX_CRIT]; /* criterion indices */
    int ncounted;
    int needed;
    int size_idx;                    /* -1: no size precondition */
    int parallel_idx;                /* -1: no parallelsamfund category */
    int omdannelse_years;            /* 0: no omdannelse category */
    int omdannelse_transition_years; /* 0: no transitional rule */
    int omdannelse_transition_first, omdannelse_transition_last;
    int unknown_history_not_met; /* 1: unknown history years count as not
                                    parallelsamfund; 0: not evaluable */
    int forebyggelse;            /* 1: forebyggelse category exists */
    int forebyggelse_needed;
    int overridden; /* 1 when a config file changed something */
    char vars[NBL_RS_MAX_VARS][NBL_RS_NAME];
    int nvars;
    /* raw list texts until validation resolves them */
    char counted_text[256], size_text[NBL_RS_NAME], parallel_text[NBL_RS_NAME];
    char src[256]; /* file that last set a [ruleset] key */
} nbl__ruleset;

/**
 * Loads a ruleset. `name_or_path` is a built-in name ("dk2021"; NULL means
 * dk2021) or a path to an INI file (anything containing '/' or ending in
 * ".ini"). `config` (may be NULL) is a config/project file whose [ruleset]
 * and [criterion.<id>] sections override the ruleset's keys; other sections
 * are ignored. When name_or_path is NULL and the config's [project] section
 * has `ruleset`, that one is used (a path relative to the config's folder).
 * On success *out is malloc'ed (free with nbl__ruleset_free). Errors name
 * the file, line, section and key: "my.ini:12: [criterion.lab] threshold:
 * not a number: 'abc'".
 */
int nbl__ruleset_load(nbl_ctx *ctx, const char *name_or_path,
                      const char *config, nbl__ruleset **out);

/** Parses a ruleset from INI text (`what` names it in messages), then
 * validates it. For tests and for stored definitions. */
int nbl__ruleset_parse(nbl_ctx *ctx, const char *text, const char *what,
                       nbl__ruleset **out);

/** Applies overrides from INI text (config-file semantics) to rs and
 * validates again. */
int nbl__ruleset_override(nbl_ctx *ctx, nbl__ruleset *rs, const char *text,
                          const char *what);

void nbl__ruleset_free(nbl__ruleset *rs);

/** Index of the criterion with this id, or -1. */
int nbl__ruleset_find(const nbl__ruleset *rs, const char *id);

/** The effective ruleset as canonical INI text (malloc'ed, caller frees);
 * NULL when out of memory. Parsing it gives the same ruleset. */
char *nbl__ruleset_to_ini(const nbl__ruleset *rs);

/** Years of parallelsamfund that make omdannelse in `year` (0 = none). */
int nbl__ruleset_omdannelse_years(const nbl__ruleset *rs, int year);

/** "> ", ">=", ... */
const char *nbl__op_name(nbl__op op);

#endif
