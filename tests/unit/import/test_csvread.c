/*
 * test_csvread.c - the streaming CSV reader: BOM, delimiters, CRLF, quoted
 * fields (delimiter, doubled quotes, embedded newlines), blank lines, UTF-8,
 * and the physical line number each record starts on (worked out by hand
 * from the literal input in each test).
 */
#include "nbl_test.h"

#include <csv.h>

#include "import/csvread.h"
#include "util/ctx.h"

#define MAXROWS 16
#define MAXF 8

struct got {
    long n;
    long line[MAXROWS];
    size_t nf[MAXROWS];
    char f[MAXROWS][MAXF][64];
    long stop_at; /* stop (return 7) at this record index, -1 never */
};

static int
collect(const nbl__csv_row *row, void *arg)
{
    struct got *g = arg;
    if (g->n < MAXROWS) {
        g->line[g->n] = row->line;
        g->nf[g->n] = row->n;
        for (size_t i = 0; i < row->n && i < MAXF; i++) {
            assert_int_equal(strlen(row->fields[i]), row->lens[i]);
            snprintf(g->f[g->n][i], 64, "%s", row->fields[i]);
        }
    }
    assert_int_equal(row->index, g->n);
    g->n++;
    if (g->stop_at == row->index)
        return 7;
    return 0;
}

static int
read_text(const char *text, char delim, struct got *g, char *d_out,
          nbl_ctx *ctx)
{
    const char *p = nbl_test_write("in.csv", text);
    nbl__csv_opts o = {0};
    memset(g, 0, sizeof *g);
    g->stop_at = -1;
    o.delimiter = delim;
    return nbl__csv_read(ctx, p, &o, collect, g, d_out, NULL);
}

static void
test_bom_semicolon_crlf(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    char d = 0;
    (void)state;
    assert_int_equal(read_text("\xEF\xBB\xBF"
                               "area_id;year;pop\r\n0101;2020;1000\r\n",
                               0, &g, &d, ctx),
                     NBL_OK);
    assert_int_equal(d, ';');
    assert_int_equal(g.n, 2);
    /* the BOM is not part of the first header name */
    assert_string_equal(g.f[0][0], "area_id");
    assert_int_equal(g.nf[0], 3);
    assert_string_equal(g.f[1][2], "1000"); /* no trailing '\r' */
    assert_int_equal(g.line[0], 1);
    assert_int_equal(g.line[1], 2);
    nbl_ctx_free(ctx);
}

static void
test_comma_lf_no_final_newline(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    char d = 0;
    (void)state;
    /* the last record has no line end: libcsv delivers it at csv_fini */
    assert_int_equal(read_text("a,b\n1,2\n3,4", 0, &g, &d, ctx), NBL_OK);
    assert_int_equal(d, ',');
    assert_int_equal(g.n, 3);
    assert_int_equal(g.line[2], 3);
    assert_string_equal(g.f[2][1], "4");
    nbl_ctx_free(ctx);
}

static void
test_blank_lines_counted(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    (void)state;
    /* lines: 1 "a,b", 2 blank, 3 "1,2", 4 blank, 5 spaces, 6 "3,4" */
    assert_int_equal(read_text("a,b\n\n1,2\n\r\n   \n3,4\n", 0, &g, NULL, ctx),
                     NBL_OK);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.line[1], 3);
    assert_int_equal(g.line[2], 6);
    /* leading blank lines before the header */
    assert_int_equal(read_text("\n\na;b\n1;2\n", 0, &g, NULL, ctx), NBL_OK);
    assert_int_equal(g.line[0], 3);
    assert_int_equal(g.line[1], 4);
    assert_string_equal(g.f[1][1], "2");
    nbl_ctx_free(ctx);
}

static void
test_quoted_fields(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    (void)state;
    assert_int_equal(read_text("a,b,c\n\"x,y\",\"He said \"\"hi\"\"\",  z  \n"
                               "\"\",\" padded \",\"12,5\"\n",
                               0, &g, NULL, ctx),
                     NBL_OK);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.nf[1], 3);
    assert_string_equal(g.f[1][0], "x,y");
    assert_string_equal(g.f[1][1], "He said \"hi\"");
    assert_string_equal(g.f[1][2], "z"); /* unquoted spaces trimmed */
    assert_string_equal(g.f[2][0], "");
    assert_string_equal(g.f[2][1], " padded "); /* quoted spaces kept */
    assert_string_equal(g.f[2][2], "12,5");
    nbl_ctx_free(ctx);
}

