/*
 * nabolag/category.h - the statutory area categories as plain values, shared
 * by the criteria (the model) and the public compute API. No functions that
 * need a workspace.
 */
#ifndef NABOLAG_CATEGORY_H
#define NABOLAG_CATEGORY_H

#ifdef __cplusplus
extern "C" {
#endif

/** Area categories, labelled with the dk2021 codes, most severe first. */
typedef enum {
    NBL_CAT_OMDANNELSE = 0, /**< "omdannelse": omdannelsesområde */
    NBL_CAT_PARALLEL,       /**< "parallelsamfund" */
    NBL_CAT_UDSAT,          /**< "udsat": udsat boligområde */
    NBL_CAT_FOREBYGGELSE,   /**< "forebyggelse": forebyggelsesområde */
    NBL_CAT_NONE,           /**< "none": no category */
    NBL_CAT_NOT_EVALUABLE,  /**< "not_evaluable": depends on missing data */
    NBL_CAT_COUNT
} nbl_category;

/** The stored code of a category ("omdannelse", ...); NULL if out of
 * range. */
const char *nbl_category_code(int category);

#ifdef __cplusplus
}
#endif

#endif
