/*
 * fixture.c: the shared fixture of the unit tests (see fixture.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

const char *
fx_env(void *arg, const char *name)
{
    struct fx *fx = arg;

    for (size_t i = 0; i < FX_ENV_MAX && fx->env[i][0] != NULL; i++)
        if (strcmp(fx->env[i][0], name) == 0)
            return fx->env[i][1];
    return NULL;
}

static int
fixed_clock(void *arg, clockid_t which, struct timespec *now)
{
    const struct fx *fx = arg;

    if (which != CLOCK_REALTIME)
        return clock_gettime(which, now);
    now->tv_sec = (time_t) fx->now;
    now->tv_nsec = 0;
    return 0;
}

void
fx_set_env(struct fx *fx, const char *name, const char *value)
{
    size_t i = 0;

    while (i < FX_ENV_MAX - 1 && fx->env[i][0] != NULL
           && strcmp(fx->env[i][0], name) != 0)
        i++;
    if (i == FX_ENV_MAX - 1)
        abort();
    free(fx->owned[i]);
    fx->owned[i] = NULL;
    fx->env[i][0] = name;
    fx->env[i][1] = value;
}

void
fx_set_envs(struct fx *fx, const char *const *pairs)
{
    for (; pairs != NULL && pairs[0] != NULL; pairs += 2)
        fx_set_env(fx, pairs[0], pairs[1]);
}

void
fx_set_envf(struct fx *fx, const char *name, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    size_t i = 0;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fx_set_env(fx, name, NULL);
    while (strcmp(fx->env[i][0], name) != 0)
        i++;
    fx->owned[i] = strdup(buf);
    fx->env[i][1] = fx->owned[i];
}

void
fx_fix_clock(struct fx *fx, int64_t now)
{
    fx->now = now;
    awscred_context_set_clock(fx->ctx, fixed_clock, fx);
}

static const char *
write_path(struct fx *fx, const char *relpath, const void *data, size_t len,
           mode_t mode)
{
    static char path[512];
    char dir[512];
    size_t base;
    int fd;

    if (relpath[0] == '/') {
        snprintf(path, sizeof path, "%s", relpath);
        base = 1;
    } else {
        snprintf(path, sizeof path, "%s/%s", fx->tmp, relpath);
        base = strlen(fx->tmp) + 1;
    }
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + base; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t) len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
    return path;
}

const char *
fx_write_mode(struct fx *fx, const char *relpath, const char *text,
              mode_t mode)
{
    return write_path(fx, relpath, text, strlen(text), mode);
}

const char *
fx_write_bytes(struct fx *fx, const char *relpath, const void *data,
               size_t len)
{
    return write_path(fx, relpath, data, len, 0600);
}

const char *
fx_write(struct fx *fx, const char *relpath, const char *text)
{
    return fx_write_mode(fx, relpath, text, 0600);
}

struct fx *
fx_new(bool with_server)
{
    struct fx *fx = calloc(1, sizeof *fx);
    const char *module = getenv("AWSCRED_NET_MODULE");

    if (fx == NULL)
        return NULL;
    if (with_server && fault_server_start(&fx->fs) != 0) {
        fault_server_stop(&fx->fs);
        free(fx);
        return NULL;
    }
    fx->have_server = with_server;
    snprintf(fx->tmp, sizeof fx->tmp, "/tmp/fx.XXXXXX");
    if (mkdtemp(fx->tmp) == NULL)
        abort();
    fx_set_env(fx, "AWS_CONFIG_FILE", "/nonexistent/config");
    fx_set_env(fx, "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds");
    fx->ctx = awscred_context_new();
    if (fx->ctx == NULL)
        abort();
    awscred_context_set_env(fx->ctx, fx_env, fx);
    awscred_context_set_flags(fx->ctx, AWSCRED_FLAG_NO_IMDS);
    awscred_context_set_user(fx->ctx, "alice", getuid(), getgid(), fx->tmp);
    if (module != NULL)
        awscred_context_set_net_module(fx->ctx, module);
    return fx;
}

void
fx_free(struct fx *fx)
{
    char cmd[128];

    if (fx == NULL)
        return;
    awscred_credentials_free(fx->creds);
    awscred_context_free(fx->ctx);
    if (fx->have_server)
        fault_server_stop(&fx->fs);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", fx->tmp);
    for (size_t i = 0; i < FX_ENV_MAX; i++)
        free(fx->owned[i]);
    free(fx);
}

int
fx_setup(void **state)
{
    *state = fx_new(false);
    return *state != NULL ? 0 : -1;
}

int
fx_teardown(void **state)
{
    fx_free(*state);
    return 0;
}

enum awscred_status
fx_resolve(struct fx *fx)
{
    awscred_credentials_free(fx->creds);
    fx->creds = NULL;
    memset(&fx->err, 0, sizeof fx->err);
    return awscred_resolve(fx->ctx, &fx->req, &fx->creds, &fx->err);
}

void
fx_expect_key(struct fx *fx, const char *key, const char *method)
{
    if (fx_resolve(fx) != AWSCRED_OK)
        fail_msg("resolve failed: %s (%s)", fx->err.message, fx->err.where);
    assert_string_equal(fx->creds->access_key_id, key);
    if (method != NULL)
        assert_string_equal(fx->creds->method, method);
}

void
fx_expect_error(struct fx *fx, enum awscred_status status,
                const char *message)
{
    enum awscred_status got = fx_resolve(fx);

    if (got != status)
        fail_msg("status %d, wanted %d: %s (%s)", got, status,
                 fx->err.message, fx->err.where);
    assert_null(fx->creds);
    if (message != NULL)
        assert_string_equal(fx->err.message, message);
}

void
fx_expect_words(const struct fx *fx, const char *words)
{
    if (strstr(fx->err.message, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", fx->err.message, words);
}

double
fx_elapsed_ms(const struct timespec *a, const struct timespec *b)
{
    return (double) (b->tv_sec - a->tv_sec) * 1e3
           + (double) (b->tv_nsec - a->tv_nsec) / 1e6;
}

bool
fx_under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");

    return preload != NULL && strstr(preload, "/vgpreload_") != NULL;
}