static void
test_embedded_newline_line_numbers(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    (void)state;
    /* line 1 header; record 1 spans lines 2-4; record 2 on line 5;
     * record 3 spans lines 6-7 (CRLF inside the quotes) */
    assert_int_equal(read_text("a,b\n\"one\ntwo\nthree\",1\n\"x\"\"\",2\n"
                               "\"p\r\nq\",3\r\n",
                               0, &g, NULL, ctx),
                     NBL_OK);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.line[1], 2);
    assert_string_equal(g.f[1][0], "one\ntwo\nthree");
    assert_int_equal(g.line[2], 5);
    assert_string_equal(g.f[2][0], "x\"");
    assert_int_equal(g.line[3], 6);
    assert_string_equal(g.f[3][0], "p\r\nq");
    assert_string_equal(g.f[3][1], "3");
    nbl_ctx_free(ctx);
}

static void
test_utf8_names(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    (void)state;
    assert_int_equal(read_text("område;år\nNørrebro;Ærø\n", 0, &g, NULL, ctx),
                     NBL_OK);
    assert_string_equal(g.f[0][0], "område");
    assert_string_equal(g.f[1][0], "Nørrebro");
    assert_string_equal(g.f[1][1], "Ærø");
    nbl_ctx_free(ctx);
}

static void
test_invalid_utf8(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    (void)state;
    /* a UTF-8 letter on line 2, then Latin-1 'ø' (0xF8) on line 3: a mix,
     * so not Windows-1252 either */
    assert_int_equal(read_text("a,b\nÅ,2\nN\xf8rrebro,3\n", 0, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "in.csv:3: not valid UTF-8 or Windows-1252 text "
                           "(line 2 is UTF-8"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "'CSV UTF-8"));
    /* a NUL byte is not text either (line 2) */
    {
        const char *p = nbl_test_path("nul.csv");
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        fwrite("a,b\n1,\0\n", 1, 8, f);
        assert_int_equal(fclose(f), 0);
        memset(&g, 0, sizeof g);
        g.stop_at = -1;
        assert_int_equal(nbl__csv_read(ctx, p, NULL, collect, &g, NULL, NULL),
                         NBL_EFORMAT);
        assert_non_null(strstr(nbl_ctx_errmsg(ctx), "nul.csv:2:"));
        assert_non_null(strstr(nbl_ctx_errmsg(ctx), "byte 0x00"));
    }
    nbl_ctx_free(ctx);
}

/* Reads len bytes (may hold NULs) written to name. */
static int
read_bytes(const char *name, const char *bytes, size_t len, struct got *g,
           nbl__csv_info *info, nbl_ctx *ctx)
{
    const char *p = nbl_test_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    memset(g, 0, sizeof *g);
    g->stop_at = -1;
    return nbl__csv_read_info(ctx, p, NULL, collect, g, info);
}

