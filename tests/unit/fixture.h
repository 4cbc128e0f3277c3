/*
 * fixture.h: the fixture the unit tests share: a temporary directory that
 * is the user's home, the user ("alice", the test's own uid), an
 * environment table the context reads instead of the process's, a fixed
 * clock on request, a context, the request and answer of a resolve, and
 * optionally a running fault server (tests/lib/fault_server.py).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef FIXTURE_H
#define FIXTURE_H 1

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "fault_server_c.h"
#include "internal.h"

#define FX_ENV_MAX 32

struct fx {
    struct fault_server fs;
    bool have_server;
    char tmp[64];                     /* fresh directory, removed after */
    const char *env[FX_ENV_MAX][2];
    char *owned[FX_ENV_MAX];          /* values fx_set_envf allocated */
    int64_t now;                      /* fx_fix_clock's CLOCK_REALTIME */
    struct awscred_context *ctx;
    struct awscred_request req;       /* what fx_resolve asks */
    struct awscred_credentials *creds;/* its answer (freed by the next) */
    struct awscred_error err;
};

/* Returns NULL when the fault server was wanted but cannot start. The
   context has AWSCRED_FLAG_NO_IMDS, the net module of the build tree
   ($AWSCRED_NET_MODULE), user "alice" with home = tmp, and
   AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE pointing nowhere. */
struct fx *fx_new(bool with_server);
void fx_free(struct fx *fx);
/* cmocka setup (no server) and teardown of a fixture in *state. */
int fx_setup(void **state);
int fx_teardown(void **state);
/* name=value in the context's environment (value NULL: unset). */
void fx_set_env(struct fx *fx, const char *name, const char *value);
void fx_set_envf(struct fx *fx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* fx_set_env of each name and value of pairs (name, value, ..., NULL). */
void fx_set_envs(struct fx *fx, const char *const *pairs);
/* The value of name in the context's environment, or NULL (the
   context's awscred_env_fn; fx a struct fx). */
const char *fx_env(void *fx, const char *name);
/* From now on the context's CLOCK_REALTIME says fx->now (set to now
   here, changeable later); the other clocks are the kernel's, so that
   deadlines still pass. */
void fx_fix_clock(struct fx *fx, int64_t now);
/* Writes relpath under tmp (an absolute path as it is; parent
   directories created) with mode, returns its path (valid until the
   next call). */
const char *fx_write_mode(struct fx *fx, const char *relpath,
                          const char *text, mode_t mode);
/* len bytes of data (NULs and all), mode 0600. */
const char *fx_write_bytes(struct fx *fx, const char *relpath,
                           const void *data, size_t len);
/* text, mode 0600. */
const char *fx_write(struct fx *fx, const char *relpath, const char *text);
/* awscred_resolve of fx->req into fx->creds and fx->err. */
enum awscred_status fx_resolve(struct fx *fx);
/* Resolves and expects success with this key and method. */
void fx_expect_key(struct fx *fx, const char *key, const char *method);
/* Resolves and expects this status and, unless NULL, this message. */
void fx_expect_error(struct fx *fx, enum awscred_status status,
                     const char *message);

/* Asserts that fx->err.message contains words. */
void fx_expect_words(const struct fx *fx, const char *words);
/* Milliseconds from a to b. */
double fx_elapsed_ms(const struct timespec *a, const struct timespec *b);
/* Whether this runs under valgrind (its preload is in LD_PRELOAD). A
   child of a program under valgrind that calls execve() and fails after
   valgrind's own checks passed, as with a missing #! interpreter, is
   ended by valgrind with status 101 ("EXEC FAILED: I can't recover from
   execve() failing"). */
bool fx_under_valgrind(void);

#endif
