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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "util/ctx.h"
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
    long rows;      /* records delivered */
    /* fields of the current record */
    char *fbuf;
    size_t fbuf_len, fbuf_cap;
    size_t *off, *lens;
    const char **ptrs;
    size_t nf, f_cap;
    int stop; /* value returned by fn, or an error code */
    int nomem;
};

char
nbl__csv_detect_delimiter(const char *line, size_t n)
{
    int inq = 0, comma = 0, semi = 0;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '"')
            inq = !inq;
        else if (!inq && c == ',')
            comma++;
        else if (!inq && c == ';')
            semi++;
    }
    if (comma && semi)
        return 0;
    return semi ? ';' : ',';
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 16;
    void *q;
    if (need <= *cap)
        return 0;
    while (c < need)
        c *= 2;
    q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
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
    if (grow((void **)&r->fbuf, &r->fbuf_cap, r->fbuf_len + len + 1, 1)) {
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
    for (size_t i = 0; i < r->nf; i++)
        r->ptrs[i] = r->fbuf + r->off[i];
    row.n = r->nf;
    row.fields = r->ptrs;
    row.lens = r->lens;
    row.line = r->row_start;
    row.index = r->rows++;
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

/* Feeds one complete physical line (with its '\n' unless at EOF). */
static int
feed_line(struct reader *r, int *have_delim)
{
    char *s = r->line;
    size_t n = r->line_len;
    r->line_no++;
    if (r->line_no == 1 && n >= 3 && (unsigned char)s[0] == 0xEF &&
        (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
        s += 3;
        n -= 3;
    }
    if (!nbl__utf8_valid(s, n))
        return nbl__error(r->ctx, NBL_EFORMAT,
                          "%s:%ld: not valid UTF-8 text (save the file as "
                          "UTF-8, e.g. 'iconv -f latin1 -t utf-8')",
                          r->path, r->line_no);
    if (!*have_delim) {
        char d;
        if (is_blank(s, n))
            return NBL_OK;
        d = nbl__csv_detect_delimiter(s, n);
        if (!d)
            return nbl__error(r->ctx, NBL_EFORMAT,
                              "%s:%ld: cannot tell the delimiter: the header "
                              "has both ',' and ';' (pass --delimiter ',' or "
                              "--delimiter ';')",
                              r->path, r->line_no);
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

int
nbl__csv_read(nbl_ctx *ctx, const char *path, const nbl__csv_opts *opts,
              nbl__csv_row_fn fn, void *arg, char *delimiter_out,
              long *lines_out)
{
    struct reader r;
    FILE *f;
    char *block = NULL;
    size_t got;
    int rc = NBL_OK, have_delim = 0;
    struct stat st;
    double total = 0, done = 0, next_report = 0;

    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.path = path;
    r.fn = fn;
    r.arg = arg;
    f = fopen(path, "rb");
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", path,
                          strerror(errno));
    if (fstat(fileno(f), &st) == 0)
        total = (double)st.st_size;
    if (csv_init(&r.p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        fclose(f);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    if (opts && opts->delimiter) {
        csv_set_delim(&r.p, (unsigned char)opts->delimiter);
        have_delim = 1;
    }
    block = malloc(BLOCK);
    if (!block) {
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    while (rc == NBL_OK && (got = fread(block, 1, BLOCK, f)) > 0) {
        size_t i = 0;
        while (rc == NBL_OK && i < got) {
            char *nl = memchr(block + i, '\n', got - i);
            size_t seg = nl ? (size_t)(nl - (block + i)) + 1 : got - i;
            if (grow((void **)&r.line, &r.line_cap, r.line_len + seg + 1, 1)) {
                rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            memcpy(r.line + r.line_len, block + i, seg);
            r.line_len += seg;
            i += seg;
            if (nl) {
                rc = feed_line(&r, &have_delim);
                r.line_len = 0;
            }
        }
        done += (double)got;
        if (rc == NBL_OK && opts && opts->progress && total > 0 &&
            done >= next_report) {
            double frac =
                opts->progress_lo +
                (opts->progress_hi - opts->progress_lo) * (done / total);
            rc = nbl__progress(ctx, frac, opts->progress);
            next_report = done + total / 100.0;
        }
    }
    if (rc == NBL_OK && ferror(f))
        rc = nbl__error(ctx, NBL_EIO, "%s: read error: %s", path,
                        strerror(errno));
    if (rc == NBL_OK && r.line_len > 0) {
        rc = feed_line(&r, &have_delim);
        r.line_len = 0;
    }
    if (rc == NBL_OK) {
        if (csv_fini(&r.p, on_field, on_row, &r) != 0) {
            rc = nbl__error(ctx, NBL_EFORMAT,
                            "%s:%ld: a quoted field opened on this line is "
                            "never closed",
                            path, r.row_start);
        } else if (r.nomem) {
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        } else {
            rc = r.stop;
        }
    }
done:
    if (rc == NBL_OK) {
        if (delimiter_out)
            *delimiter_out = (char)csv_get_delim(&r.p);
        if (lines_out)
            *lines_out = r.line_no;
    }
    csv_free(&r.p);
    fclose(f);
    free(block);
    free(r.line);
    free(r.fbuf);
    free(r.off);
    free(r.lens);
    free(r.ptrs);
    return rc;
}
