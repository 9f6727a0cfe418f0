/*
 * i18n.h - translation of human-facing text (GNU gettext, domain
 * "nabolag"; catalogues po/<lang>.po, built into <localedir>/<lang>/
 * LC_MESSAGES/nabolag.mo). Source strings are English; English needs no
 * catalogue.
 *
 *   _("...")           a message on standard error (message language)
 *   _n("1", "n", n)    the same with a plural form
 *   T_("...")          text a reader gets (output language)
 *   Tn_("1", "n", n)   the same with a plural form
 *   N_("...")          marks a string for the catalogue, translated later
 *                      with T_(var) or _(var)
 *
 * A count in a sentence takes the plural form of the whole sentence
 * (Danish "1 række læst", "2 rækker læst"; po/da.po: plural=(n != 1)),
 * never an "s" pasted on in English. _n() returns a format, which may be
 * passed as the format of a function that translates its own (cli_info,
 * nbl__error, ...): a translation is no msgid, so it comes back as it is.
 * A message with several counts is built from parts, each a plural of its
 * own (NBL_COUNT), placed into a frame ("%s: %s, %s") that the catalogue
 * holds too.
 *
 * The catalogue is found at $NBL_LOCALEDIR, next to the executable
 * (<bin>/../share/locale), in the build tree or in the install prefix, in
 * that order. Lookups do not depend on the process locale: a Danish
 * lookup runs under a thread-local C.UTF-8 message locale with LANGUAGE
 * set for the duration of the call.
 */
#ifndef NBL_I18N_H
#define NBL_I18N_H

#include <stddef.h>

#include "nabolag/lang.h"

/* Translation of msgid into lang (msgid itself for English, an empty
 * string or a missing entry). Borrowed, static. */
const char *nbl__tr(nbl_lang lang, const char *msgid)
    __attribute__((format_arg(2)));
const char *nbl__trn(nbl_lang lang, const char *msgid, const char *plural,
                     unsigned long n) __attribute__((format_arg(2)))
__attribute__((format_arg(3)));

/* The folder the catalogues were found in, or NULL. */
const char *nbl__localedir(void);

#define _(s) nbl__tr(nbl_message_language(), (s))
#define _n(s, p, n) nbl__trn(nbl_message_language(), (s), (p), (n))
/* One count of a message built from parts, into the char array buf:
 * n in the plural form of one/many that fits it (message language).
 * NBL_COUNT(p[0], "%ld row read", "%ld rows read", rows). */
#define NBL_COUNT(buf, one, many, n)                                           \
    snprintf((buf), sizeof(buf), _n(one, many, (unsigned long)(n)), (n))
#define T_(s) nbl__tr(nbl_output_language(), (s))
#define Tn_(s, p, n) nbl__trn(nbl_output_language(), (s), (p), (n))
#define N_(s) (s)

/*
 * v with `dec` decimals for a reader in the output language: Danish
 * "1.234,5" (decimal comma, '.' between thousands), English "1234.5".
 * Trailing zeros are kept. Returns buf. Machine outputs use
 * nbl__fmt_double instead.
 */
char *nbl__fmt_num(char *buf, size_t n, double v, int dec);

/* The same in an explicit language. */
char *nbl__fmt_num_lang(nbl_lang lang, char *buf, size_t n, double v, int dec);

#endif
