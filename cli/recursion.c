/*
 * recursion.c: the AWS CLI's guard against `export` calling itself
 * through credential_process (exportcreds.py, _AWS_CLI_PROFILE_CHAIN):
 * the profiles already on the way are kept in that environment variable
 * as one CSV row; four of them, or the current profile again, stop the
 * chain. Sharing the variable with the AWS CLI means a loop through both
 * programs is caught too.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CHAIN_VAR "_AWS_CLI_PROFILE_CHAIN"
#define MAX_RECURSION 4
#define MAX_SEEN 64

struct profile_chain {
    char *fields[MAX_SEEN];
    size_t n;
    char buf[4096];
};

/* Splits one CSV row (Python's csv module, excel dialect) in place. */
static void
chain_parse(struct profile_chain *c, const char *row)
{
    char *out = c->buf, *end = c->buf + sizeof(c->buf) - 1;
    const char *p = row;

    c->n = 0;
    if (*p == '\0')
        return;
    while (c->n < MAX_SEEN && out < end) {
        bool quoted = *p == '"';

        c->fields[c->n++] = out;
        if (quoted)
            p++;
        while (*p != '\0' && out < end) {
            if (quoted && *p == '"' && p[1] == '"')
                p++;
            else if (quoted && *p == '"') {
                quoted = false;
                p++;
                continue;
            } else if (!quoted && *p == ',')
                break;
            *out++ = *p++;
        }
        *out++ = '\0';
        if (*p != ',')
            break;
        p++;
    }
    *end = '\0';
}

static bool
needs_quotes(const char *field)
{
    return strpbrk(field, ",\"\r\n") != NULL;
}

/* Appends field to the row in dst, quoted where csv.writer would. */
static void
row_append(char *dst, size_t size, const char *field, bool first)
{
    size_t used = strlen(dst);

    if (!first && used + 1 < size)
        dst[used++] = ',';
    if (needs_quotes(field) && used + 1 < size)
        dst[used++] = '"';
    for (const char *p = field; *p != '\0' && used + 2 < size; p++) {
        if (*p == '"')
            dst[used++] = '"';
        dst[used++] = *p;
    }
    if (needs_quotes(field) && used + 1 < size)
        dst[used++] = '"';
    dst[used] = '\0';
}

/* "a -> b -> c" for the messages. */
static void
print_path(const struct profile_chain *c, const char *extra)
{
    for (size_t i = 0; i < c->n; i++)
        fprintf(stderr, "%s%s", i > 0 ? " -> " : "", c->fields[i]);
    if (extra != NULL)
        fprintf(stderr, "%s%s", c->n > 0 ? " -> " : "", extra);
}

int
cli_recursion_barrier(const char *profile)
{
    static struct profile_chain chain;
    const char *seen = getenv(CHAIN_VAR);
    /* Sized by what it gets (each field at most doubled and quoted): an
       8 KiB array cleared on the stack was two pages faulted in at every
       start (bench/export.sh). */
    size_t size = 2 * strlen(profile) + 4;
    char *row;
    int status;

    chain_parse(&chain, seen != NULL ? seen : "");
    if (chain.n >= MAX_RECURSION) {
        fprintf(stderr, "\nMaximum recursive credential process resolution "
                "reached (%d).\nProfiles seen: ", MAX_RECURSION);
        print_path(&chain, NULL);
        fputs("\n", stderr);
        return EXIT_CONFIGURATION_ERROR;
    }
    for (size_t i = 0; i < chain.n; i++) {
        if (strcmp(chain.fields[i], profile) != 0)
            continue;
        fputs("\nCredential process resolution detected an infinite loop, "
              "profile cycle: ", stderr);
        print_path(&chain, profile);
        fputs("\n\n", stderr);
        return EXIT_CONFIGURATION_ERROR;
    }
    for (size_t i = 0; i < chain.n; i++)
        size += 2 * strlen(chain.fields[i]) + 3;
    if ((row = malloc(size)) == NULL) {
        fputs("awscred: out of memory\n", stderr);
        return EXIT_GENERAL_ERROR;
    }
    row[0] = '\0';
    for (size_t i = 0; i < chain.n; i++)
        row_append(row, size, chain.fields[i], i == 0);
    /* csv.writer quotes a row that is one empty field. */
    if (chain.n == 0 && profile[0] == '\0')
        strcpy(row, "\"\"");
    else
        row_append(row, size, profile, chain.n == 0);
    status = setenv(CHAIN_VAR, row, 1) != 0 ? EXIT_GENERAL_ERROR : 0;
    if (status != 0)
        fputs("awscred: out of memory\n", stderr);
    free(row);
    return status;
}
