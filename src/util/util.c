/*
 * util.c - locale-independent numbers, embedded assets, atomic output files
 * and a string buffer. Number parsing and printing use a private "C" locale
 * object (newlocale/uselocale), so a caller's setlocale() never changes the
 * data nabolag reads or writes.
 */
#define _GNU_SOURCE /* strtod_l */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/ctx.h"

struct nbl__asset {
    const char *name;
    const unsigned char *data;
    size_t len;
};
extern const struct nbl__asset nbl__assets[];

static locale_t
c_locale(void)
{
    static locale_t loc = (locale_t)0;
    if (loc == (locale_t)0)
        loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return loc;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3, 1e4,  1e5,
                                     1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15};

/* The common plain forms ("123", "-4", "12.5" with the file's decimal
 * mark, at most 15 digits) at once and exactly: the digits as an integer
 * below 2^53 divided by an exact power of ten is one correctly rounded
 * operation on exact operands, i.e. strtod's result. 0 for any other
 * form (blanks, '+', exponents, more digits), which strtod then reads. */
static int
parse_plain(const char *s, char decimal_mark, double *out)
{
    const char *p = s + (*s == '-');
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            m = m * 10 + (uint64_t)(*p - '0');
            digits++;
            frac += frac >= 0;
        } else if (*p == decimal_mark && frac < 0 && digits > 0) {
            frac = 0;
        } else {
            return 0;
        }
    }
    if (digits == 0 || digits > 15 || frac == 0)
        return 0;
    *out = (double)m / pow10_exact[frac > 0 ? frac : 0];
    if (*s == '-')
        *out = -*out;
    return 1;
}

