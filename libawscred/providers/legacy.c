/*
 * The two legacy providers botocore still tries after the config file
 * (botocore/credentials.py): OriginalEC2Provider, the key=value file of
 * the old EC2 command line tools named by AWS_CREDENTIAL_FILE, and
 * BotoProvider, the [Credentials] section of boto 2's configuration
 * ($BOTO_CONFIG, else /etc/boto.cfg, then ~/.boto). Keys only, no
 * session token. Both are off unless the context turns them on
 * (AWSCRED_FLAG_LEGACY_PROVIDERS: the command does, the PAM module not).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "providers/common.h"
#include "providers/provider.h"

#define EC2_METHOD "ec2-credentials-file"
#define BOTO_METHOD "boto-config"

/* ---- OriginalEC2Provider ---------------------------------------------- */

/* os.path.expanduser alone: a leading "~" or "~/" (no $VAR). */
static char *
expand_user(const struct awscred_context *ctx, const char *raw)
{
    if (raw[0] == '~' && (raw[1] == '\0' || raw[1] == '/')
        && ctx->home != NULL)
        return xasprintf("%s%s", ctx->home, raw + 1);
    return xstrdup(raw);
}

/* The value of the last line "key = value" for key (parse_key_val_file:
   split at the first '=', both sides stripped), copied; NULL if none. */
static char *
key_value(const char *data, size_t len, const char *key)
{
    const char *end = data + len, *line, *eq, *nl, *k, *v, *ve, *ke;
    char *found = NULL;

    for (line = data; line < end; line = nl + 1) {
        nl = line;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        eq = memchr(line, '=', (size_t) (nl - line));
        if (eq != NULL) {
            for (k = line; k < eq && isspace((unsigned char) *k); k++)
                ;
            for (ke = eq; ke > k && isspace((unsigned char) ke[-1]); ke--)
                ;
            for (v = eq + 1; v < nl && isspace((unsigned char) *v); v++)
                ;
            for (ve = nl; ve > v && isspace((unsigned char) ve[-1]); ve--)
                ;
            if ((size_t) (ke - k) == strlen(key)
                && memcmp(k, key, (size_t) (ke - k)) == 0) {
                secret_free(found);
                found = xasprintf("%.*s", (int) (ve - v), v);
            }
        }
        if (nl >= end)
            break;
    }
    return found;
}

static enum provider_outcome
ec2_load(struct resolver *r, const char *profile,
         struct awscred_credentials **out, struct awscred_error *err)
{
    const char *env = ctx_getenv(r->ctx, "AWS_CREDENTIAL_FILE");
    enum provider_outcome outcome = PROVIDER_FAILED;
    char *path, *data = NULL, *key = NULL, *secret = NULL;
    size_t len = 0;

    (void) profile;
    if (!(r->ctx->flags & AWSCRED_FLAG_LEGACY_PROVIDERS) || env == NULL)
        return PROVIDER_SKIP;
    path = expand_user(r->ctx, env);
    if (path == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, EC2_METHOD, NULL, "out of memory");
        return PROVIDER_FAILED;
    }
    if (file_read(r->ctx, path, "AWS_CREDENTIAL_FILE", &data, &len, err)
        != AWSCRED_OK)
        goto done;
    /* botocore's ConfigNotFound, which this provider lets through. */
    if (data == NULL) {
        error_set(err, AWSCRED_ERR_FILE, EC2_METHOD, path,
                  "The specified config file (%s) could not be found.",
                  path);
        goto done;
    }
    key = key_value(data, len, "AWSAccessKeyId");
    secret = key != NULL ? key_value(data, len, "AWSSecretKey") : NULL;
    if (key == NULL)
        outcome = PROVIDER_SKIP;
    else if (secret == NULL)
        error_set(err, AWSCRED_ERR_PARTIAL, EC2_METHOD, path,
                  "Partial credentials found in %s, missing: AWSSecretKey",
                  EC2_METHOD);
    else
        outcome = provider_credentials(EC2_METHOD, key, secret, NULL, NULL,
                                       0, out, err);
done:
    secret_free(key);
    secret_free(secret);
    if (data != NULL)
        secret_free_n(data, len + 1);
    free(path);
    return outcome;
}

/* ---- BotoProvider ----------------------------------------------------- */

/* One candidate file: SKIP when it has no [Credentials] key. */
static enum provider_outcome
boto_file(struct resolver *r, const char *raw,
          struct awscred_credentials **out, struct awscred_error *err)
{
    char *path = path_expand(r->ctx, raw);
    const struct cfg_section *s;
    const char *key, *secret;
    enum provider_outcome outcome = PROVIDER_SKIP;
    struct cfg *cfg = NULL;

    if (path == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, BOTO_METHOD, NULL, "out of memory");
        return PROVIDER_FAILED;
    }
    /* Read like a credentials file: raw section names; a missing file
       is botocore's ConfigNotFound, the next candidate. */
    if (cfg_load_paths(r->ctx, NULL, path, &cfg, err) != AWSCRED_OK) {
        free(path);
        return PROVIDER_FAILED;
    }
    s = cfg_credentials_profile(cfg, "Credentials");
    key = cfg_get(s, "aws_access_key_id");
    secret = cfg_get(s, "aws_secret_access_key");
    if (key != NULL && secret == NULL) {
        error_set_line(err, AWSCRED_ERR_PARTIAL, cfg_section_file(s),
                       cfg_key_line(s, "aws_access_key_id"),
                       "Partial credentials found in %s, missing: "
                       "aws_secret_access_key", BOTO_METHOD);
        outcome = PROVIDER_FAILED;
    } else if (key != NULL) {
        outcome = provider_credentials(BOTO_METHOD, key, secret, NULL, NULL,
                                       0, out, err);
    }
    cfg_free(cfg);
    free(path);
    return outcome;
}

static enum provider_outcome
boto_load(struct resolver *r, const char *profile,
          struct awscred_credentials **out, struct awscred_error *err)
{
    static const char *const defaults[] = {"/etc/boto.cfg", "~/.boto", NULL};
    const char *env = ctx_getenv(r->ctx, "BOTO_CONFIG");
    const char *const only[] = {env, NULL};
    const char *const *paths = env != NULL ? only : defaults;
    enum provider_outcome outcome = PROVIDER_SKIP;

    (void) profile;
    if (!(r->ctx->flags & AWSCRED_FLAG_LEGACY_PROVIDERS))
        return PROVIDER_SKIP;
    for (size_t i = 0; paths[i] != NULL && outcome == PROVIDER_SKIP; i++)
        outcome = boto_file(r, paths[i], out, err);
    return outcome;
}

const struct provider provider_ec2_file = {EC2_METHOD, ec2_load};
const struct provider provider_boto = {BOTO_METHOD, boto_load};
