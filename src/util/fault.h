/*
 * fault.h - allocation-failure injection (fault.c); only in a build with
 * NBL_FAULT_INJECTION defined.
 */
#ifndef NBL_FAULT_H
#define NBL_FAULT_H

#ifdef NBL_FAULT_INJECTION
/** Counts one allocation; true when it is the one that must fail. */
int nbl__fault_hit(void);
/** Counts one checked JSON addition (util/jsondoc.c); true when it is the
 * one NBL_FAULT_JSON names. */
int nbl__fault_json_hit(void);
/** True when NBL_FAULT_AT or NBL_FAULT_REPORT is set. */
int nbl__fault_enabled(void);
/** Notes where a named stretch of a command begins (begin 1) or ends in
 * the count of allocations; NBL_FAULT_REPORT prints each stretch at exit
 * as "nabolag-fault-mark: NAME FIRST LAST" (its allocations), so that the
 * fault test tries those its even sampling would miss. */
void nbl__fault_mark(const char *name, int begin);
#define NBL_FAULT_MARK(name, begin) nbl__fault_mark(name, begin)
#else
#define NBL_FAULT_MARK(name, begin) ((void)0)
#endif

#endif
