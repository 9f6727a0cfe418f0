/*
 * store_version.c - the versions of SQLite and SpatiaLite that the store
 * runs with (for `nabolag --version`).
 */
#include <stdio.h>

#include "store/store.h"
#include "store/store_internal.h" /* sqlite3.h before spatialite.h */

#include <spatialite.h>

void
nbl__store_lib_versions(char *buf, size_t size)
{
    snprintf(buf, size, "SQLite %s, SpatiaLite %s", sqlite3_libversion(),
             spatialite_version());
}
