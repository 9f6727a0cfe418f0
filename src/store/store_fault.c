/*
 * store_fault.c - in the fault-injection build (NBL_FAULT_INJECTION), routes
 * SQLite's allocations through nbl__fault_hit() (util/fault.c) with
 * sqlite3_config(SQLITE_CONFIG_MALLOC), so that the N-th allocation of ours
 * or SQLite's fails. Called before the first workspace connection (store.c
 * connect()). Empty otherwise.
 */
#include "store/store.h"
#include "util/fault.h"

#ifdef NBL_FAULT_INJECTION

#include <stddef.h>

#include <sqlite3.h>

static sqlite3_mem_methods real_mem;

static void *
fault_malloc(int n)
{
    return nbl__fault_hit() ? NULL : real_mem.xMalloc(n);
}

static void *
fault_realloc(void *p, int n)
{
    return nbl__fault_hit() ? NULL : real_mem.xRealloc(p, n);
}

void
nbl__store_fault_setup(void)
{
    static int done;
    sqlite3_mem_methods m;
    if (done || !nbl__fault_enabled())
        return;
    done = 1;
    /* a library loaded before us may have initialised SQLite already; no
     * connection is open yet, so it can be shut down and configured */
    sqlite3_shutdown();
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
        return;
    m = real_mem;
    m.xMalloc = fault_malloc;
    m.xRealloc = fault_realloc;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
}

#else

typedef int nbl__store_fault_unused;

#endif