int
nbl__parse_double(const char *s, char decimal_mark, double *out)
{
    char buf[128];
    size_t n = 0;
    char *end;
    double v;

    if (!s)
        return 0;
    if (parse_plain(s, decimal_mark, out))
        return 1;
    while (*s == ' ' || *s == '\t')
        s++;
    for (; *s && n < sizeof buf - 1; s++) {
        char c = *s;
        if (c == decimal_mark)
            c = '.';
        else if (c == '.' && decimal_mark != '.')
            return 0; /* a '.' in a ','-decimal file is not a number */
        buf[n++] = c;
    }
    if (*s)
        return 0;
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    if (n == 0)
        return 0;
    /* Only plain decimal notation: no hex, inf, nan. */
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
              c == 'e' || c == 'E'))
            return 0;
    }
    errno = 0;
    v = strtod_l(buf, &end, c_locale());
    if (end != buf + n || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int
nbl__parse_long(const char *s, long *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s)
        return 0; /* no digits (e.g. only blanks) */
    while (*end == ' ')
        end++;
    if (*end || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

double
nbl__round(double v, int decimals)
{
    double f = pow(10.0, decimals);
    return round(v * f) / f;
}

char *
nbl__fmt_double(char *buf, size_t n, double v, int decimals)
{
    locale_t old = uselocale(c_locale());
    snprintf(buf, n, "%.*f", decimals, nbl__round(v, decimals));
    uselocale(old);
    if (decimals > 0 && strchr(buf, '.')) {
        char *p = buf + strlen(buf) - 1;
        while (*p == '0')
            *p-- = '\0';
        if (*p == '.')
            *p = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, n, "0");
    return buf;
}

size_t
nbl__utf8_seq(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = n ? s[0] : 0;
    size_t k;
    unsigned cp;
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        k = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        k = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        k = 3, cp = c & 0x07;
    else
        return 0;
    for (size_t j = 1; j <= k; j++) {
        if (j >= n || (s[j] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[j] & 0x3F);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k + 1;
}

int
nbl__utf8_valid(const char *s, size_t n)
{
    size_t i = 0, k;
    while (i < n) {
        if (!(k = nbl__utf8_seq(s + i, n - i)))
            return 0;
        i += k;
    }
    return 1;
}

size_t
nbl__utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

int
nbl__grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 16;
    void *q;
    if (need <= *cap)
        return 0;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem)
        return -1;
    q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

char *
nbl__strdup(const char *s)
{
    size_t n;
    char *d;
    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int
nbl__cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long
nbl__find_sorted(char *const *arr, size_t n, const char *key)
{
    char *const *p;
    if (!key || n == 0)
        return -1;
    p = bsearch(&key, arr, n, sizeof *arr, nbl__cmp_strp);
    return p ? (long)(p - arr) : -1;
}

int
nbl__strieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

const char *
nbl__asset(const char *name, size_t *len_out)
{
    for (const struct nbl__asset *a = nbl__assets; a->name; a++) {
        if (strcmp(a->name, name) == 0) {
            if (len_out)
                *len_out = a->len;
            return (const char *)a->data;
        }
    }
    return NULL;
}

void
nbl__asset_each(const char *prefix,
                void (*fn)(const char *, const char *, size_t, void *),
                void *arg)
{
    size_t pl = strlen(prefix);
    for (const struct nbl__asset *a = nbl__assets; a->name; a++)
        if (strncmp(a->name, prefix, pl) == 0)
            fn(a->name, (const char *)a->data, a->len, arg);
}

char *
nbl__tmp_path_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(path) + 32;
    char *t = malloc(n);
    if (!t)
        return NULL;
    snprintf(t, n, "%.*s.%s.tmp%ld", (int)dirlen, path, base, (long)getpid());
    return t;
}

const char *
nbl__io_reason(int err)
{
    if (err == ENOSPC || err == EDQUOT)
        return "disk full (no space left on the device)";
    return strerror(err);
}

int
nbl__outfile_open(nbl_ctx *ctx, nbl__outfile *of, const char *path,
                  int overwrite)
{
    return nbl__outfile_open_mode(ctx, of, path, overwrite, 0666);
}

/* The temporary file, created with mode (less the umask) from the start. */
static FILE *
create_tmp(const char *tmppath, mode_t mode)
{
    int fd;
    FILE *fp;
    remove(tmppath); /* a leftover keeps its own mode: start afresh */
    fd = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return NULL;
    if (!(fp = fdopen(fd, "wb")))
        close(fd);
    return fp;
}

/* A target that is not a regular file (/dev/null, /dev/stdout, a named
 * pipe) is written in place: renaming a temporary file over it would
 * replace the device or pipe with a regular file (as root, in /dev). */
static int
open_in_place(nbl_ctx *ctx, nbl__outfile *of, const char *path,
              const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return nbl__error(ctx, NBL_EIO, "%s: is a folder, not a file", path);
    if (!(of->path = nbl__strdup(path)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if (!(of->fp = fopen(path, "wbe"))) {
        int e = errno;
        nbl__outfile_abort(of);
        return nbl__error(ctx, NBL_EIO, "%s: cannot write: %s", path,
                          nbl__io_reason(e));
    }
    return NBL_OK;
}

int
nbl__outfile_open_mode(nbl_ctx *ctx, nbl__outfile *of, const char *path,
                       int overwrite, mode_t mode)
{
    struct stat st;
    int exists;
    memset(of, 0, sizeof *of);
    if (strcmp(path, "-") == 0) {
        of->fp = stdout;
        return NBL_OK;
    }
    exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode))
        return open_in_place(ctx, of, path, &st);
    if (exists && !overwrite)
        return nbl__error(ctx, NBL_EEXISTS,
                          "%s: already exists (to replace it: --overwrite, or "
                          "overwrite = true in a project file)",
                          path);
    of->path = nbl__strdup(path);
    of->tmppath = nbl__tmp_path_for(path);
    if (!of->path || !of->tmppath) {
        nbl__outfile_abort(of);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    of->fp = create_tmp(of->tmppath, mode);
    if (!of->fp) {
        int e = errno;
        nbl__outfile_abort(of);
        return nbl__error(ctx, NBL_EIO, "%s: cannot write: %s", path,
                          nbl__io_reason(e));
    }
    return NBL_OK;
}

int
nbl__outfile_finish(nbl_ctx *ctx, nbl__outfile *of)
{
    int rc = NBL_OK;
    if (!of->path || !of->fp)
        return NBL_OK; /* stdout, or finished already */
    /* on disk before the rename, so a crash leaves old or new, never an
     * empty file under the final name (a device written in place has
     * nothing to sync) */
    if (ferror(of->fp) | fflush(of->fp) ||
        (of->tmppath && fsync(fileno(of->fp)) != 0)) {
        rc = nbl__error(ctx, NBL_EIO, "%s: write failed: %s", of->path,
                        nbl__io_reason(errno));
    }
    if (fclose(of->fp) != 0 && rc == NBL_OK)
        rc = nbl__error(ctx, NBL_EIO, "%s: write failed: %s", of->path,
                        nbl__io_reason(errno));
    of->fp = NULL;
    return rc;
}

int
nbl__outfile_commit(nbl_ctx *ctx, nbl__outfile *of)
{
    int rc = NBL_OK;
    if (!of->path) { /* stdout */
        if (fflush(of->fp) != 0)
            rc = nbl__error(ctx, NBL_EIO, "stdout: write failed");
        of->fp = NULL;
        return rc;
    }
    rc = nbl__outfile_finish(ctx, of);
    if (rc == NBL_OK && of->tmppath && rename(of->tmppath, of->path) != 0)
        rc = nbl__error(ctx, NBL_EIO, "%s: cannot rename into place: %s",
                        of->path, nbl__io_reason(errno));
    if (rc != NBL_OK && of->tmppath)
        remove(of->tmppath);
    free(of->tmppath);
    free(of->path);
    of->tmppath = of->path = NULL;
    return rc;
}

void
nbl__outfile_abort(nbl__outfile *of)
{
    if (!of)
        return;
    if (of->fp && of->fp != stdout)
        fclose(of->fp);
    of->fp = NULL;
    if (of->tmppath)
        remove(of->tmppath);
    free(of->tmppath);
    free(of->path);
    of->tmppath = of->path = NULL;
}

void
nbl__buf_fail(nbl__buf *b)
{
    nbl__buf_free(b);
    b->failed = 1;
}

int
nbl__buf_append(nbl__buf *b, const char *s, size_t n)
{
    if (b->failed)
        return NBL_ENOMEM;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->s, cap);
        if (!p) {
            nbl__buf_fail(b);
            return NBL_ENOMEM;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return NBL_OK;
}

uint64_t
nbl__hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

int
nbl__buf_printf(nbl__buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    locale_t old = uselocale(c_locale());
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        uselocale(old);
        return NBL_EINVAL;
    }
    if ((size_t)n < sizeof small) {
        uselocale(old);
        return nbl__buf_append(b, small, (size_t)n);
    }
    {
        char *big = malloc((size_t)n + 1);
        int rc;
        if (!big) {
            uselocale(old);
            nbl__buf_fail(b);
            return NBL_ENOMEM;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        uselocale(old);
        rc = nbl__buf_append(b, big, (size_t)n);
        free(big);
        return rc;
    }
}

int
nbl__buf_append_xml(nbl__buf *b, const char *s)
{
    int rc = NBL_OK;
    for (; s && *s && rc == NBL_OK; s++) {
        switch (*s) {
        case '&':
            rc = nbl__buf_append(b, "&amp;", 5);
            break;
        case '<':
            rc = nbl__buf_append(b, "&lt;", 4);
            break;
        case '>':
            rc = nbl__buf_append(b, "&gt;", 4);
            break;
        case '"':
            rc = nbl__buf_append(b, "&quot;", 6);
            break;
        default:
            rc = nbl__buf_append(b, s, 1);
        }
    }
    return rc;
}

int
nbl__buf_append_csv(nbl__buf *b, const char *s, char delim)
{
    char specials[] = {delim ? delim : ',', '"', '\r', '\n', '\0'};
    int rc;
    if (!s)
        return nbl__buf_append(b, "", 0);
    if (!strpbrk(s, specials))
        return nbl__buf_append(b, s, strlen(s));
    rc = nbl__buf_append(b, "\"", 1);
    for (; *s && rc == NBL_OK; s++)
        rc = *s == '"' ? nbl__buf_append(b, "\"\"", 2)
                       : nbl__buf_append(b, s, 1);
    return rc ? rc : nbl__buf_append(b, "\"", 1);
}

char *
nbl__decimal_comma(char *num)
{
    char *p = strchr(num, '.');
    if (p)
        *p = ',';
    return num;
}

void
nbl__buf_free(nbl__buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

void
nbl__now_iso(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    /* SOURCE_DATE_EPOCH makes outputs reproducible (golden tests). */
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    long v;
    if (sde && nbl__parse_long(sde, &v))
        t = (time_t)v;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
nbl__dir_lock(nbl_ctx *ctx, const char *dir, int *fd_out)
{
    struct timespec t0, now;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    *fd_out = -1;
    if (fd < 0)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open folder: %s", dir,
                          strerror(errno));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        double waited;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            close(fd);
            return nbl__error(ctx, NBL_EIO, "%s: cannot lock folder: %s", dir,
                              strerror(e));
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        waited = (double)(now.tv_sec - t0.tv_sec) +
                 (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        if (waited >= nbl__ctx_wait(ctx)) {
            close(fd);
            return nbl__error(ctx, NBL_EIO, NBL_BUSY_FMT, dir, "output folder",
                              nbl__ctx_wait(ctx));
        }
        nbl__ctx_waiting(ctx, dir);
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    }
    *fd_out = fd;
    return NBL_OK;
}

void
nbl__dir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

/* Cuts the last name off path (and the slashes before it): "a/b//c/" is
 * "a/b"; 0 when nothing is left above it. */
static int
path_up(char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    while (n > 0 && p[n - 1] != '/')
        n--;
    while (n > 1 && p[n - 1] == '/')
        n--;
    p[n] = '\0';
    return n > 0 && strcmp(p, "/") != 0;
}

void
nbl__rmdirs(const char *dir, int n)
{
    char *p = nbl__strdup(dir);
    for (int i = 0; p && i < n; i++)
        if (rmdir(p) != 0 || !path_up(p))
            break;
    free(p);
}

/* Makes the folder p (a prefix of the path asked for) unless it is there;
 * counts it in *made. */
static int
mkdir_one(nbl_ctx *ctx, const char *p, int *made)
{
    struct stat st;
    if (stat(p, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nbl__error(ctx, NBL_EIO, "%s: not a folder", p);
        return NBL_OK;
    }
    if (mkdir(p, 0777) == 0)
        (*made)++;
    else if (errno != EEXIST) /* another process may have made it */
        return nbl__error(ctx, NBL_EIO, "%s: cannot create folder: %s", p,
                          nbl__io_reason(errno));
    return NBL_OK;
}

int
nbl__mkdirs(nbl_ctx *ctx, const char *dir, int *created)
{
    struct stat st;
    char *p;
    size_t n = strlen(dir), last = 0;
    int rc = NBL_OK;
    *created = 0;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode)
                   ? NBL_OK
                   : nbl__error(ctx, NBL_EIO, "%s: not a folder", dir);
    if (!(p = nbl__strdup(dir)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    /* every prefix that ends before a slash (not the root), then dir */
    for (size_t i = 1; rc == NBL_OK && i <= n; i++) {
        char c = p[i];
        int before = *created;
        if (i < n && (c != '/' || p[i - 1] == '/'))
            continue;
        p[i] = '\0';
        rc = mkdir_one(ctx, p, created);
        if (*created > before)
            last = i;
        p[i] = c;
    }
    if (rc != NBL_OK) { /* leave nothing made behind */
        p[last] = '\0';
        nbl__rmdirs(p, *created);
        *created = 0;
    }
    free(p);
    return rc;
}
