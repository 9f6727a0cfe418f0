/*
 * report_common.c - labels, colours and disclosure tests shared by the
 * parts of the HTML report and `nabolag area` (report_internal.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/categories.h"
#include "publish/report_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"

const char *
nbl__rep_cat_label(const char *code)
{
    const nbl__category *c = nbl__category_find(code);
    if (!c)
        return code ? code : "–";
    if (strcmp(c->code, "none") == 0)
        return T_("Not listed");
    if (strcmp(c->code, "not_evaluable") == 0)
        return T_("Not evaluable");
    return c->label;
}

const char *
nbl__rep_cat_colour(const char *code, char buf[8])
{
    const nbl__category *c = nbl__category_find(code);
    if (!c)
        return "#ffffff";
    snprintf(buf, 8, "#%02x%02x%02x", c->rgb[0], c->rgb[1], c->rgb[2]);
    return buf;
}

int
nbl__rep_withheld(const nbl__disclosure *disc, double pop)
{
    return nbl__disclosure_area(disc, pop) || nbl__disclosure_count(disc, pop);
}

int
nbl__rep_rate_hidden(const nbl__disclosure *disc, const nbl__report_year *y,
                     int k)
{
    return nbl__rep_withheld(disc, y->pop) ||
           nbl__disclosure_rate(disc, y->den[k]);
}

/* Labels of the criteria, as msgids for the catalogue. */
static const char *const crit_msgids[NBL__XC_N] = {
    N_("Outside work and education, 18–64 (%)"),
    N_("Convictions, × the country's share"),
    N_("Basic education only, 30–59 (%)"),
    /* xgettext:no-c-format */
    N_("Income, % of the region's mean"),
    N_("Non-western origin (%)"),
};

const char *
nbl__rep_crit_label(int k)
{
    return k >= 0 && k < NBL__XC_N ? T_(crit_msgids[k]) : "";
}

int
nbl__rep_crit_decimals(int k)
{
    return k == NBL__XC_CRI ? 2 : 1;
}

void
nbl__rep_anchor(nbl__buf *b, const char *id)
{
    static const char hex[] = "0123456789abcdef";
    nbl__buf_printf(b, "area-");
    for (const unsigned char *p = (const unsigned char *)(id ? id : ""); *p;
         p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
            nbl__buf_printf(b, "%c", *p);
        else
            nbl__buf_printf(b, ".%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

void
nbl__rep_esc(nbl__buf *b, const char *s)
{
    nbl__buf_append_xml(b, s ? s : "");
}

int
nbl__rep_load(nbl_ws *ws, const char *config, const char *ruleset, int year,
              nbl__disclosure *disc, nbl__report_data *d)
{
    int rc;
    nbl__disclosure_defaults(disc);
    if ((rc = nbl__disclosure_load(nbl_ws_ctx(ws), config, disc)))
        return rc;
    return nbl__store_report_load(ws, ruleset, year, d);
}

/* The size of the chunks written out: the page is never more in memory. */
#define REP_CHUNK (64 * 1024)

/* The message of a failed write (the stream's error is set). */
static int
write_failed(nbl__rep_out *o)
{
    int rc;
    if (!o->of.path)
        return nbl__error(o->ctx, NBL_EIO, "stdout: write failed");
    /* closes the file, the reason from the failed write (a full disk) */
    rc = nbl__outfile_finish(o->ctx, &o->of);
    return rc ? rc
              : nbl__error(o->ctx, NBL_EIO, "%s: write failed: %s", o->of.path,
                           nbl__io_reason(EIO));
}

int
nbl__rep_flush(nbl__rep_out *o, int all)
{
    if (o->rc == NBL_OK && o->b.failed) /* a part could not be built */
        o->rc = nbl__error(o->ctx, NBL_ENOMEM, "out of memory");
    if (o->rc == NBL_OK &&
        (!o->of.fp || !o->b.len || (!all && o->b.len < REP_CHUNK)))
        return NBL_OK; /* no file (b keeps the page), or not a chunk yet */
    if (o->rc == NBL_OK) {
        /* a short write leaves the stream's error set */
        (void)fwrite(o->b.s, 1, o->b.len, o->of.fp);
        if (ferror(o->of.fp))
            o->rc = write_failed(o);
    }
    if (o->b.s) {
        o->b.len = 0;
        o->b.s[0] = '\0';
    }
    return o->rc;
}

int
nbl__rep_output(nbl_ws *ws, const char *path, int overwrite, const nbl__buf *b)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__outfile of;
    int rc;
    if (b->failed) /* a part of the page could not be built */
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    rc = nbl__outfile_open(ctx, &of, path, overwrite);
    if (rc != NBL_OK)
        return rc;
    /* a short write leaves the stream's error set: the commit reports it
     * with its reason (a full disk says so) and removes the file */
    if (b->len)
        (void)fwrite(b->s, 1, b->len, of.fp);
    return nbl__outfile_commit(ctx, &of);
}
