/*
 * fault.c - allocation-failure injection for the fault-injection build
 * (cmake -DNBL_FAULT_INJECTION=ON; empty otherwise). The CLI is linked
 * with -Wl,--wrap=malloc,calloc,realloc,strdup,strndup, so every
 * allocation of our own objects comes through here; store_fault.c routes
 * SQLite's allocations through nbl__fault_hit() too. Environment:
 *   NBL_FAULT_AT=N      the N-th allocation (counting both) fails, once;
 *   NBL_FAULT_JSON=N    the N-th checked JSON addition (util/jsondoc.c:
 *                       jansson allocates inside libjansson, not wrapped)
 *                       fails, once;
 *   NBL_FAULT_REPORT=1  print "nabolag-fault: N allocations, M JSON
 *                       additions" at exit, after a line
 *                       "nabolag-fault-mark: NAME FIRST LAST" for each
 *                       stretch marked with NBL_FAULT_MARK.
 * Used by tests/cli/test_fault.sh.
 */
#include "util/fault.h"

#ifdef NBL_FAULT_INJECTION

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fault_at = -1, json_at = -1;
static long count, json_count;
/* the marked stretches: at most N_MARKS, each name once (the first) */
#define N_MARKS 8
static struct {
    const char *name;
    long first, last; /* last -1: not ended */
} marks[N_MARKS];

void
nbl__fault_mark(const char *name, int begin)
{
    int i = 0;
    while (i < N_MARKS && marks[i].name && strcmp(marks[i].name, name) != 0)
        i++;
    if (i == N_MARKS)
        return;
    if (begin && !marks[i].name) {
        marks[i].name = name;
        marks[i].first = count + 1;
        marks[i].last = -1;
    } else if (!begin && marks[i].name && marks[i].last < 0) {
        marks[i].last = count;
    }
}

static void
report(void)
{
    for (int i = 0; i < N_MARKS && marks[i].name; i++)
        if (marks[i].last >= 0)
            fprintf(stderr, "nabolag-fault-mark: %s %ld %ld\n", marks[i].name,
                    marks[i].first, marks[i].last);
    fprintf(stderr, "nabolag-fault: %ld allocations, %ld JSON additions\n",
            count, json_count);
}

static long
env_long(const char *name)
{
    const char *v = getenv(name);
    char *end;
    long n;
    if (!v || !*v)
        return -1;
    n = strtol(v, &end, 10);
    return *end ? -1 : n;
}

__attribute__((constructor)) static void
fault_setup(void)
{
    fault_at = env_long("NBL_FAULT_AT");
    json_at = env_long("NBL_FAULT_JSON");
    if (getenv("NBL_FAULT_REPORT"))
        atexit(report);
}

int
nbl__fault_hit(void)
{
    return ++count == fault_at;
}

int
nbl__fault_json_hit(void)
{
    return ++json_count == json_at;
}

int
nbl__fault_enabled(void)
{
    /* also called from constructors that may run before fault_setup() */
    return getenv("NBL_FAULT_AT") != NULL || getenv("NBL_FAULT_REPORT") != NULL;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

void *
__wrap_malloc(size_t n)
{
    return nbl__fault_hit() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    return nbl__fault_hit() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
    return nbl__fault_hit() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
    return nbl__fault_hit() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
    return nbl__fault_hit() ? NULL : __real_strndup(s, n);
}

#else

/* ISO C wants a translation unit to declare something. */
typedef int nbl__fault_unused;

#endif
