/*
 * statbank.h - Danmarks Statistik StatBank (statistikbanken.dk) downloads
 * turned into the long layout the statistics and reference imports read.
 *
 * A download is one row per combination of its dimensions:
 *     OMRÅDE;HERKOMST;KØN;TID;INDHOLD
 *     101 København;Indvandrere fra ikke-vestlige lande;I alt;2023;41234
 * (UTF-8 with BOM, ';', CRLF, decimal comma, ".." for a suppressed value;
 * the CSV reader handles the bytes). This filter sits between a row source
 * and the importer: it reads the header, then turns each row into
 *     area_id,year,variable,value            (statistics)
 *     scope,code,year,variable,value         (references)
 * where the id or code is the label's numeric code before its first space
 * ("101 København" -> "101"; a label without a code, "Indre By", is used
 * whole), the year is TID ("2023"; "2023K4" or
 * "2023M12" only with period = last, which keeps each year's last period),
 * the variable is fixed (variable = pop) or mapped from a dimension's
 * labels (variable_from = HERKOMST, label.<label> = <variable>), and the
 * value is INDHOLD as written. Every other dimension must be held to one
 * value (where.KØN = I alt); a column that varies without a where is an
 * error naming it. Rows left out by where, by period = last or by a label
 * mapped to nothing are counted, not lost silently.
 */
#ifndef NBL_STATBANK_H
#define NBL_STATBANK_H

#include <stddef.h>

#include "import/csvread.h"
#include "nabolag/common.h"
#include "nabolag/stats.h"

typedef nbl_stats_pair nbl__statbank_pair;

typedef struct nbl__statbank_opts {
    const char *area_heading;  /* the id/code column; NULL = the first */
    const char *time_heading;  /* NULL = "TID" */
    const char *value_heading; /* NULL = "INDHOLD" */
    const char *variable;      /* fixed variable, or NULL */
    const char *variable_from; /* dimension whose labels name variables */
    const nbl__statbank_pair *labels; /* label -> variable ("" = leave out) */
    size_t nlabels;
    const nbl__statbank_pair *where; /* heading -> the one value kept */
    size_t nwhere;
    int period_last;   /* a year's last period stands for the year */
    int refs;          /* references: scope,code,... */
    const char *scope; /* refs: country|region|municipality; NULL = from the
                          code (000 country, 081-085 region, else
                          municipality, as DST numbers them) */
} nbl__statbank_opts;

typedef struct nbl__statbank nbl__statbank;

/** True when the header's last two columns are TID and INDHOLD (ASCII
 * case ignored), as in every StatBank CSV download. */
int nbl__statbank_detect(size_t n, const char *const *headings);

/**
 * A filter that calls fn(row, arg) with the converted rows; path names the
 * file in messages. Feed it rows with nbl__statbank_row (an
 * nbl__csv_row_fn); with period_last, first feed every row once to
 * nbl__statbank_scan, then nbl__statbank_rewind, then the rows again.
 */
int nbl__statbank_new(nbl__statbank **out, nbl_ctx *ctx, const char *path,
                      const nbl__statbank_opts *o, nbl__csv_row_fn fn,
                      void *arg);
int nbl__statbank_scan(const nbl__csv_row *row, void *sb);
void nbl__statbank_rewind(nbl__statbank *sb);
int nbl__statbank_row(const nbl__csv_row *row, void *sb);
/** Rows read and rows left out (where, period, label mapped to nothing). */
void nbl__statbank_counts(const nbl__statbank *sb, long *rows, long *left_out);
void nbl__statbank_free(nbl__statbank *sb);

/** Splits a StatBank time ("2023", "2023K4", "2023M12", "2023H1") into the
 * year, the period letter (0 for a year) and number; 0 when not a time. */
int nbl__statbank_time(const char *s, long *year, char *kind, long *period);

#endif
