/*
 * nbl_test.h - shared by the unit tests: cmocka includes, a temporary
 * directory per test executable, file helpers, and a locale switch so the
 * "locale" twin of each test runs under a comma-decimal user locale.
 */
#ifndef NBL_TEST_H
#define NBL_TEST_H

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Call first in main(): honours NBL_TEST_SETLOCALE (locale twin). */
static inline void
nbl_test_locale(void)
{
    if (getenv("NBL_TEST_SETLOCALE"))
        setlocale(LC_ALL, "");
}

/* A fresh temporary directory for this process (static buffer). */
static inline const char *
nbl_test_tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/nbltest.XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Path inside the temporary directory (static rotating buffers). */
static inline const char *
nbl_test_path(const char *name)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, 512, "%s/%s", nbl_test_tmpdir(), name);
    return b;
}

/* Writes text to a file in the temp dir; returns its path. */
static inline const char *
nbl_test_write(const char *name, const char *text)
{
    const char *p = nbl_test_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Reads a whole file (caller frees); NULL if missing. */
static inline char *
nbl_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        abort();
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* Path of a file under the source tree (static rotating buffers). */
static inline const char *
nbl_test_src(const char *rel)
{
    static char bufs[4][1024];
    static int k;
    char *b = bufs[k++ % 4];
    const char *root = getenv("NBL_SOURCE_DIR");
    snprintf(b, 1024, "%s/%s", root ? root : "..", rel);
    return b;
}

#endif