static void
test_cp1252_and_utf8_danish(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    nbl__csv_info info;
    /* "Område;Bemærkning\nØsterbro;Ærø å\n" as Danish Excel's "CSV
     * (semikolonsepareret)" writes it (Windows-1252: å E5, æ E6, ø F8,
     * Ø D8, Æ C6) and as UTF-8 */
    static const char w[] = "Omr\xe5"
                            "de;Bem\xe6rkning\r\n"
                            "\xd8sterbro;\xc6r\xf8 \xe5\r\n";
    static const char u[] = "Område;Bemærkning\r\nØsterbro;Ærø å\r\n";
    (void)state;
    assert_int_equal(read_bytes("w.csv", w, sizeof w - 1, &g, &info, ctx),
                     NBL_OK);
    assert_string_equal(info.encoding, "windows-1252");
    assert_int_equal(info.encoding_line, 1);
    assert_string_equal(g.f[0][0], "Område");
    assert_string_equal(g.f[0][1], "Bemærkning");
    assert_string_equal(g.f[1][0], "Østerbro");
    assert_string_equal(g.f[1][1], "Ærø å");
    assert_int_equal(read_bytes("u.csv", u, sizeof u - 1, &g, &info, ctx),
                     NBL_OK);
    assert_string_equal(info.encoding, "utf-8");
    assert_string_equal(g.f[0][0], "Område");
    assert_string_equal(g.f[1][1], "Ærø å");
    /* cp1252's own letters beyond Latin-1: the euro sign (0x80) and the
     * typographic dash (0x96) */
    assert_int_equal(
        read_bytes("e.csv", "a;b\n\x80;x\x96y\n", 10, &g, &info, ctx), NBL_OK);
    assert_string_equal(g.f[1][0], "€");
    assert_string_equal(g.f[1][1], "x–y");
    /* cp1252 first on line 3 after ASCII lines: decided there */
    assert_int_equal(
        read_bytes("l.csv", "a;b\n1;2\n\xf8;3\n", 12, &g, &info, ctx), NBL_OK);
    assert_int_equal(info.encoding_line, 3);
    assert_string_equal(g.f[2][0], "ø");
    /* a UTF-8 BOM declares UTF-8: a later 0xF8 is an error, not cp1252 */
    assert_int_equal(read_bytes("b.csv",
                                "\xEF\xBB\xBF"
                                "a\n\xf8\n",
                                7, &g, &info, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "b.csv:2: not valid UTF-8"));
    nbl_ctx_free(ctx);
}

static void
test_binary_refused(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    /* bytes of a gzip header: 0x8B is cp1252 '‹' but 0x1F and 0x08 are
     * control bytes, so this is neither UTF-8 nor Windows-1252 text */
    static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\n";
    /* 0x81 is one of the five bytes cp1252 leaves undefined */
    static const char undef[] = "a;b\n\x81;1\n";
    (void)state;
    assert_int_equal(read_bytes("x.gz", gz, sizeof gz - 1, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "x.gz:1: not valid UTF-8 or Windows-1252 text "
                           "(byte 0x1F); save the file as UTF-8 (in Excel: "
                           "'CSV UTF-8 (kommasepareret)')"));
    assert_int_equal(g.n, 0);
    assert_int_equal(
        read_bytes("u.csv", undef, sizeof undef - 1, &g, NULL, ctx),
        NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "u.csv:2:"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "byte 0x81"));
    nbl_ctx_free(ctx);
}

static void
test_utf16_and_workbooks_named(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    /* "a;b\n" in UTF-16LE with BOM, UTF-16LE without, UTF-16BE without */
    static const char le_bom[] = "\xFF\xFE"
                                 "a\0;\0b\0\n\0";
    static const char le[] = "a\0r\0e\0a\0;\0b\0\n\0";
    static const char be[] = "\0a\0r\0e\0a\0;\0b\0\n";
    (void)state;
    assert_int_equal(
        read_bytes("16.csv", le_bom, sizeof le_bom - 1, &g, NULL, ctx),
        NBL_EFORMAT);
    assert_non_null(
        strstr(nbl_ctx_errmsg(ctx),
               "/16.csv: the file is UTF-16 text, not UTF-8; save it "
               "as UTF-8 (in Excel: 'CSV UTF-8 (kommasepareret)'; or "
               "'iconv -f UTF-16 -t UTF-8')"));
    assert_int_equal(read_bytes("le.csv", le, sizeof le - 1, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "le.csv: the file is UTF-16"));
    assert_int_equal(read_bytes("be.csv", be, sizeof be - 1, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "be.csv: the file is UTF-16"));
    assert_int_equal(read_bytes("w.csv", "PK\x03\x04\x14\0", 6, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "w.csv: a workbook"));
    assert_int_equal(
        read_bytes("o.csv", "\xD0\xCF\x11\xE0\xA1\xB1", 6, &g, NULL, ctx),
        NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "(.xls)"));
    nbl_ctx_free(ctx);
}

