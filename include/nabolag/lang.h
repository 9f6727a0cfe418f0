/*
 * nabolag/lang.h - the language of human-facing text.
 *
 * Two languages are in effect at a time: the output language, for what a
 * reader gets (the HTML report, the text alert list and alert messages,
 * the plan comparison text, the QGIS layer names, field aliases and
 * legends; Danish unless set), and the message language, for messages on
 * standard error (English unless set; the CLI takes it from LANGUAGE,
 * LC_ALL, LC_MESSAGES or LANG). Machine outputs (CSV, JSON, GeoJSON keys
 * and values) are the same in both languages. Translations come from the
 * GNU gettext catalogue "nabolag" (po/LANG.po) installed with the program; no
 * system locale needs to be installed for Danish output.
 */
#ifndef NABOLAG_LANG_H
#define NABOLAG_LANG_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { NBL_LANG_DA = 0, NBL_LANG_EN = 1 } nbl_lang;

/** Parses "da" or "en" (also locale names such as "da_DK.UTF-8",
 * "en_GB"); returns -1 for anything else. */
int nbl_lang_parse(const char *s);

/** "da" or "en". */
const char *nbl_lang_code(nbl_lang lang);

/** The language of a user's environment for messages, as gettext picks
 * it: the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set and
 * names Danish gives NBL_LANG_DA; anything else (C, POSIX, unset) gives
 * NBL_LANG_EN. */
nbl_lang nbl_lang_from_env(void);

/** Sets / returns the output language (default NBL_LANG_DA). */
void nbl_set_output_language(nbl_lang lang);
nbl_lang nbl_output_language(void);

/** Sets / returns the message language (default NBL_LANG_EN). */
void nbl_set_message_language(nbl_lang lang);
nbl_lang nbl_message_language(void);

#ifdef __cplusplus
}
#endif
#endif
