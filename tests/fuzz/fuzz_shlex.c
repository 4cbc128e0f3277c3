/*
 * fuzz_shlex.c: shlex_split() (shlex.c), Python's shlex.split, which
 * splits credential_process commands and "[profile NAME]" headers. The
 * differential test against Python lives with the config reader's tests;
 * this target looks for crashes, leaks and these properties:
 *   - exactly one of a vector and an error comes back;
 *   - words never hold more bytes in total than the input;
 *   - input without quotes or backslashes splits on " \t\r\n" only.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fuzz.h"
#include "internal.h"

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Compares words with a plain white-space split of text. */
static bool
splits_plainly(const char *text, char **words)
{
    const char *p = text;
    size_t i = 0;

    for (;;) {
        size_t n;

        while (is_space(*p))
            p++;
        if (*p == '\0')
            return words[i] == NULL;
        for (n = 0; p[n] != '\0' && !is_space(p[n]); n++)
            ;
        if (words[i] == NULL || strlen(words[i]) != n
            || memcmp(words[i], p, n) != 0)
            return false;
        p += n;
        i++;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    const char *error = NULL;
    char **words = shlex_split(text, &error);

    FUZZ_REQUIRE((words == NULL) != (error == NULL));
    if (words != NULL) {
        size_t total = 0;

        for (size_t i = 0; words[i] != NULL; i++)
            total += strlen(words[i]);
        FUZZ_REQUIRE(total <= strlen(text));
        if (strpbrk(text, "'\"\\") == NULL)
            FUZZ_REQUIRE(splits_plainly(text, words));
    }
    strv_free(words);
    free(text);
    return 0;
}