static void
test_whole_text_utf8(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    char *out = NULL;
    size_t n = 0;
    const char *enc;
    (void)state;
    /* UTF-8 as it is */
    assert_int_equal(
        nbl__text_utf8(ctx, nbl_test_write("u.txt", "a;Æ\n"), &out, &n, &enc),
        NBL_OK);
    assert_string_equal(enc, "utf-8");
    assert_int_equal(n, 5);
    assert_memory_equal(out, "a;Æ\n", 5);
    free(out);
    /* Windows-1252 'Æ' (C6) and '–' (96) converted (C6 96 alone would be
     * a UTF-8 letter: an 'r' between) */
    assert_int_equal(nbl__text_utf8(ctx,
                                    nbl_test_write("w.txt", "a;\xc6r\x96\n"),
                                    &out, &n, &enc),
                     NBL_OK);
    assert_string_equal(enc, "windows-1252");
    assert_int_equal(n, 9);
    assert_memory_equal(out, "a;Ær–\n", 9);
    free(out);
    /* a UTF-8 letter on line 1, a cp1252 byte on line 2: a mix */
    assert_int_equal(nbl__text_utf8(ctx, nbl_test_write("m.txt", "Æ\n\xf8\n"),
                                    &out, &n, &enc),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "m.txt:2: not valid UTF-8"));
    assert_null(out);
    nbl_ctx_free(ctx);
}

static void
test_empty_rows_skipped(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    nbl__csv_info info;
    /* lines: 1 header, 2 data, 3 ";;", 4 data, 5 " ; ;" 6 blank */
    static const char t[] = "a;b;c\n1;2;3\n;;\n4;5;6\n ; ;\n\n";
    (void)state;
    assert_int_equal(read_bytes("e.csv", t, sizeof t - 1, &g, &info, ctx),
                     NBL_OK);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.line[2], 4);
    assert_int_equal(info.empty_rows, 2);
    assert_int_equal(info.lines, 6);
    assert_int_equal(info.delimiter, ';');
    nbl_ctx_free(ctx);
}

static void
test_bad_quoting(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    (void)state;
    /* a quote inside an unquoted field, line 3 */
    assert_int_equal(read_text("a,b\n1,2\n3,4\"5\n", 0, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "in.csv:3: malformed quoting"));
    /* text after a closing quote, line 2 */
    assert_int_equal(read_text("a,b\n\"1\"x,2\n", 0, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "in.csv:2: malformed quoting"));
    /* a quote opened on line 3 and never closed */
    assert_int_equal(read_text("a,b\n1,2\n\"3,4\n5,6\n", 0, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "in.csv:3: a quoted field"));
    nbl_ctx_free(ctx);
}

static void
test_delimiter(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    char d = 0;
    (void)state;
    assert_int_equal(nbl__csv_detect_delimiter("a;b;c", 5), ';');
    assert_int_equal(nbl__csv_detect_delimiter("a,b", 3), ',');
    assert_int_equal(nbl__csv_detect_delimiter("abc", 3), ',');
    assert_int_equal(nbl__csv_detect_delimiter("a;\"b,c\"", 7), ';');
    assert_int_equal(nbl__csv_detect_delimiter("a;b,c", 5), 0);
    /* a tab alone, or with another outside quotes */
    assert_int_equal(nbl__csv_detect_delimiter("a\tb\tc", 5), '\t');
    assert_int_equal(nbl__csv_detect_delimiter("a\t\"b,c\"", 7), '\t');
    assert_int_equal(nbl__csv_detect_delimiter("a\tb;c", 5), 0);
    assert_int_equal(nbl__csv_detect_delimiter("a\tb,c", 5), 0);
    /* only the header line counts: later lines may hold anything */
    assert_int_equal(nbl__csv_detect_delimiter("a;b\n1,5;2", 10), ';');
    /* both in the header: an error naming the option */
    assert_int_equal(read_text("a;b,c\n1;2,3\n", 0, &g, NULL, ctx),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "--delimiter"));
    /* ... unless given */
    assert_int_equal(read_text("a;b,c\n1;2,3\n", ';', &g, &d, ctx), NBL_OK);
    assert_int_equal(d, ';');
    assert_int_equal(g.nf[0], 2);
    assert_string_equal(g.f[1][1], "2,3");
    nbl_ctx_free(ctx);
}

