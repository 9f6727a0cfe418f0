/*
 * csvread.h - a streaming CSV reader over libcsv for the statistics and
 * reference imports.
 *
 * The file is read in fixed-size blocks and fed to libcsv one physical line
 * at a time, so memory is bounded by the longest line, never by the file.
 * The reader:
 *   - strips a UTF-8 byte order mark at the start of the file;
 *   - takes every line as UTF-8 unless the file shows it is Windows-1252
 *     (Danish Excel's "CSV (semikolonsepareret)"): a line that is not
 *     UTF-8 before any line with a UTF-8 letter, and no control byte or
 *     byte cp1252 leaves undefined; such lines are converted to UTF-8 and
 *     the encoding is reported in nbl__csv_info. Anything else (binary,
 *     NUL bytes, a mix of UTF-8 and another encoding) is an error naming
 *     the line, with the advice to save as 'CSV UTF-8'; UTF-16 text, an
 *     .xls and a zip (.xlsx/.ods) workbook are named as such;
 *   - counts physical lines itself ('\n'-terminated, from the raw bytes),
 *     because libcsv skips empty lines and a quoted field may span lines;
 *     each row carries the line it starts on;
 *   - detects the delimiter (one of , ; or tab) from the first non-blank line
 *     unless one is given;
 *   - runs libcsv in strict mode: a quote inside an unquoted field, text
 *     after a closing quote, or a quote left open at the end of the file is
 *     an error naming the line, never silently repaired.
 * Unquoted fields are trimmed of surrounding spaces and tabs (libcsv);
 * CRLF and LF line ends are both accepted; blank lines are skipped, and so
 * are records whose fields are all empty (";;;;", left by Excel), which
 * are counted in nbl__csv_info.empty_rows.
 */
#ifndef NBL_CSVREAD_H
#define NBL_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

#include "nabolag/common.h"

/** One CSV record, valid only during the callback. */
typedef struct nbl__csv_row {
    size_t n;            /* number of fields (>= 1) */
    const char **fields; /* NUL-terminated UTF-8 text of each field */
    const size_t *lens;  /* byte length of each field */
    long line;           /* physical line (1-based) the record starts on */
    long index;          /* 0 for the first record (the header), 1, 2, ... */
    /* NULL for CSV; from a workbook, 1 per field the source stored as a
     * number (its text then uses '.' as the decimal mark) */
    const unsigned char *typed;
    char delimiter; /* the file's delimiter (for quoting a row in messages);
                       0 for a workbook */
    /* the header row of a filter that renames columns (a StatBank
     * download turned into area_id,year,variable,value): the headings as
     * the file writes them, for messages; NULL = fields */
    const char *const *shown;
} nbl__csv_row;

/** Called once per record in file order. Return 0 to go on; any other value
 * stops reading and is returned by nbl__csv_read() (set the ctx error
 * first if it is a failure). */
typedef int (*nbl__csv_row_fn)(const nbl__csv_row *row, void *arg);

typedef struct nbl__csv_opts {
    char delimiter;       /* ',', ';' or '\t'; 0 = detect from the header */
    const char *progress; /* progress message, NULL for none */
    double progress_lo;   /* progress fraction at the start of the file */
    double progress_hi;   /* ... and at its end */
} nbl__csv_opts;

/** What a read found out about the file. */
typedef struct nbl__csv_info {
    char delimiter;       /* the delimiter used */
    long lines;           /* physical lines */
    long empty_rows;      /* records with every field empty (skipped) */
    const char *encoding; /* "utf-8" or "windows-1252" (static) */
    long encoding_line;   /* windows-1252: the first line that showed it */
} nbl__csv_info;

/**
 * Reads the open stream f (named name in messages) and calls fn for every
 * record; fills *info (may be NULL) on success. The entry point for
 * buffers (fmemopen) and the fuzz harness. Errors as nbl__csv_read().
 */
int nbl__csv_read_fp(nbl_ctx *ctx, const char *name, FILE *f,
                     const nbl__csv_opts *opts, nbl__csv_row_fn fn, void *arg,
                     nbl__csv_info *info);

/** nbl__csv_read_fp() on the file at path. */
int nbl__csv_read_info(nbl_ctx *ctx, const char *path,
                       const nbl__csv_opts *opts, nbl__csv_row_fn fn, void *arg,
                       nbl__csv_info *info);

/**
 * Sniffs the first bytes of a file: "utf-16" (a UTF-16 byte order mark,
 * or every other byte NUL), "zip" (an .xlsx/.ods workbook or another zip
 * archive), "xls" (an Excel 97-2003 workbook), or NULL for anything else.
 */
