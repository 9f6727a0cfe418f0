/*
 * disclosure.h - statistical disclosure control (Danmarks Statistik
 * practice), pure functions over numbers. Every module that publishes area
 * values (export, alerts, report) asks these before writing a value; a
 * suppressed value is written as null with status "suppressed".
 *
 * Rules (thresholds configurable in [disclosure]):
 *   - a published count below min_count (default 3) is suppressed;
 *   - a rate or share whose denominator is below min_denominator (default
 *     20) is suppressed;
 *   - every value of an area with fewer than min_residents_publish residents
 *     (default 100) is suppressed.
 * A missing input (NAN) never triggers suppression: it is "missing".
 */
#ifndef NBL_DISCLOSURE_H
#define NBL_DISCLOSURE_H

#include "nabolag/common.h"

typedef struct nbl__disclosure {
    double min_count;
    double min_denominator;
    double min_residents_publish;
} nbl__disclosure;

/** Sets the defaults: 3, 20, 100. */
void nbl__disclosure_defaults(nbl__disclosure *d);

/** Reads the [disclosure] section of an INI file over the current values
 * (other sections are ignored). path NULL: nothing to do. */
int nbl__disclosure_load(nbl_ctx *ctx, const char *path, nbl__disclosure *d);

/** 1 if a published count must be suppressed (0 < count < min_count counts
 * as small; 0 is published: it reveals nobody). */
int nbl__disclosure_count(const nbl__disclosure *d, double count);

/** 1 if a rate with this denominator must be suppressed. */
int nbl__disclosure_rate(const nbl__disclosure *d, double denominator);

/** 1 if all values of an area with these residents must be suppressed. */
int nbl__disclosure_area(const nbl__disclosure *d, double residents);

#endif
