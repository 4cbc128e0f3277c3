/*
 * provider_test.h: the fixture the provider tests share: a temporary
 * directory, an environment table the context reads, a context, and
 * optionally a running fault server (tests/lib/fault_server.py).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PROVIDER_TEST_H
#define PROVIDER_TEST_H 1

#include <stdbool.h>

#include "fault_server_c.h"
#include "internal.h"

#define PTEST_ENV_MAX 24

struct ptest {
    struct fault_server fs;
    bool have_server;
    char tmp[64];                     /* fresh directory, removed after */
    const char *env[PTEST_ENV_MAX][2];
    char *owned[PTEST_ENV_MAX];       /* values ptest_set_envf allocated */
    struct awscred_context *ctx;
};

/* Returns NULL when the fault server was wanted but cannot start. The
   context has AWSCRED_FLAG_NO_IMDS, the net module of the build tree,
   user "alice" with home = tmp, and no config files. */
struct ptest *ptest_new(bool with_server);
void ptest_free(struct ptest *t);
/* A cmocka teardown for a ptest in *state. */
int ptest_teardown(void **state);
/* name=value in the context's environment (value NULL: unset). */
void ptest_set_env(struct ptest *t, const char *name, const char *value);
void ptest_set_envf(struct ptest *t, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes tmp/relpath (parent directories created), returns its path. */
const char *ptest_write(struct ptest *t, const char *relpath,
                        const char *text);
/* awscred_resolve with --profile (NULL: none). */
enum awscred_status ptest_resolve(struct ptest *t, const char *profile,
                                  struct awscred_credentials **out,
                                  struct awscred_error *err);

#endif
