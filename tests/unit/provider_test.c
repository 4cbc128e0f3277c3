/*
 * provider_test.c: the shared fixture of the provider tests (see
 * provider_test.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "provider_test.h"

static const char *
lookup(void *arg, const char *name)
{
    struct ptest *t = arg;

    for (size_t i = 0; i < PTEST_ENV_MAX && t->env[i][0] != NULL; i++)
        if (strcmp(t->env[i][0], name) == 0)
            return t->env[i][1];
    return NULL;
}

void
ptest_set_env(struct ptest *t, const char *name, const char *value)
{
    size_t i = 0;

    while (i < PTEST_ENV_MAX - 1 && t->env[i][0] != NULL
           && strcmp(t->env[i][0], name) != 0)
        i++;
    if (i == PTEST_ENV_MAX - 1)
        abort();
    free(t->owned[i]);
    t->owned[i] = NULL;
    t->env[i][0] = name;
    t->env[i][1] = value;
}

void
ptest_set_envf(struct ptest *t, const char *name, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    size_t i = 0;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ptest_set_env(t, name, NULL);
    while (strcmp(t->env[i][0], name) != 0)
        i++;
    t->owned[i] = strdup(buf);
    t->env[i][1] = t->owned[i];
}

const char *
ptest_write(struct ptest *t, const char *relpath, const char *text)
{
    static char path[512];
    char dir[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", t->tmp, relpath);
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + strlen(t->tmp) + 1; (p = strchr(p, '/')) != NULL;
         p++) {
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    f = fopen(path, "we");
    if (f == NULL)
        abort();
    fputs(text, f);
    fclose(f);
    return path;
}

struct ptest *
ptest_new(bool with_server)
{
    struct ptest *t = calloc(1, sizeof *t);
    const char *module = getenv("AWSCRED_NET_MODULE");

    if (t == NULL)
        return NULL;
    if (with_server && fault_server_start(&t->fs) != 0) {
        fault_server_stop(&t->fs);
        free(t);
        return NULL;
    }
    t->have_server = with_server;
    snprintf(t->tmp, sizeof t->tmp, "/tmp/ptest.XXXXXX");
    if (mkdtemp(t->tmp) == NULL)
        abort();
    ptest_set_env(t, "AWS_CONFIG_FILE", "/nonexistent/config");
    ptest_set_env(t, "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds");
    t->ctx = awscred_context_new();
    if (t->ctx == NULL)
        abort();
    awscred_context_set_env(t->ctx, lookup, t);
    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_IMDS);
    awscred_context_set_user(t->ctx, "alice", getuid(), getgid(), t->tmp);
    if (module != NULL)
        awscred_context_set_net_module(t->ctx, module);
    return t;
}

void
ptest_free(struct ptest *t)
{
    char cmd[128];

    if (t == NULL)
        return;
    awscred_context_free(t->ctx);
    if (t->have_server)
        fault_server_stop(&t->fs);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", t->tmp);
    for (size_t i = 0; i < PTEST_ENV_MAX; i++)
        free(t->owned[i]);
    free(t);
}

int
ptest_teardown(void **state)
{
    ptest_free(*state);
    return 0;
}

enum awscred_status
ptest_resolve(struct ptest *t, const char *profile,
              struct awscred_credentials **out, struct awscred_error *err)
{
    struct awscred_request req = {.profile = profile};

    *out = NULL;
    memset(err, 0, sizeof *err);
    return awscred_resolve(t->ctx, &req, out, err);
}
