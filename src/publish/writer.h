/*
 * writer.h (private) - the export's writer: the layers of the layer model
 * (layer.h) written through GDAL/OGR into an output folder or a database,
 * with their QGIS styles and nabolag.qgs.
 *
 * Kinds of destination (by the GDAL driver):
 *   GeoJSON  one RFC 7946 file per layer (WGS 84) + <layer>.qml;
 *   files    one data set per layer (<layer>.<ext> and the driver's side
 *            files: Shapefile, FlatGeobuf, CSV, ...) + <layer>.qml;
 *   single   one data set with every layer (nabolag.<ext>: GeoPackage,
 *            SQLite, ...), styles in its layer_styles table (GeoPackage);
 *   database PostgreSQL/PostGIS: tables in a schema and the styles in the
 *            database's layer_styles table, in one transaction.
 * Files are written under a temporary name in the output folder and renamed
 * into place only by nbl__xwriter_commit(), after all of them are complete.
 * writer.c owns the common part, writer_files.c the file kinds and
 * writer_pg.c the database.
 *
 * Use: nbl__xwriter_open(), nbl__xwriter_check(), nbl__xwriter_layers(),
 * nbl__xwriter_project(), nbl__xwriter_commit(), and always
 * nbl__xwriter_close() (removes whatever was not committed).
 */
#ifndef NBL_PUBLISH_WRITER_H
#define NBL_PUBLISH_WRITER_H

#include <stddef.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "publish/layer.h"

typedef struct nbl__xoutfile {
    char *final, *tmp;
} nbl__xoutfile;

typedef struct nbl__xoutset {
    nbl__xoutfile *f;
    size_t n;
    const char *infix; /* "-INTERNAL" for an unsuppressed export, or "" */
} nbl__xoutset;

typedef enum {
    NBL__XW_GEOJSON,
    NBL__XW_FILES,
    NBL__XW_SINGLE,
    NBL__XW_DATABASE
} nbl__xwkind;

typedef struct nbl__xwriter {
    nbl_ws *ws;
    nbl__xjob *job;
    GDALDriverH drv;
    const char *driver; /* GDAL's short name */
    nbl__xwkind kind;
    char ext[16];       /* file extension of the driver (files, single) */
    int short_names;    /* field names limited to 10 bytes (Shapefile) */
    char *display;      /* the destination for messages (no password) */
    char gdal_msg[512]; /* first GDAL error while the writer is open */
    nbl__xoutset out;   /* files written so far */
    OGRSpatialReferenceH src, dst;
    OGRCoordinateTransformationH ct; /* NULL: output CRS = working CRS */
    char *wkt_work, *wkt_dst, *wkt_wgs;
    double env[8];   /* output-CRS extent, then working-CRS extent */
    int handler;     /* the GDAL error handler is pushed */
    int created;     /* folders made by us: the output folder and those above */
    int committed;   /* a file was renamed into place */
    int lock_fd;     /* the output folder's lock; -1: none */
    GDALDatasetH db; /* database: open in a transaction until commit */
} nbl__xwriter;

/* Resolves the driver, creates the output folder and the folders above it
 * if missing (files),
 * captures GDAL's errors and sets up the output CRS (job->wkt_work,
 * wkt_out, out_srid and provider are set). */
int nbl__xwriter_open(nbl__xwriter *w, nbl_ws *ws, nbl__xjob *job);

/* Checks every final name of the layers' files before anything is written
 * (NBL_EEXISTS without job->opts->overwrite). */
int nbl__xwriter_check(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);

/* Writes the layers with their styles. */
int nbl__xwriter_layers(nbl__xwriter *w, nbl__xlayer *layers, size_t n);

/* Writes nabolag.qgs for the layers written. */
int nbl__xwriter_project(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);

/* Checks the final names again, then renames every file into place (and
 * commits the database's transaction). */
int nbl__xwriter_commit(nbl__xwriter *w);

/* Releases the writer, removes the temporary files and, when failed and
 * nothing was committed, the folders it created (and rolls the database
 * back). */
void nbl__xwriter_close(nbl__xwriter *w, int failed);

/* The destination without a password ("password=***"), for messages and
 * the run log (malloc'ed; NULL when out of memory). */
char *nbl__xw_display_name(const char *dest);

/* ---- between writer.c, writer_files.c and writer_pg.c ---- */

/* An NBL_EIO error "<path>: <what>[: <GDAL's message>]". */
int nbl__xw_fail(const nbl__xwriter *w, const char *path, const char *what);

/* Writes one layer into ds with the layer creation options lco; names are
 * the output field names (NULL: the layer's own). */
int nbl__xw_layer(nbl__xwriter *w, GDALDatasetH ds, const char *path,
                  nbl__xlayer *l, char **lco, char *const *names);

/* lco with the user's -lco (or -dsco when dsco) options added last. */
char **nbl__xw_user_options(const nbl__xwriter *w, char **lco, int dsco);

/* Registers an output file; returns its temporary path (borrowed). */
const char *nbl__xw_outset_add(nbl__xoutset *o, const char *dir,
                               const char *base);
void nbl__xw_outset_free(nbl__xoutset *o, int remove_tmp);
int nbl__xw_check_exists(nbl_ctx *ctx, const nbl__xoutset *o, int overwrite);

/* Writes text into a new file. */
int nbl__xw_write_text(nbl_ctx *ctx, const char *path, const char *text);

/* The provenance object of the export (layer: NULL for the data set). */
char *nbl__xw_provenance(const nbl__xwriter *w, const char *layer);

/* The layer's field names (malloc'ed array, names borrowed from l; NULL
 * when out of memory). */
const char **nbl__xw_field_names(const nbl__xlayer *l);

/* The layer's style (style NULL: its default), its field names following
 * names (NULL: as they are), into *out (malloc'ed; NULL when the layer has
 * no such style). NBL_OK, or NBL_ENOMEM with the error set: a style that
 * could not be made is never taken for one that does not exist. */
int nbl__xw_qml(const nbl__xwriter *w, const nbl__xlayer *l, const char *style,
                char *const *names, char **out);

int nbl__xw_write_geojson(nbl__xwriter *w, nbl__xlayer *layers, size_t n);
int nbl__xw_write_files(nbl__xwriter *w, nbl__xlayer *layers, size_t n);
int nbl__xw_write_single(nbl__xwriter *w, nbl__xlayer *layers, size_t n);
int nbl__xw_check_files(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);

int nbl__xw_pg_open(nbl__xwriter *w);
int nbl__xw_pg_check(nbl__xwriter *w, const nbl__xlayer *layers, size_t n);
int nbl__xw_pg_write(nbl__xwriter *w, nbl__xlayer *layers, size_t n);
int nbl__xw_pg_commit(nbl__xwriter *w);
void nbl__xw_pg_close(nbl__xwriter *w);
/* The QGIS data source of a layer in the database (malloc'ed). */
char *nbl__xw_pg_source(const nbl__xwriter *w, const nbl__xlayer *l);

/* The project text with every layer's field names as a Shapefile writes
 * them (fieldnames.c: the same mapping as the files and their .qml), so
 * that the project's styles, labels and aliases name fields that exist.
 * malloc'ed; NULL when out of memory. */
char *nbl__xw_short_project(const char *qgs, const nbl__xlayer *layers,
                            size_t n);

#endif
