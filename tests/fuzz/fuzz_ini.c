/*
 * fuzz_ini.c - the ruleset and indicator INI readers. The first byte picks
 * the reader: a ruleset parsed on its own, an override applied to the
 * built-in dk2021 ruleset, or an indicator/safety configuration over the
 * built-in one.
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "model/indicators.h"
#include "model/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_ctx *ctx;
    char *text;
    nbl__ruleset *rs = NULL;
    if (size < 1)
        return 0;
    ctx = nbl_ctx_new();
    text = nbl_fuzz_text(data + 1, size - 1);
    switch (data[0] % 3) {
    case 0:
        if (nbl__ruleset_parse(ctx, text, "fuzz.ini", &rs) == NBL_OK)
            nbl__ruleset_free(rs);
        break;
    case 1:
        if (nbl__ruleset_load(ctx, "dk2021", NULL, &rs) == NBL_OK) {
            nbl__ruleset_override(ctx, rs, text, "fuzz.ini");
            nbl__ruleset_free(rs);
        }
        break;
    default: {
        nbl__profile_cfg cfg; /* initialised by the load, freed on failure */
        if (nbl__profile_cfg_load_text(ctx, &cfg, text, "fuzz.ini") == NBL_OK)
            nbl__profile_cfg_free(&cfg);
    }
    }
    free(text);
    nbl_ctx_free(ctx);
    return 0;
}
