/*
 * writer.h (private) - the export's writer (writer.c): the layers of the
 * layer model (layer.h) written through GDAL/OGR into an output folder,
 * with their .qml styles and nabolag.qgs. Every file is written under a
 * temporary name in the folder and renamed into place only by
 * nbl__xwriter_commit(), after all of them are complete.
 *
 * Use: nbl__xwriter_open(), nbl__xwriter_check(), nbl__xwriter_layers(),
 * nbl__xwriter_project(), nbl__xwriter_commit(), and always
 * nbl__xwriter_close() (removes whatever was not committed).
 */
#ifndef NBL_PUBLISH_WRITER_H
#define NBL_PUBLISH_WRITER_H

#include <stddef.h>

#include <ogr_srs_api.h>

#include "publish/layer.h"

typedef struct nbl__xoutfile {
    char *final, *tmp;
} nbl__xoutfile;

typedef struct nbl__xoutset {
    nbl__xoutfile *f;
    size_t n;
} nbl__xoutset;

typedef struct nbl__xwriter {
    nbl_ws *ws;
    nbl__xjob *job;
    char gdal_msg[512]; /* first GDAL error while the writer is open */
    nbl__xoutset out;   /* files written so far */
    OGRSpatialReferenceH src, wgs;
    OGRCoordinateTransformationH ct;
    char *wkt_work, *wkt_wgs;
    double env[8]; /* lon/lat extent, then working-CRS extent */
    int handler;   /* the GDAL error handler is pushed */
    int created;   /* the output folder was made by us */
    int committed; /* a file was renamed into place */
} nbl__xwriter;

/* Creates the output folder if missing, captures GDAL's errors and sets up
 * the transformation from the working CRS (job->wkt_work and wkt_wgs84 are
 * set). */
int nbl__xwriter_open(nbl__xwriter *w, nbl_ws *ws, nbl__xjob *job);

/* Checks every final name of the layers' files before anything is written
 * (NBL_EEXISTS without job->opts->overwrite). */
int nbl__xwriter_check(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);

/* Writes the layers in the job's format, with their styles. */
int nbl__xwriter_layers(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);

/* Writes nabolag.qgs for the layers written. */
int nbl__xwriter_project(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);

/* Checks the final names again, then renames every file into place. */
int nbl__xwriter_commit(nbl__xwriter *w);

/* Releases the writer, removes the temporary files and, when failed and
 * nothing was committed, the folder it created. */
void nbl__xwriter_close(nbl__xwriter *w, int failed);

#endif
