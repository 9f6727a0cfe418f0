/*
 * csvread.c - streaming CSV reading over libcsv (see csvread.h).
 *
 * Data model: raw bytes are read in blocks of BLOCK bytes and cut into
 * physical lines ('\n'-terminated) in `line`; each complete line is checked
 * for UTF-8 and then fed to libcsv. Because libcsv runs in strict mode, a
 * record can only continue past a line end inside a quoted field, and a
 * quoted field toggles the quote parity exactly once per '"' byte (doubled
 * quotes toggle twice). So "the next record starts on this line" is known
 * before the line is fed: it is every line that begins outside quotes.
 * Fields of the current record are gathered in `fbuf` (offsets in `off`)
 * and handed to the callback when libcsv ends the record.
 * Invariant: memory is O(longest line + widest record), not O(file).
 */
#include "import/csvread.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

#define BLOCK 65536

struct reader {
    nbl_ctx *ctx;
    const char *path;
    nbl__csv_row_fn fn;
    void *arg;
    struct csv_parser p;
    /* current physical line */
    char *line;
    size_t line_len, line_cap;
    long line_no;
    int in_quote;   /* quote parity at the start of the next line */
    long row_start; /* line of the record being parsed */
    int cr;    /* line ends: 0 not seen yet, 1 '\r' alone (classic Mac Excel's
                  "CSV (Macintosh)"), 2 '\n' or "\r\n" */
    long rows; /* records delivered */
    /* fields of the current record */
    char *fbuf;
    size_t fbuf_len, fbuf_cap;
    size_t *off, *lens;
    const char **ptrs;
    size_t nf, f_cap;
    int stop; /* value returned by fn, or an error code */
    int nomem;
    nbl__text_decoder dec; /* UTF-8 or Windows-1252, line by line */
    long empty_rows;
};

/* A ',' between two digits ("6,8") is a decimal comma in a line that also
 * has ';' or a tab - a first line of data, whose missing header the
 * reader then names - and is no delimiter there. */
char
nbl__csv_detect_delimiter(const char *line, size_t n)
{
    int inq = 0, comma = 0, numcomma = 0, semi = 0, tab = 0;
    for (size_t i = 0; i < n && line[i] != '\n'; i++) {
        char c = line[i];
        if (c == '"')
            inq = !inq;
        else if (!inq && c == ',' && i > 0 && i + 1 < n && line[i - 1] >= '0' &&
                 line[i - 1] <= '9' && line[i + 1] >= '0' && line[i + 1] <= '9')
            numcomma = 1;
        else if (!inq && c == ',')
            comma = 1;
        else if (!inq && c == ';')
            semi = 1;
        else if (!inq && c == '\t')
            tab = 1;
    }
    if (numcomma && !semi && !tab)
        comma = 1;
    if (comma + semi + tab > 1)
        return 0;
    return semi ? ';' : tab ? '\t' : ',';
}

const char *
nbl__csv_delimiter_unclear(void)
{
    return _("cannot tell the delimiter: the header has more than one of "
             "',', ';' and tab outside quotes (pass --delimiter ',', ';' "
             "or tab; in a project file: delimiter = comma, semicolon or "
             "tab)");
}

static void
on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->stop || r->nomem)
        return;
    if (r->nf == r->f_cap) {
        /* the three per-field arrays always have the same capacity */
        size_t cap = r->f_cap ? r->f_cap * 2 : 16;
        size_t *off = realloc(r->off, cap * sizeof *off);
        if (off)
            r->off = off;
        size_t *lens = off ? realloc(r->lens, cap * sizeof *lens) : NULL;
        if (lens)
            r->lens = lens;
        const char **ptrs = lens ? realloc(r->ptrs, cap * sizeof *ptrs) : NULL;
        if (!ptrs) {
            r->nomem = 1;
            return;
        }
        r->ptrs = ptrs;
        r->f_cap = cap;
    }
    if (nbl__grow((void **)&r->fbuf, &r->fbuf_cap, r->fbuf_len + len + 1, 1)) {
        r->nomem = 1;
        return;
    }
    if (len)
        memcpy(r->fbuf + r->fbuf_len, s, len);
    r->off[r->nf] = r->fbuf_len;
    r->lens[r->nf] = len;
    r->fbuf_len += len;
    r->fbuf[r->fbuf_len++] = '\0';
    r->nf++;
}

