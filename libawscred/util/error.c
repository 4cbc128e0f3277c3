/*
 * error.c: errors as values. A failing call fills the caller's struct
 * awscred_error and returns its status; nothing is global.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const status_names[] = {
    [AWSCRED_OK] = "ok",
    [AWSCRED_ERR_NO_CREDENTIALS] = "no-credentials",
    [AWSCRED_ERR_PROFILE_NOT_FOUND] = "profile-not-found",
    [AWSCRED_ERR_CONFIG_PARSE] = "config-parse",
    [AWSCRED_ERR_INVALID_CONFIG] = "invalid-config",
    [AWSCRED_ERR_PARTIAL] = "partial-credentials",
    [AWSCRED_ERR_LOOP] = "infinite-loop",
    [AWSCRED_ERR_FILE] = "file",
    [AWSCRED_ERR_RETRIEVAL] = "retrieval",
    [AWSCRED_ERR_NETWORK] = "network",
    [AWSCRED_ERR_TIMEOUT] = "timeout",
    [AWSCRED_ERR_EXPIRED] = "expired",
    [AWSCRED_ERR_UNSUPPORTED] = "unsupported",
    [AWSCRED_ERR_INVALID_ARG] = "invalid-argument",
    [AWSCRED_ERR_NOMEM] = "out-of-memory",
    [AWSCRED_ERR_SERVICE] = "service",
    [AWSCRED_ERR_SSO_TOKEN] = "sso-token",
    [AWSCRED_ERR_PARAM_VALIDATION] = "parameter-validation",
    [AWSCRED_ERR_NO_REGION] = "no-region",
};

const char *
awscred_status_name(enum awscred_status status)
{
    size_t n = sizeof(status_names) / sizeof(status_names[0]);

    if ((size_t) status >= n || status_names[status] == NULL)
        return "unknown";
    return status_names[status];
}

static void
copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

static enum awscred_status
error_vset(struct awscred_error *err, enum awscred_status status,
           const char *provider, const char *where, const char *fmt,
           va_list ap)
{
    if (err == NULL)
        return status;
    err->status = status;
    copy_field(err->provider, sizeof(err->provider), provider);
    copy_field(err->where, sizeof(err->where), where);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return status;
}

enum awscred_status
error_set(struct awscred_error *err, enum awscred_status status,
          const char *provider, const char *where, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(err, status, provider, where, fmt, ap);
    va_end(ap);
    return status;
}

enum awscred_status
error_set_line(struct awscred_error *err, enum awscred_status status,
               const char *path, unsigned line, const char *fmt, ...)
{
    char where[512];
    va_list ap;

    if (line > 0)
        snprintf(where, sizeof(where), "%s:%u", path, line);
    else
        copy_field(where, sizeof(where), path);
    va_start(ap, fmt);
    error_vset(err, status, NULL, where, fmt, ap);
    va_end(ap);
    return status;
}

void
error_clear(struct awscred_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
    err->status = AWSCRED_OK;
}