static void
test_stop_and_missing(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    const char *p = nbl_test_write("stop.csv", "a\n1\n2\n3\n");
    (void)state;
    memset(&g, 0, sizeof g);
    g.stop_at = 1;
    assert_int_equal(nbl__csv_read(ctx, p, NULL, collect, &g, NULL, NULL), 7);
    assert_int_equal(g.n, 2);
    assert_int_equal(nbl__csv_read(ctx, nbl_test_path("absent.csv"), NULL,
                                   collect, &g, NULL, NULL),
                     NBL_EIO);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "absent.csv: cannot open"));
    /* an empty file has no records and is not an error here */
    memset(&g, 0, sizeof g);
    g.stop_at = -1;
    p = nbl_test_write("empty.csv", "");
    assert_int_equal(nbl__csv_read(ctx, p, NULL, collect, &g, NULL, NULL),
                     NBL_OK);
    assert_int_equal(g.n, 0);
    nbl_ctx_free(ctx);
}

struct count {
    long rows, last_line;
};

static int
count_rows(const nbl__csv_row *row, void *arg)
{
    struct count *c = arg;
    c->rows++;
    c->last_line = row->line;
    return 0;
}

static void
test_long_file_across_blocks(void **state)
{
    /* 20,000 records of ~30 bytes cross several 64 KiB read blocks; a
     * quoted field with a newline every 1000th record shifts the line
     * numbers: record k (1-based) starts on line 1 + k + (k - 1) / 1000. */
    nbl_ctx *ctx = nbl_ctx_new();
    const char *p = nbl_test_path("big.csv");
    FILE *f = fopen(p, "wb");
    struct count c = {0, 0};
    long lines = 0;
    (void)state;
    assert_non_null(f);
    fputs("area_id,year,variable,value\r\n", f);
    for (int k = 1; k <= 20000; k++) {
        if (k % 1000 == 0)
            fprintf(f, "\"a\r\n%05d\",2020,pop,%d\r\n", k, k);
        else
            fprintf(f, "a%05d,2020,pop,%d\r\n", k, k);
    }
    assert_int_equal(fclose(f), 0);
    assert_int_equal(nbl__csv_read(ctx, p, NULL, count_rows, &c, NULL, &lines),
                     NBL_OK);
    assert_int_equal(c.rows, 20001);
    /* last record k = 20000 starts on line 1 + 20000 + 19 = 20020 and ends
     * on 20021 */
    assert_int_equal(c.last_line, 20020);
    assert_int_equal(lines, 20021);
    nbl_ctx_free(ctx);
}

static void
test_realdata_bom_crlf(void **state)
{
    /* Københavns Kommune open data: BOM, ';', CRLF, non-ASCII header */
    const char *root = getenv("NBL_REALDATA");
    char path[1024];
    nbl_ctx *ctx = nbl_ctx_new();
    struct got g;
    FILE *f;
    (void)state;
    snprintf(path, sizeof path, "%s/cph-udsatte-byomraader/1850-1899.csv",
             root ? root : "");
    f = fopen(path, "rb");
    if (!f) {
        nbl_ctx_free(ctx);
        skip();
    }
    fclose(f);
    memset(&g, 0, sizeof g);
    g.stop_at = -1;
    assert_int_equal(nbl__csv_read(ctx, path, NULL, collect, &g, NULL, NULL),
                     NBL_OK);
    assert_string_equal(g.f[0][0], "OMRKK");
    assert_string_equal(g.f[0][1], "OPFØRELSESÅR");
    assert_int_equal(g.nf[0], 5);
    assert_string_equal(g.f[1][0], "København i alt");
    assert_string_equal(g.f[1][4], "6332");
    assert_int_equal(g.line[1], 2);
    nbl_ctx_free(ctx);
}

/* The decoder on spans of several lines (the incidents reader's blocks):
 * the line that decided the encoding is counted across spans; a
 * Windows-1252 span is converted line by line; a later non-UTF-8 line in
 * a UTF-8 file is refused naming its line. Line numbers worked out by
 * hand from the spans below. */