static void
on_row(int c, void *data)
{
    struct reader *r = data;
    nbl__csv_row row;
    (void)c;
    if (r->stop || r->nomem) {
        r->nf = 0;
        r->fbuf_len = 0;
        return;
    }
    {
        size_t filled = 0;
        for (size_t i = 0; i < r->nf; i++)
            filled += r->lens[i] > 0;
        if (r->nf > 0 && filled == 0) {
            /* ";;;;" - what Excel leaves below (or between) the data */
            r->empty_rows++;
            r->nf = 0;
            r->fbuf_len = 0;
            return;
        }
    }
    for (size_t i = 0; i < r->nf; i++)
        r->ptrs[i] = r->fbuf + r->off[i];
    row.n = r->nf;
    row.fields = r->ptrs;
    row.lens = r->lens;
    row.line = r->row_start;
    row.index = r->rows++;
    row.typed = NULL;
    row.delimiter = (char)csv_get_delim(&r->p);
    row.shown = NULL;
    if (r->nf > 0)
        r->stop = r->fn(&row, r->arg);
    r->nf = 0;
    r->fbuf_len = 0;
}

static int
is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Windows-1252 bytes 0x80-0x9F as Unicode (0 = undefined); 0xA0-0xFF are
 * the same code points as Latin-1. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* The first byte that rules out Windows-1252 text (a control byte other
 * than tab, CR and LF, or one of the five undefined bytes), or -1. */
static int
cp1252_bad_byte(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F ||
            (c >= 0x80 && c < 0xA0 && !cp1252_high[c - 0x80]))
            return c;
    }
    return -1;
}

