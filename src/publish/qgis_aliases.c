/*
 * qgis_aliases.c - the field aliases of the layers in nabolag.qgs, so that
 * a QGIS user reads "Andel 18-64-årige uden for arbejdsmarkedet eller
 * uddannelse" in the attribute table and the identify panel rather than
 * `lab`. The field names stay the stable English keys of docs/outputs.md;
 * only the aliases are in the output language (Danish by default, English
 * with --lang en). A field is named by a whole-name entry, or by a known
 * base (criterion, plan measure, profile indicator) and a suffix entry
 * ("lab_status" = the base's name + ": status"); a field neither knows
 * keeps its name as the alias.
 */
#include <stdio.h>
#include <string.h>

#include "publish/qgis.h"
#include "util/i18n.h"
#include "util/util.h"

typedef struct alias {
    const char *field, *label; /* label: English msgid */
} alias;

static const alias whole[] = {
    {"area_id", N_("Area id")},
    {"name", N_("Name")},
    {"municipality", N_("Municipality")},
    {"region", N_("Region")},
    {"year", N_("Year")},
    {"pop", N_("Residents")},
    {"criteria_met", N_("Criteria met")},
    {"category", N_("Category (code)")},
    {"category_label", N_("Category")},
    {"profile_points", N_("Profile points")},
    {"profile_band", N_("Profile band")},
    {"profile_band_label", N_("Profile band (label)")},
    {"ruleset", N_("Ruleset")},
    {"ruleset_version", N_("Ruleset version")},
    {"status_index", N_("Status index")},
    {"status_class", N_("Status class")},
    {"dynamics_index", N_("Dynamics index")},
    {"dynamics_class", N_("Dynamics class")},
    {"sd_group", N_("Status/dynamics group")},
    {"sd_reason", N_("Why not classified")},
    {"year_start", N_("Year from")},
    {"year_end", N_("Year to")},
    {"kind", N_("Alert kind")},
    {"rule", N_("Rule")},
    {"severity", N_("Severity")},
    {"value", N_("Value")},
    {"threshold", N_("Threshold")},
    {"message", N_("Message")},
    {"state", N_("State")},
    {"first_year", N_("First year")},
    {"safety_band", N_("Safety band")},
    {"flag_safe", N_("Share feeling safe below the flag")},
    {"flag_night", N_("Share safe at night below the flag")},
    {"plan_id", N_("Plan id")},
    {"start_year", N_("Start year")},
    {"end_year", N_("End year")},
    {"active", N_("Active")},
    {"areas", N_("Areas")},
    {"n_areas", N_("Number of areas")},
    {"baseline_year", N_("Baseline year")},
    {"latest_year", N_("Latest year")},
};

/* Bases of suffixed fields (criteria, plan measures, safety parts). */
static const alias bases[] = {
    {"pop", N_("Residents")},
    {"lab", N_("Share of 18-64-year-olds outside work or education")},
    {"cri", N_("Share convicted")},
    {"edu", N_("Share with basic education only")},
    {"inc", N_("Income as a share of the regional mean")},
    {"eth", N_("Share of non-Western origin")},
    {"safety_index", N_("Safety index")},
    {"perceived", N_("Perceived safety")},
    {"problems", N_("Problems seen")},
    {"registered", N_("Registered crime")},
    {"status_class", N_("Status class")},
    {"dynamics_class", N_("Dynamics class")},
    {"profile", N_("Profile")},
    {"value", N_("Value")},
};

/* Suffixes, longest first so that "_comparison_change" wins over
 * "_change"; the label is a format for the base's name. */
static const alias suffixes[] = {
    {"_comparison_change", N_("%s: change in comparable areas")},
    {"_target_met", N_("%s: target met")},
    {"_baseline", N_("%s: baseline")},
    {"_points", N_("%s: points")},
    {"_status", N_("%s: status")},
    {"_change", N_("%s: change")},
    {"_latest", N_("%s: latest")},
    {"_target", N_("%s: target")},
    {"_ratio", N_("%s: ratio to the country")},
    {"_met", N_("%s: criterion met")},
    {"_did", N_("%s: difference in differences")},
    {"_ref", N_("%s: reference")},
    {"_sd", N_("%s: distance in standard deviations")},
};

static const char *
find(const alias *t, size_t n, const char *field, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(t[i].field) == len && strncmp(t[i].field, field, len) == 0)
            return T_(t[i].label);
    return NULL;
}

/* A profile indicator's label in the output language, or NULL. */
static const char *
indicator_label(const nbl__xjob *job, const char *field, size_t len)
{
    const nbl__profile_cfg *p = job ? job->profile : NULL;
    for (size_t i = 0; p && i < p->n_ind; i++) {
        const nbl__indicator *x = &p->ind[i];
        if (strlen(x->name) == len && strncmp(x->name, field, len) == 0) {
            const char *l = nbl_output_language() == NBL_LANG_DA ? x->label_da
                                                                 : x->label_en;
            return l && *l ? l : NULL;
        }
    }
    return NULL;
}

static const char *
base_label(const nbl__xjob *job, const char *field, size_t len)
{
    const char *l = find(bases, sizeof bases / sizeof *bases, field, len);
    return l ? l : indicator_label(job, field, len);
}

/* The alias of a field into out; 0 when it has none. */
static int
field_alias(const nbl__xjob *job, const char *field, char *out, size_t cap)
{
    size_t n = strlen(field);
    const char *l = find(whole, sizeof whole / sizeof *whole, field, n);
    if (!l)
        l = base_label(job, field, n);
    if (l) {
        snprintf(out, cap, "%s", l);
        return 1;
    }
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t k = strlen(suffixes[i].field);
        const char *b;
        if (n <= k || strcmp(field + n - k, suffixes[i].field) != 0)
            continue;
        if ((b = base_label(job, field, n - k))) {
            snprintf(out, cap, T_(suffixes[i].label), b);
            return 1;
        }
    }
    return 0;
}

void
nbl__qgis_aliases(nbl__buf *b, const nbl__xjob *job, const nbl__xlayer *l)
{
    char a[256];
    nbl__buf_printf(b, "      <aliases>\n");
    for (int i = 0; i < l->nfields; i++) {
        if (!field_alias(job, l->fields[i].name, a, sizeof a))
            continue;
        nbl__buf_printf(b, "        <alias index=\"%d\" field=\"", i);
        nbl__buf_append_xml(b, l->fields[i].name);
        nbl__buf_printf(b, "\" name=\"");
        nbl__buf_append_xml(b, a);
        nbl__buf_printf(b, "\"/>\n");
    }
    nbl__buf_printf(b, "      </aliases>\n");
}