static void
test_decoder_spans(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__text_decoder d = {0};
    const char *s;
    size_t n;
    (void)state;
    d.ctx = ctx;
    d.path = "p.csv";
    s = "h\na\n";
    n = strlen(s);
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_OK);
    assert_int_equal(d.enc, 0);
    s = "b\nc\xc3\xb8\nd\n"; /* "cø": line 4 is UTF-8 */
    n = strlen(s);
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_OK);
    assert_int_equal(d.enc, 'u');
    assert_int_equal(d.enc_line, 4);
    assert_int_equal(d.line_no, 5);
    s = "e\nf\xf8\n"; /* cp1252 'ø' on line 7 */
    n = strlen(s);
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "p.csv:7: not valid UTF-8"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "line 4 is UTF-8"));
    nbl__text_decoder_clear(&d);

    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.path = "w.csv";
    s = "x;y\r\n1;h\xe6rv\xe6rk\r\n2;r\xf8"; /* last line without \n */
    n = strlen(s);
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_OK);
    assert_int_equal(d.enc, 'w');
    assert_int_equal(d.enc_line, 2);
    assert_int_equal(d.line_no, 3);
    assert_int_equal(n, strlen("x;y\r\n1;hærværk\r\n2;rø"));
    assert_memory_equal(s, "x;y\r\n1;hærværk\r\n2;rø", n);
    assert_string_equal(nbl__text_decoder_encoding(&d), "windows-1252");
    nbl__text_decoder_clear(&d);
    nbl_ctx_free(ctx);
}

/* The decoder's word-at-a-time scan (eight bytes at once): '\n's at every
 * offset of a word are counted, the first UTF-8 letter after the first
 * words decides the encoding on its own line, ASCII after it is still
 * counted, and a NUL or a malformed sequence past the first words is
 * still found. Line numbers by hand: the span below has lines 1-3 of
 * eight bytes with the '\n' last, line 4 "\n" alone, line 5 with 'ø' at
 * byte 41, lines 6-10 short. */
static void
test_decoder_words(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__text_decoder d = {0};
    const char *s = "abcdefg\nhijklmn\nopqrstu\n\nvwxyzABCDEFGHIJK"
                    "\xc3\xb8LMN\nO\nP\nQ\nRSTUVWXYZ0123456789\n1\n";
    size_t n = strlen(s);
    (void)state;
    d.ctx = ctx;
    d.path = "w.csv";
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_OK);
    assert_int_equal(d.enc, 'u');
    assert_int_equal(d.enc_line, 5);
    assert_int_equal(d.line_no, 10);
    s = "0123456789abcdef\n0123456789\nabc"; /* no final '\n': line 13 */
    n = strlen(s);
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_OK);
    assert_int_equal(d.line_no, 13);
    nbl__text_decoder_clear(&d);

    /* a NUL on line 3, beyond the first two words */
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.path = "z.csv";
    static const char nul3[] = "abcdefghijk\nlmnopqrstuv\nwxyz\0ABCDEFGH\n";
    s = nul3;
    n = sizeof nul3 - 1; /* 38 bytes: the NUL is data, not the end */
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "z.csv:3: "));
    nbl__text_decoder_clear(&d);

    /* "\xc3(" is not UTF-8: the file is Windows-1252 from line 3 */
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.path = "c.csv";
    s = "abcdefgh\nijklmnop\n\xc3(qrstuvwxyz\n";
    n = strlen(s);
    assert_int_equal(nbl__text_decode(&d, &s, &n), NBL_OK);
    assert_int_equal(d.enc, 'w');
    assert_int_equal(d.enc_line, 3);
    assert_int_equal(d.line_no, 3);
    assert_memory_equal(s, "abcdefgh\nijklmnop\n\xc3\x83(qrstuvwxyz\n", n);
    nbl__text_decoder_clear(&d);
    nbl_ctx_free(ctx);
}

/* A transcript of libcsv's or the plain splitter's callbacks. */
typedef struct {
    char t[8192];
    size_t n;
} transcript;

static void
tr_field(void *f, size_t len, void *arg)
{
    transcript *t = arg;
    t->n += (size_t)snprintf(t->t + t->n, sizeof t->t - t->n, "F%zu:%s|", len,
                             f ? (const char *)f : "");
}