/* Appends n bytes of Windows-1252 text to d->conv as UTF-8 (conv_len). */
static int
cp1252_convert(nbl__text_decoder *d, const char *s, size_t n)
{
    size_t k = d->conv_len;
    if (nbl__grow((void **)&d->conv, &d->conv_cap, k + 3 * n + 1, 1))
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp = c < 0x80 ? c : c < 0xA0 ? cp1252_high[c - 0x80] : c;
        if (cp < 0x80) {
            d->conv[k++] = (char)cp;
        } else if (cp < 0x800) {
            d->conv[k++] = (char)(0xC0 | (cp >> 6));
            d->conv[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            d->conv[k++] = (char)(0xE0 | (cp >> 12));
            d->conv[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            d->conv[k++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    d->conv_len = k;
    return 0;
}

static int
has_high(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* The length of the longest prefix of s[0..n) that is ASCII without NUL,
 * with the '\n's in it in *nl; eight bytes at a time, as this runs over
 * every byte of a file. */
static size_t
ascii_prefix(const char *s, size_t n, long *nl)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    const uint64_t low = 0x7f7f7f7f7f7f7f7fu;
    size_t i = 0;
    long k = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, t;
        memcpy(&w, s + i, 8);
        if ((w & high) || ((w - ones) & ~w & high))
            break; /* a byte >= 0x80 or a NUL: found below */
        t = w ^ (ones * '\n');
        t = ~(((t & low) + low) | t | low); /* 0x80 in each '\n' byte */
        k += (long)(((t >> 7) * ones) >> 56);
    }
    for (; i < n && s[i] != '\0' && (unsigned char)s[i] < 0x80; i++)
        k += s[i] == '\n';
    *nl = k;
    return i;
}

/* Whether s[0..n) is UTF-8 without NUL (nbl__utf8_valid), checking the
 * ASCII runs a word at a time and only the runs of bytes >= 0x80 (whole
 * sequences, when valid) byte by byte. Then *lines is the number of its
 * '\n's, *first the index of its first byte >= 0x80 (n if none) and
 * *lines_before the '\n's before that byte. */
static int
utf8_scan(const char *s, size_t n, long *lines, size_t *first,
          long *lines_before)
{
    size_t i = 0;
    long k = 0, t;
    *first = n;
    *lines_before = 0;
    for (;;) {
        size_t j;
        i += ascii_prefix(s + i, n - i, &t);
        k += t;
        if (i == n)
            break;
        if (s[i] == '\0')
            return 0;
        for (j = i; j < n && (unsigned char)s[j] >= 0x80; j++)
            ;
        if (*first == n) {
            *first = i;
            *lines_before = k;
        }
        if (!nbl__utf8_valid(s + i, j - i))
            return 0;
        i = j;
    }
    *lines = k;
    return 1;
}

static int
is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

/* The fields of one line line[0..len) ('\r' dropped), into field(). */
static void
split_line(char *line, size_t len, char delim,
           void (*field)(void *, size_t, void *), void *arg)
{
    char *p = line, *end = line + len;
    for (;;) {
        char *a = p, *b;
        while (p < end && *p != delim)
            p++;
        b = p;
        while (a < b && is_blank_char(*a))
            a++;
        while (b > a && is_blank_char(b[-1]))
            b--;
        if (p == end) {
            *b = '\0'; /* over a blank, the '\r' or the '\n' */
            field(a, (size_t)(b - a), arg);
            return;
        }
        *b = '\0';
        field(a, (size_t)(b - a), arg);
        p++;
    }
}

size_t
nbl__csv_split_plain(char *s, size_t n, char delim,
                     void (*field)(void *, size_t, void *),
                     void (*row)(int, void *), void *arg)
{
    size_t pos = 0;
    while (pos < n) {
        char *line = s + pos, *nl = memchr(line, '\n', n - pos);
        size_t len, k;
        int term = '\n';
        if (!nl)
            return pos; /* libcsv holds it until the end */
        len = (size_t)(nl - line);
        if (len > 0 && line[len - 1] == '\r')
            len--, term = '\r';
        for (k = 0; k < len && is_blank_char(line[k]); k++)
            ;
        if (k == len && len > 0)
            return pos; /* blanks only */
        if (len > 0 && memchr(line, '\r', len))
            return pos; /* a '\r' ends a row inside the line */
        pos += (size_t)(nl - line) + 1;
        if (len == 0)
            continue; /* an empty line: no row */
        split_line(line, len, delim, field, arg);
        row(term, arg);
    }
    return pos;
}

const char *
nbl__csv_sniff(const char *s, size_t n)
{
    size_t zeros[2] = {0, 0}, m = n < 512 ? n : 512;
    if (n >= 2 &&
        (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
         ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)))
        return "utf-16";
    if (n >= 4 && memcmp(s, "PK\x03\x04", 4) == 0)
        return "zip";
    if (n >= 4 && memcmp(s, "\xD0\xCF\x11\xE0", 4) == 0)
        return "xls";
    for (size_t i = 0; i < m; i++)
        if (!s[i])
            zeros[i % 2]++;
    /* ASCII text as UTF-16: every other byte is NUL */
    if (m >= 6 && (zeros[0] + zeros[1]) * 3 >= m &&
        (zeros[0] == 0 || zeros[1] == 0))
        return "utf-16";
    return NULL;
}

int
nbl__csv_not_text(nbl_ctx *ctx, const char *path, const char *why)
{
    if (strcmp(why, "utf-16") == 0)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: the file is UTF-16 text, not UTF-8; save it "
                          "as UTF-8 (in Excel: 'CSV UTF-8 (kommasepareret)'; "
                          "or 'iconv -f UTF-16 -t UTF-8')",
                          path);
    if (strcmp(why, "xls") == 0)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: an Excel 97-2003 workbook (.xls), not CSV "
                          "text; save it as .xlsx or as 'CSV UTF-8 "
                          "(kommasepareret)'",
                          path);
    return nbl__error(ctx, NBL_EFORMAT,
                      "%s: a workbook or zip archive, not CSV text (give a "
                      ".xlsx or .ods workbook its own extension, or save it "
                      "as 'CSV UTF-8 (kommasepareret)')",
                      path);
}

