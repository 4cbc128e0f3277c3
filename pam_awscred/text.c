/*
 * text.c: user-chosen text on its way to a log line or a terminal. What a
 * user's helper prints, or a file or server says, can hold terminal
 * escapes (ESC, or the C1 CSI U+009B as UTF-8) and forged line breaks;
 * every line the module logs and every notice passes through
 * pamaws_escape() on its way out, and `awscred session` prints them.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pam_awscred/internal.h"

size_t
pamaws_utf8_decode(const unsigned char *s, unsigned long *cp)
{
    unsigned long min;
    size_t len, i;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        min = 0x10000;
    } else
        return 0;
    *cp = s[0] & (0x7fu >> len);
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)  /* also stops at the NUL */
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;  /* overlong, beyond Unicode, or a surrogate */
    return len;
}

/* Whether cp shows as itself: not a control (C0, DEL, C1), and not one of
   the invisible characters that move text or break lines (zero-width
   marks, U+2028/U+2029, bidirectional embeddings and isolates, BOM). */
static bool
printable(unsigned long cp)
{
    return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)
           && !(cp >= 0x200b && cp <= 0x200f)
           && !(cp >= 0x2028 && cp <= 0x202e)
           && !(cp >= 0x2060 && cp <= 0x2069) && cp != 0xfeff;
}

void
pamaws_escape(const char *in, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *) in;
    unsigned long cp;
    size_t o = 0, len, i;

    if (size == 0)
        return;
    while (*s != '\0') {
        len = pamaws_utf8_decode(s, &cp);
        if (len != 0 && printable(cp)) {
            if (o + len >= size)
                break;
            memcpy(out + o, s, len);
            o += len;
            s += len;
            continue;
        }
        len = len != 0 ? len : 1;
        if (o + 4 * len >= size)
            break;
        for (i = 0; i < len; i++)
            o += (size_t) snprintf(out + o, size - o, "\\x%02x", *s++);
    }
    out[o] = '\0';
}