const char *nbl__csv_sniff(const char *s, size_t n);

/**
 * Reads a whole small text file as UTF-8 (*out, *outn; free *out): as it
 * is when it is UTF-8, converted when it is Windows-1252 (*encoding says
 * which). UTF-16, workbooks, binary data and a mix of encodings are
 * errors with the same messages as nbl__csv_read(). For tables that are
 * read through OGR (plans), which knows nothing of encodings.
 */
int nbl__text_utf8(nbl_ctx *ctx, const char *path, char **out, size_t *outn,
                   const char **encoding);

/**
 * The reader's encoding decision, for readers with a parsing loop of their
 * own (incidents). Zero it, set ctx and path, and pass every span of whole
 * lines ('\n'-terminated; the last span of the file may end without) to
 * nbl__text_decode in file order. Clear it with nbl__text_decoder_clear.
 */
typedef struct nbl__text_decoder {
    nbl_ctx *ctx;
    const char *path;
    long line_no;  /* lines decoded so far */
    int started;   /* the start of the file was checked */
    int enc;       /* 0 undecided (ASCII so far), 'u' UTF-8, 'w' cp1252 */
    long enc_line; /* the line that decided it */
    char *conv;    /* the last span, when it had to be converted */
    size_t conv_len, conv_cap;
} nbl__text_decoder;

/**
 * Makes the span *sp, *np UTF-8, as the CSV reader does: the first call
 * refuses UTF-16 and workbooks and skips a UTF-8 BOM; a span that is UTF-8
 * stays where it is (when the file is not Windows-1252), otherwise *sp
 * points at the converted text in d->conv. Errors as nbl__csv_read(),
 * naming path:line.
 */
int nbl__text_decode(nbl__text_decoder *d, const char **sp, size_t *np);

/** "utf-8" or "windows-1252" (static). */
const char *nbl__text_decoder_encoding(const nbl__text_decoder *d);

/** Frees what the decoder holds. */
void nbl__text_decoder_clear(nbl__text_decoder *d);

/** The error for a file sniffed (nbl__csv_sniff) as `why`: UTF-16, an .xls
 * or a zip workbook, with the advice to save it as CSV UTF-8. */
int nbl__csv_not_text(nbl_ctx *ctx, const char *path, const char *why);

/**
 * Reads path and calls fn for every record. opts may be NULL (detect the
 * delimiter, no progress). On success returns NBL_OK and, when not NULL,
 * stores the delimiter used in *delimiter_out and the number of physical
 * lines in *lines_out. Errors (ctx message "<path>:<line>: <reason>"):
 * NBL_EIO (cannot open or read), NBL_EFORMAT (invalid UTF-8, malformed
 * quoting, undecidable delimiter), NBL_ECANCELLED, or fn's return value.
 */
int nbl__csv_read(nbl_ctx *ctx, const char *path, const nbl__csv_opts *opts,
                  nbl__csv_row_fn fn, void *arg, char *delimiter_out,
                  long *lines_out);

/**
 * Decides the delimiter from a header line (n bytes, or up to its first
 * '\n'): the one of ',', ';' and tab that occurs outside quotes, ',' when
 * none does; 0 when more than one does (the file must say: --delimiter).
 */
char nbl__csv_detect_delimiter(const char *line, size_t n);

/** The (translated) reason for a 0 from nbl__csv_detect_delimiter(), for a
 * message "FILE:LINE: reason". */
const char *nbl__csv_delimiter_unclear(void);

/**
 * Splits whole lines of CSV without quotes, for readers with a parsing loop
 * of their own (incidents), the way libcsv in strict mode would and with
 * the same callbacks, without copying a byte: fields end at delim, spaces
 * and tabs around a field are dropped, a '\r' before a line's '\n' ends
 * the row with it, empty lines are skipped. field() gets each field
 * NUL-terminated in place (the byte after it is overwritten: s is
 * changed), row() the character that ended the row. s[0..n) must hold no
 * '"' and start a record. Returns the bytes done: n, or the start of the
 * first line left to libcsv (a line without its '\n', a line of blanks, a
 * '\r' inside a line), where a record starts.
 */
size_t nbl__csv_split_plain(char *s, size_t n, char delim,
                            void (*field)(void *, size_t, void *),
                            void (*row)(int, void *), void *arg);

/* The step by which libcsv grows a field's buffer (csv_set_blk_size). */
#define NBL_CSV_BLOCK ((size_t)1 << 20)

#endif
