/*
 * categories.c - the table behind categories.h.
 */
#include "model/categories.h"

#include <string.h>

#include "nabolag/category.h"

const nbl__category nbl__categories[NBL_N_CATEGORIES] = {
    {"omdannelse", "Omdannelsesområde", {153, 52, 4}, 4},
    {"parallelsamfund", "Parallelsamfund", {217, 95, 14}, 3},
    {"udsat", "Udsat boligområde", {254, 153, 41}, 2},
    {"forebyggelse", "Forebyggelsesområde", {254, 217, 142}, 1},
    {"none", "Ikke på listen", {255, 255, 212}, 0},
    {"not_evaluable", "Kan ikke vurderes", {189, 189, 189}, -1},
};

const nbl__category *
nbl__category_find(const char *code)
{
    for (int i = 0; code && i < NBL_N_CATEGORIES; i++)
        if (strcmp(nbl__categories[i].code, code) == 0)
            return &nbl__categories[i];
    return NULL;
}

const char *
nbl_category_code(int category)
{
    /* The table is in the enum's order (checked in test_criteria). */
    if (category < 0 || category >= NBL_CAT_COUNT)
        return NULL;
    return nbl__categories[category].code;
}
