/*
 * nabolag/nabolag.h - umbrella header: includes every public module header.
 */
#ifndef NABOLAG_NABOLAG_H
#define NABOLAG_NABOLAG_H

#include "nabolag/common.h"
#include "nabolag/workspace.h"

#endif
