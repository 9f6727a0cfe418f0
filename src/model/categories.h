/*
 * categories.h - the statutory categories as every output shows them: the
 * dk2021 code, the Danish label and the map colour, ordered from the most
 * to the least serious. One table, so the QGIS styles, the export's labels
 * and the HTML report can never disagree. Colours: ColorBrewer YlOrBr, a
 * sequential colour-blind-safe ramp (darker = more serious).
 */
#ifndef NBL_CATEGORIES_H
#define NBL_CATEGORIES_H

typedef struct nbl__category {
    const char *code;  /* dk2021 code as stored */
    const char *label; /* Danish label */
    unsigned char rgb[3];
    int rank; /* seriousness: none 0 ... omdannelse 4; -1 unranked */
} nbl__category;

#define NBL_N_CATEGORIES 6

/* omdannelse, parallelsamfund, udsat, forebyggelse, none, not_evaluable */
extern const nbl__category nbl__categories[NBL_N_CATEGORIES];

/* The entry of a code, or NULL (also for NULL). */
const nbl__category *nbl__category_find(const char *code);

#endif
