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

/** 1 if an alert (export alerts layer, `nabolag alerts`, delivery) must be
 * withheld: its area has fewer than min_residents_publish residents in the
 * alert's year, or the rate it is about has a denominator below
 * min_denominator (denominator: pop_18_64 for lab, pop_18p for cri,
 * pop_30_59 for edu, taxpayers_15_64 for inc, pop for eth; NAN for rules
 * without one). A withheld alert keeps its kind, rule, threshold and state;
 * its value becomes null with status "suppressed" and its message is
 * replaced by nbl__disclosure_alert_message(). */
int nbl__disclosure_alert(const nbl__disclosure *d, double residents,
                          double denominator);

/** The message of a withheld alert, malloc'ed (NULL: out of memory):
 * "<name or area_id>: <kind> (<rule>): value withheld under disclosure
 * control". */
char *nbl__disclosure_alert_message(const char *name, const char *area_id,
                                    const char *kind, const char *rule);

/** The alert line of an area below min_residents_publish, malloc'ed (NULL:
 * out of memory), in the output language: "<name> (<id>): an area with
 * fewer than N residents has alerts; see the internal list." It names no
 * criterion, value or distance; an output shows one such line per area and
 * year, with kind and rule "withheld" and no value or threshold. */
char *nbl__disclosure_small_area_message(const nbl__disclosure *d,
                                         const char *name, const char *area_id);

/** The mark of an output with unsuppressed values (export, alerts). */
#define NBL__INTERNAL_USE_ONLY                                                 \
    "UNSUPPRESSED VALUES: FOR INTERNAL USE ONLY, NOT FOR PUBLICATION"

#endif
