/*
 * versions.c - nbl_library_versions(): the run-time versions of the
 * libraries nabolag is built on, as `nabolag --version` prints them.
 */
#include <stdio.h>

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

#include "nabolag/common.h"
#include "store/store.h"

const char *
nbl_library_versions(void)
{
    static char line[256];
    char store[128];
    if (line[0])
        return line;
    nbl__store_lib_versions(store, sizeof store);
    snprintf(line, sizeof line, "GDAL %s, PROJ %s, %s, GEOS %s",
             GDALVersionInfo("RELEASE_NAME"), proj_info().version, store,
             GEOSversion());
    return line;
}
