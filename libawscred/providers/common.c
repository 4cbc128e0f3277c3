/*
 * common.c: helpers shared by the providers (see common.h): the
 * credentials a provider returns, the static keys of a profile section,
 * and the helpers of the process, container, IMDS and SSO providers.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/cfg.h"
#include "providers/common.h"
#include "providers/provider.h"

void
text_sanitize(const char *in, size_t len, char *out, size_t size)
{
    size_t o = 0;

    while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r'
                       || in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < len && o + 5 < size; i++) {
        unsigned char c = (unsigned char) in[i];

        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            o += (size_t) snprintf(out + o, size - o, "\\x%02x", c);
        else
            out[o++] = (char) c;
    }
    if (size > 0)
        out[o < size ? o : size - 1] = '\0';
}

static bool
take(const cJSON *doc, const char *key, bool required, char **out,
     const char **missing)
{
    const char *value = json_get_string(doc, key);

    if (value == NULL) {
        if (required && *missing == NULL)
            *missing = key;
        return !required;
    }
    *out = xstrdup(value);
    return *out != NULL;
}

struct awscred_credentials *
credentials_from_metadata(const cJSON *doc, const char **missing)
{
    struct awscred_credentials *c = credentials_new();
    const char *expiration;

    *missing = NULL;
    if (c == NULL)
        return NULL;
    if (!take(doc, "AccessKeyId", true, &c->access_key_id, missing)
        || !take(doc, "SecretAccessKey", true, &c->secret_access_key, missing)
        || !take(doc, "Token", true, &c->session_token, missing)
        || !take(doc, "AccountId", false, &c->account_id, missing))
        goto fail;
    expiration = json_get_string(doc, "Expiration");
    if (expiration == NULL
        || time_parse_expiration(expiration, c) != 0) {
        *missing = "Expiration";
        goto fail;
    }
    return c;
fail:
    awscred_credentials_free(c);
    return NULL;
}

bool
sleep_within_deadline(const struct awscred_context *ctx, unsigned ms)
{
    int64_t left = ctx_time_left_ms(ctx);
    struct timespec ts;

    if (left <= 0)
        return false;
    if ((int64_t) ms > left)
        ms = (unsigned) left;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        continue;
    return ctx_time_left_ms(ctx) > 0;
}

char *
str_strip_dup(const char *s)
{
    size_t len;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'
           || *s == '\v' || *s == '\f')
        s++;
    len = strlen(s);
    while (len > 0 && strchr(" \t\n\r\v\f", s[len - 1]) != NULL)
        len--;
    return xstrndup(s, len);
}

/* botocore's validate_region_name (a host label), refusing "" too. */
bool
region_name_ok(const char *region)
{
    size_t n = strlen(region);
    bool digits_only = true;

    if (n == 0 || n > 63 || region[0] == '-' || region[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) region[i];

        if (!isalnum(ch) && ch != '-')
            return false;
        if (!isdigit(ch))
            digits_only = false;
    }
    return !digits_only;
}

/* ---- Credentials a provider returns ----------------------------------- */

enum provider_outcome
provider_credentials(const char *method, const char *key, const char *secret,
                     const char *token, const char *account,
                     int64_t expiration, struct awscred_credentials **out,
                     struct awscred_error *err)
{
    struct awscred_credentials *c = credentials_new();

    if (c == NULL)
        goto nomem;
    c->access_key_id = xstrdup(key);
    c->secret_access_key = xstrdup(secret);
    c->session_token = xstrdup(token);
    c->account_id = xstrdup(account);
    c->expiration = expiration;
    c->method = method;
    if (c->access_key_id == NULL || c->secret_access_key == NULL
        || (token != NULL && c->session_token == NULL)
        || (account != NULL && c->account_id == NULL))
        goto nomem;
    *out = c;
    return PROVIDER_FOUND;

nomem:
    awscred_credentials_free(c);
    error_set(err, AWSCRED_ERR_NOMEM, method, NULL, "Out of memory");
    return PROVIDER_FAILED;
}

/* botocore TOKENS order for files. */
static const char *const token_keys[] = {"aws_security_token",
                                         "aws_session_token"};

static const char *
token_of(const struct cfg_section *s)
{
    for (size_t i = 0; i < sizeof(token_keys) / sizeof(token_keys[0]); i++) {
        const char *token = cfg_get(s, token_keys[i]);

        if (token != NULL)
            return token;
    }
    return NULL;
}

enum provider_outcome
provider_static_keys(const struct cfg_section *s, const char *method,
                     struct awscred_credentials **out,
                     struct awscred_error *err)
{
    const char *key = cfg_get(s, "aws_access_key_id");
    const char *secret = cfg_get(s, "aws_secret_access_key");
    const char *token = token_of(s);
    const char *account = cfg_get(s, "aws_account_id");

    if (key == NULL)
        return PROVIDER_SKIP;
    if (secret == NULL) {
        error_set_line(err, AWSCRED_ERR_PARTIAL, cfg_section_file(s),
                       cfg_key_line(s, "aws_access_key_id"),
                       "Partial credentials found in %s, missing: "
                       "aws_secret_access_key", method);
        return PROVIDER_FAILED;
    }
    return provider_credentials(method, key, secret, token, account, 0, out,
                                err);
}

void
secret_file_free(struct secret_file *f)
{
    json_free(f->doc);
    if (f->data != NULL)
        secret_free_n(f->data, f->len + 1);
    free(f->path);
    memset(f, 0, sizeof(*f));
}
