/*
 * nabolag/nabolag.h - umbrella header: includes every public module header.
 */
#ifndef NABOLAG_NABOLAG_H
#define NABOLAG_NABOLAG_H

#include "nabolag/category.h"
#include "nabolag/common.h"
#include "nabolag/lang.h"
#include "nabolag/workspace.h"
#include "nabolag/areas.h"
#include "nabolag/compute.h"
#include "nabolag/plans.h"
#include "nabolag/profile.h"
#include "nabolag/project.h"
#include "nabolag/report.h"
#include "nabolag/run.h"
#include "nabolag/alerts.h"
#include "nabolag/export.h"
#include "nabolag/incidents.h"
#include "nabolag/stats.h"
#include "nabolag/grid.h"

#endif
