/*
 * shlex.c: Python's shlex.split(s) (POSIX mode, no comments), which
 * botocore uses on "[profile NAME]" headers. The state machine follows
 * shlex.read_token with whitespace_split=True: white space is " \t\r\n",
 * quotes are ' and ", the escape is \ (kept inside "..." unless it
 * escapes " or \), and an empty quoted word is a token.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool
is_shlex_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct strv {
    char **v;
    size_t count, cap;
};

static bool
strv_push(struct strv *sv, const char *s, size_t n)
{
    if (sv->count + 2 > sv->cap) {
        size_t cap = sv->cap != 0 ? sv->cap * 2 : 4;
        char **v = realloc(sv->v, cap * sizeof(*v));

        if (v == NULL)
            return false;
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->count] = xstrndup(s, n);
    if (sv->v[sv->count] == NULL)
        return false;
    sv->v[++sv->count] = NULL;
    return true;
}

/*
 * Reads one word starting at *pp (not at white space) into tok (which has
 * room for strlen(*pp) bytes). Returns its length, or -1 with *error set.
 */
static long
read_word(const char **pp, char *tok, const char **error)
{
    const char *p = *pp;
    long n = 0;
    char quote = 0;  /* the open quote, or 0 */

    for (;; p++) {
        char c = *p;

        if (quote == 0 && (c == '\0' || is_shlex_space(c)))
            break;
        if (c == '\0') {
            *error = "No closing quotation";
            return -1;
        }
        if (quote == 0 && (c == '\'' || c == '"')) {
            quote = c;
        } else if (c == quote) {
            quote = 0;
        } else if (c == '\\' && quote != '\'') {
            char next = p[1];

            if (next == '\0') {
                *error = "No escaped character";
                return -1;
            }
            /* Inside "...", \ escapes only " and \ and is kept otherwise. */
            if (quote == '"' && next != '"' && next != '\\')
                tok[n++] = '\\';
            tok[n++] = next;
            p++;
        } else {
            tok[n++] = c;
        }
    }
    *pp = p;
    return n;
}

char **
shlex_split(const char *s, const char **error)
{
    struct strv sv = { .v = calloc(1, sizeof(char *)), .cap = 1 };
    char *tok = malloc(strlen(s) + 1);

    *error = NULL;
    if (tok == NULL || sv.v == NULL)
        goto fail;
    while (*s != '\0') {
        long n;

        if (is_shlex_space(*s)) {
            s++;
            continue;
        }
        n = read_word(&s, tok, error);
        if (n < 0 || !strv_push(&sv, tok, (size_t) n))
            goto fail;
    }
    free(tok);
    return sv.v;

fail:
    if (*error == NULL)
        *error = "out of memory";
    free(tok);
    strv_free(sv.v);
    return NULL;
}

void
strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}