static void
tr_row(int c, void *arg)
{
    transcript *t = arg;
    t->n += (size_t)snprintf(t->t + t->n, sizeof t->t - t->n, "R%d|", c);
}

/* libcsv (strict, NUL appended, as the incidents reader runs it) over
 * s[0..n), then csv_fini. */
static void
by_libcsv(const char *s, size_t n, size_t done, char delim, transcript *t)
{
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_APPEND_NULL | CSV_STRICT), 0);
    csv_set_delim(&p, (unsigned char)delim);
    assert_int_equal(csv_parse(&p, s + done, n - done, tr_field, tr_row, t),
                     n - done);
    csv_fini(&p, tr_field, tr_row, t);
    csv_free(&p);
}

/* nbl__csv_split_plain against libcsv itself on 3,000 random texts of
 * letters, digits, blanks, '\r', '\n' and delimiters (no quotes): the
 * splitter's callbacks, then libcsv's on whatever it leaves, give exactly
 * libcsv's callbacks on the whole text. The splitter must also do the
 * whole of a text of plain lines. */
static void
test_split_plain_as_libcsv(void **state)
{
    static const char alphabet[] = "a1.  \t\r\n\n,;";
    unsigned seed = 12345;
    int split = 0; /* texts the splitter did some of */
    (void)state;
    for (int k = 0; k < 3000; k++) {
        char s[256], copy[257];
        size_t n = 0, len, done;
        char delim = k % 2 ? ';' : ',';
        transcript a = {{0}, 0}, b = {{0}, 0};
        seed = seed * 1103515245u + 12345u;
        len = 1 + (seed >> 16) % 60;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[n++] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        if (k % 3)
            s[n++] = '\n'; /* whole lines, mostly */
        by_libcsv(s, n, 0, delim, &a);
        memcpy(copy, s, n);
        copy[n] = '\0';
        done = nbl__csv_split_plain(copy, n, delim, tr_field, tr_row, &b);
        assert_true(done <= n);
        split += done > 0;
        by_libcsv(s, n, done, delim, &b);
        if (strcmp(a.t, b.t) != 0)
            print_message("text %d: libcsv %s, split %s\n", k, a.t, b.t);
        assert_string_equal(a.t, b.t);
    }
    print_message("split_plain did part of %d of 3000 texts\n", split);
    assert_true(split > 1000);
    {
        char plain[] = "x,y,date,category\n1.5, 2,2021-01-02,vold mod "
                       "person\r\n\n\r\n3,4,,\n";
        transcript t = {{0}, 0};
        assert_int_equal(nbl__csv_split_plain(plain, strlen(plain), ',',
                                              tr_field, tr_row, &t),
                         strlen("x,y,date,category\n1.5, 2,2021-01-02,vold mod "
                                "person\r\n\n\r\n3,4,,\n"));
        assert_string_equal(t.t, "F1:x|F1:y|F4:date|F8:category|R10|"
                                 "F3:1.5|F1:2|F10:2021-01-02|F15:vold mod "
                                 "person|R13|F1:3|F1:4|F0:|F0:|R10|");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bom_semicolon_crlf),
        cmocka_unit_test(test_comma_lf_no_final_newline),
        cmocka_unit_test(test_blank_lines_counted),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_embedded_newline_line_numbers),
        cmocka_unit_test(test_utf8_names),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_cp1252_and_utf8_danish),
        cmocka_unit_test(test_binary_refused),
        cmocka_unit_test(test_utf16_and_workbooks_named),
        cmocka_unit_test(test_empty_rows_skipped),
        cmocka_unit_test(test_whole_text_utf8),
        cmocka_unit_test(test_bad_quoting),
        cmocka_unit_test(test_delimiter),
        cmocka_unit_test(test_stop_and_missing),
        cmocka_unit_test(test_long_file_across_blocks),
        cmocka_unit_test(test_realdata_bom_crlf),
        cmocka_unit_test(test_decoder_spans),
        cmocka_unit_test(test_decoder_words),
        cmocka_unit_test(test_split_plain_as_libcsv),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
