/*
 * nbl_test.h - shared by the unit tests: cmocka includes, a temporary
 * directory per test executable, file helpers, and a locale switch so the
 * "locale" twin of each test runs under a comma-decimal user locale.
 */
#ifndef NBL_TEST_H
#define NBL_TEST_H

#include <dirent.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* Call first in main(): honours NBL_TEST_SETLOCALE (locale twin). */
static inline void
nbl_test_locale(void)
{
    if (getenv("NBL_TEST_SETLOCALE"))
        setlocale(LC_ALL, "");
}

static char nbl_test_dir[256];

/* Removes path and, when it is a folder, everything in it. */
static inline void
nbl_test_rm_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    if ((d = opendir(path))) {
        while ((e = readdir(d))) {
            char sub[1024];
            int n;
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            n = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (n > 0 && (size_t)n < sizeof sub)
                nbl_test_rm_tree(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

/* At exit: the temporary directory and everything in it (workspaces of
 * tens of MB each; left behind, a few hundred runs filled the disk). */
static inline void
nbl_test_rm_tmpdir(void)
{
    if (nbl_test_dir[0] && !getenv("NBL_TEST_KEEP_TMP"))
        nbl_test_rm_tree(nbl_test_dir);
}

/* A fresh temporary directory for this process, removed when it exits
 * (set NBL_TEST_KEEP_TMP to keep it for a look). */
static inline const char *
nbl_test_tmpdir(void)
{
    if (!nbl_test_dir[0]) {
        snprintf(nbl_test_dir, sizeof nbl_test_dir, "/tmp/nbltest.XXXXXX");
        if (!mkdtemp(nbl_test_dir))
            abort();
        atexit(nbl_test_rm_tmpdir);
    }
    return nbl_test_dir;
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