/* One line of the span (d->line_no is its number): kept in d->conv as
 * it is when it is UTF-8, else converted from Windows-1252 once the file
 * has shown it is cp1252 (a non-UTF-8 line before any UTF-8 letter). */
static int
decode_one(nbl__text_decoder *d, const char *s, size_t n)
{
    int bad;
    if (d->enc != 'w' && nbl__utf8_valid(s, n)) {
        if (!d->enc && has_high(s, n)) {
            d->enc = 'u';
            d->enc_line = d->line_no;
        }
        if (nbl__grow((void **)&d->conv, &d->conv_cap, d->conv_len + n + 1, 1))
            return nbl__error(d->ctx, NBL_ENOMEM, "out of memory");
        memcpy(d->conv + d->conv_len, s, n);
        d->conv_len += n;
        return NBL_OK;
    }
    bad = cp1252_bad_byte(s, n);
    if (bad >= 0 || d->enc == 'u') {
        char why[96];
        if (d->enc == 'u')
            snprintf(why, sizeof why,
                     "line %ld is UTF-8, so this is not Windows-1252 either",
                     d->enc_line);
        else
            snprintf(why, sizeof why, "byte 0x%02X", (unsigned)bad);
        return nbl__error(d->ctx, NBL_EFORMAT,
                          "%s:%ld: not valid UTF-8 or Windows-1252 text (%s); "
                          "save the file as UTF-8 (in Excel: 'CSV UTF-8 "
                          "(kommasepareret)')",
                          d->path, d->line_no, why);
    }
    if (!d->enc) {
        d->enc = 'w';
        d->enc_line = d->line_no;
    }
    if (cp1252_convert(d, s, n))
        return nbl__error(d->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* The start of the file: UTF-16 and workbooks are refused, a UTF-8 BOM
 * is skipped and declares the file UTF-8. */
static int
decode_start(nbl__text_decoder *d, const char **sp, size_t *np)
{
    const char *kind = nbl__csv_sniff(*sp, *np);
    d->started = 1;
    if (kind)
        return nbl__csv_not_text(d->ctx, d->path, kind);
    if (*np >= 3 && memcmp(*sp, "\xEF\xBB\xBF", 3) == 0) {
        *sp += 3;
        *np -= 3;
        d->enc = 'u'; /* declared UTF-8: never guessed as cp1252 */
        d->enc_line = 1;
    }
    return NBL_OK;
}

int
nbl__text_decode(nbl__text_decoder *d, const char **sp, size_t *np)
{
    const char *s = *sp;
    size_t n = *np, hi;
    long lf, lf_hi;
    int rc;
    if (!d->started && (rc = decode_start(d, &s, &n)))
        return rc;
    /* the usual case: UTF-8, mostly or only ASCII */
    if (d->enc != 'w' && utf8_scan(s, n, &lf, &hi, &lf_hi)) {
        if (!d->enc && hi < n) {
            d->enc = 'u';
            d->enc_line = d->line_no + 1 + lf_hi;
        }
        d->line_no += lf + (n > 0 && s[n - 1] != '\n');
        *sp = s;
        *np = n;
        return NBL_OK;
    }
    d->conv_len = 0;
    for (size_t lo = 0; lo < n;) { /* line by line */
        const char *nl = memchr(s + lo, '\n', n - lo);
        size_t end = nl ? (size_t)(nl - s) + 1 : n;
        d->line_no++;
        if ((rc = decode_one(d, s + lo, end - lo)))
            return rc;
        lo = end;
    }
    *sp = d->conv ? d->conv : s;
    *np = d->conv_len;
    return NBL_OK;
}

const char *
nbl__text_decoder_encoding(const nbl__text_decoder *d)
{
    return d->enc == 'w' ? "windows-1252" : "utf-8";
}

void
nbl__text_decoder_clear(nbl__text_decoder *d)
{
    free(d->conv);
    d->conv = NULL;
    d->conv_cap = d->conv_len = 0;
}

/* Feeds one complete physical line (with its '\n' unless at EOF). */
static int
feed_line(struct reader *r, int *have_delim)
{
    const char *s = r->line;
    size_t n = r->line_len;
    int rc;
    r->line_no++;
    if ((rc = nbl__text_decode(&r->dec, &s, &n)))
        return rc;
    if (!*have_delim) {
        char d;
        if (is_blank(s, n))
            return NBL_OK;
        d = nbl__csv_detect_delimiter(s, n);
        if (!d)
            return nbl__error(r->ctx, NBL_EFORMAT, "%s:%ld: %s", r->path,
                              r->line_no, nbl__csv_delimiter_unclear());
        csv_set_delim(&r->p, (unsigned char)d);
        *have_delim = 1;
    }
    if (!r->in_quote)
        r->row_start = r->line_no;
    if (csv_parse(&r->p, s, n, on_field, on_row, r) != n) {
        if (csv_error(&r->p) == CSV_EPARSE)
            return nbl__error(r->ctx, NBL_EFORMAT,
                              "%s:%ld: malformed quoting: a '\"' inside an "
                              "unquoted field, or text after a closing quote "
                              "(quote the whole field and double the quotes "
                              "inside it)",
                              r->path, r->line_no);
        return nbl__error(r->ctx, NBL_ENOMEM, "%s:%ld: %s", r->path, r->line_no,
                          csv_strerror(csv_error(&r->p)));
    }
    if (r->nomem)
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"')
            r->in_quote = !r->in_quote;
    return r->stop;
}

/* The first line end of the file decides: a '\r' not followed by '\n'
 * makes every '\r' a line end (turned into '\n' here, so that lines are
 * counted and cut as in any other file); one more byte is needed when the
 * block ends in '\r'. */
static void
cr_line_ends(struct reader *r, char *block, size_t got)
{
    for (size_t i = 0; !r->cr && i < got; i++)
        if (block[i] == '\n')
            r->cr = 2;
        else if (block[i] == '\r' && i + 1 < got)
            r->cr = block[i + 1] == '\n' ? 2 : 1;
        else if (block[i] == '\r')
            break;
    for (size_t i = 0; r->cr == 1 && i < got; i++)
        if (block[i] == '\r')
            block[i] = '\n';
}

/* Reads the blocks of f, cutting them into lines for feed_line. */
static int
read_blocks(struct reader *r, FILE *f, const nbl__csv_opts *opts,
            int *have_delim)
{
    char *block = malloc(BLOCK);
    struct stat st;
    double total = 0, done = 0, next_report = 0;
    size_t got;
    int rc = NBL_OK;
    if (!block)
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
        total = (double)st.st_size;
    while (rc == NBL_OK && (got = fread(block, 1, BLOCK, f)) > 0) {
        size_t i = 0;
        cr_line_ends(r, block, got);
        while (rc == NBL_OK && i < got) {
            char *nl = memchr(block + i, '\n', got - i);
            size_t seg = nl ? (size_t)(nl - (block + i)) + 1 : got - i;
            if (nbl__grow((void **)&r->line, &r->line_cap,
                          r->line_len + seg + 1, 1)) {
                rc = nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            memcpy(r->line + r->line_len, block + i, seg);
            r->line_len += seg;
            i += seg;
            if (nl) {
                rc = feed_line(r, have_delim);
                r->line_len = 0;
            }
        }
        done += (double)got;
        if (rc == NBL_OK && opts && opts->progress && total > 0 &&
            done >= next_report) {
            double frac =
                opts->progress_lo +
                (opts->progress_hi - opts->progress_lo) * (done / total);
            rc = nbl__progress(r->ctx, frac, opts->progress);
            next_report = done + total / 100.0;
        }
    }
    free(block);
    if (rc == NBL_OK && ferror(f))
        rc = nbl__error(r->ctx, NBL_EIO, "%s: read error: %s", r->path,
                        strerror(errno));
    if (rc == NBL_OK && r->line_len > 0) {
        rc = feed_line(r, have_delim);
        r->line_len = 0;
    }
    return rc;
}

static int
finish(struct reader *r)
{
    if (csv_fini(&r->p, on_field, on_row, r) != 0)
        return nbl__error(r->ctx, NBL_EFORMAT,
                          "%s:%ld: a quoted field opened on this line is "
                          "never closed",
                          r->path, r->row_start);
    if (r->nomem)
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    return r->stop;
}

int
nbl__csv_read_fp(nbl_ctx *ctx, const char *name, FILE *f,
                 const nbl__csv_opts *opts, nbl__csv_row_fn fn, void *arg,
                 nbl__csv_info *info)
{
    struct reader r;
    int rc, have_delim = 0;

    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.path = name;
    r.fn = fn;
    r.arg = arg;
    r.dec.ctx = ctx;
    r.dec.path = name;
    if (info)
        memset(info, 0, sizeof *info);
    if (csv_init(&r.p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    /* libcsv grows a field's buffer by this many bytes at a time (default
     * 128): a 10 MB field would be copied 80,000 times by an allocator
     * whose realloc copies (ASan's, valgrind's) */
    csv_set_blk_size(&r.p, NBL_CSV_BLOCK);
    if (opts && opts->delimiter) {
        csv_set_delim(&r.p, (unsigned char)opts->delimiter);
        have_delim = 1;
    }
    rc = read_blocks(&r, f, opts, &have_delim);
    if (rc == NBL_OK)
        rc = finish(&r);
    if (rc == NBL_OK && info) {
        info->delimiter = (char)csv_get_delim(&r.p);
        info->lines = r.line_no;
        info->empty_rows = r.empty_rows;
        info->encoding = nbl__text_decoder_encoding(&r.dec);
        info->encoding_line = r.dec.enc == 'w' ? r.dec.enc_line : 0;
    }
    csv_free(&r.p);
    free(r.line);
    nbl__text_decoder_clear(&r.dec);
    free(r.fbuf);
    free(r.off);
    free(r.lens);
    free(r.ptrs);
    return rc;
}

int
nbl__csv_read_info(nbl_ctx *ctx, const char *path, const nbl__csv_opts *opts,
                   nbl__csv_row_fn fn, void *arg, nbl__csv_info *info)
{
    FILE *f = fopen(path, "rb");
    int rc;
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", path,
                          strerror(errno));
    rc = nbl__csv_read_fp(ctx, path, f, opts, fn, arg, info);
    fclose(f);
    return rc;
}

int
nbl__csv_read(nbl_ctx *ctx, const char *path, const nbl__csv_opts *opts,
              nbl__csv_row_fn fn, void *arg, char *delimiter_out,
              long *lines_out)
{
    nbl__csv_info info;
    int rc = nbl__csv_read_info(ctx, path, opts, fn, arg, &info);
    if (rc == NBL_OK) {
        if (delimiter_out)
            *delimiter_out = info.delimiter;
        if (lines_out)
            *lines_out = info.lines;
    }
    return rc;
}

/* ---- whole small files (plans tables read through OGR) ------------------ */

int
nbl__text_utf8(nbl_ctx *ctx, const char *path, char **out, size_t *outn,
               const char **encoding)
{
    nbl__text_decoder d = {0};
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    const char *s;
    size_t n = 0, cap = 0, got;
    int rc;
    *out = NULL;
    *outn = 0;
    *encoding = "utf-8";
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", path,
                          strerror(errno));
    do {
        if (nbl__grow((void **)&buf, &cap, n + BLOCK + 1, 1)) {
            fclose(f);
            free(buf);
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        }
        got = fread(buf + n, 1, BLOCK, f);
        n += got;
    } while (got > 0);
    fclose(f);
    d.ctx = ctx;
    d.path = path;
    s = buf;
    rc = nbl__text_decode(&d, &s, &n);
    if (rc == NBL_OK && s != d.conv) { /* UTF-8 as it was (less a BOM) */
        memmove(buf, s, n);
        *out = buf;
        buf = NULL;
    } else if (rc == NBL_OK) {
        *out = d.conv;
        d.conv = NULL;
        *encoding = "windows-1252";
    }
    *outn = rc == NBL_OK ? n : 0;
    free(buf);
    nbl__text_decoder_clear(&d);
    return rc;
}
