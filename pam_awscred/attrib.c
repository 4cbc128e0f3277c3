/*
 * attrib.c: what names the user in CloudTrail when system mode assumes a
 * role for her: role_arn=, source_identity=, session_tags= and
 * transitive_tag_keys= (pam_awscred(8)), expanded for one login and
 * checked against STS's limits (data/sts/2011-06-15/service-2.json:
 * sourceIdentityType, tagKeyType, tagValueType) before the worker sends
 * anything. Checks are ASCII-only: a byte outside ASCII is refused, so
 * no Unicode table decides what reaches AWS.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "pam_awscred/internal.h"

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
/* sourceIdentityType and roleSessionNameType: [\w+=,.@-]* */
#define SOURCE_IDENTITY_CHARS ALNUM "_+=,.@-"
/* tagKeyType and tagValueType: [\p{L}\p{Z}\p{N}_.:/=+\-@]* (ASCII) */
#define TAG_CHARS ALNUM " _.:/=+-@"
/* roleArnType's characters as IAM names and paths use them */
#define ARN_CHARS ALNUM "_+=,.@-:/"
#define TEMPLATE_MAX 2048

static const char *
check_chars(const char *value, size_t min, size_t max, const char *chars,
            const char *what)
{
    size_t len = strlen(value);

    if (len < min || len > max)
        return what;
    if (strspn(value, chars) != len)
        return what;
    return NULL;
}

const char *
pamaws_check_source_identity(const char *value)
{
    return check_chars(value, 2, 64, SOURCE_IDENTITY_CHARS,
                       "is not 2 to 64 characters of A-Z a-z 0-9 _+=,.@-");
}

const char *
pamaws_check_tag_key(const char *value)
{
    const char *why = check_chars(value, 1, 128, TAG_CHARS,
                                  "is not 1 to 128 characters of A-Z a-z 0-9"
                                  " space _.:/+-@");

    if (why != NULL || strchr(value, '=') != NULL)
        return why != NULL ? why : "holds '=', which ends a key here";
    if (strncasecmp(value, "aws:", 4) == 0)
        return "starts with aws:, which AWS reserves";
    return NULL;
}

const char *
pamaws_check_tag_value(const char *value)
{
    return check_chars(value, 0, 256, TAG_CHARS,
                       "is not at most 256 characters of A-Z a-z 0-9 space"
                       " _.:/=+-@");
}

const char *
pamaws_check_role_arn(const char *value)
{
    if (strncmp(value, "arn:", 4) != 0)
        return "does not start with arn:";
    return check_chars(value, 20, 2048, ARN_CHARS,
                       "is not 20 to 2048 characters of A-Z a-z 0-9"
                       " _+=,.@-:/");
}

/* serialNumberType: [\w+=/:,.@-]*, 9 to 256 */
const char *
pamaws_check_mfa_serial(const char *value)
{
    return check_chars(value, 9, 256, ARN_CHARS,
                       "is not 9 to 256 characters of A-Z a-z 0-9"
                       " _+=,.@-:/");
}

bool
pamaws_template_valid(const char *value)
{
    const char *p;

    for (p = strchr(value, '%'); p != NULL; p = strchr(p + 2, '%'))
        if (p[1] == '\0' || strchr("uhrsg%", p[1]) == NULL)
            return false;
    return strlen(value) <= TEMPLATE_MAX;
}

/* Expands one template; NULL (why set) when it does not fit. */
static char *
expand(const char *tmpl, const struct pamaws_template_values *v,
       const char **why)
{
    char out[TEMPLATE_MAX + 1];
    size_t used = 0, len;
    const char *p, *add;

    for (p = tmpl; *p != '\0'; p++) {
        add = p;
        len = 1;
        if (*p == '%') {
            switch (*++p) {
            case 'u': add = v->user; break;
            case 'h': add = v->host; break;
            case 'r': add = v->rhost; break;
            case 's': add = v->service; break;
            case 'g':
                if ((add = v->group) == NULL) {
                    *why = "needs the user's primary group, not found";
                    return NULL;
                }
                break;
            case '%': add = "%"; break;
            default:
                *why = "has an unknown % sequence";
                return NULL;
            }
            if (add == NULL)
                add = "";
            len = strlen(add);
        }
        if (used + len > TEMPLATE_MAX) {
            *why = "is too long once expanded";
            return NULL;
        }
        memcpy(out + used, add, len);
        used += len;
    }
    out[used] = '\0';
    return strdup(out);
}

void
pamaws_attribution_free(struct pamaws_attribution *a)
{
    free(a->role_arn);
    free(a->source_identity);
    free(a->session_tags);
    free(a->transitive_tag_keys);
    free(a->mfa_serial);
    memset(a, 0, sizeof(*a));
}

/* Appends text (and a separator before it) to *list; -1 out of memory. */
static int
append(char **list, const char *sep, const char *text)
{
    char *longer;

    if (asprintf(&longer, "%s%s%s", *list != NULL ? *list : "",
                 *list != NULL ? sep : "", text) < 0)
        return -1;
    free(*list);
    *list = longer;
    return 0;
}

/* session_tags: each key and value expanded and checked, then joined as
   the worker reads them (pamaws_tags_split). *keys gets the keys. */
static const char *
expand_tags(const char *tmpl, const struct pamaws_template_values *v,
            char **out, struct pamaws_tag *keys, size_t *nkeys, char *storage,
            size_t storage_size)
{
    struct pamaws_tag tags[PAMAWS_MAX_TAGS];
    char *copy = strdup(tmpl), *key = NULL, *value = NULL, *pair = NULL;
    const char *why = NULL;
    size_t n, i, j, used = 0;

    if (copy == NULL)
        return "out of memory";
    n = pamaws_tags_split(copy, tags, PAMAWS_MAX_TAGS);
    if (n > PAMAWS_MAX_TAGS)
        why = "has more than 50 tags";
    for (i = 0; why == NULL && i < n; i++) {
        key = expand(tags[i].key, v, &why);
        if (key != NULL && (why = pamaws_check_tag_key(key)) == NULL)
            value = expand(tags[i].value, v, &why);
        if (value != NULL && (why = pamaws_check_tag_value(value)) == NULL) {
            for (j = 0; j < i; j++)
                if (strcasecmp(keys[j].key, key) == 0)
                    why = "repeats a key (keys are case-insensitive)";
        }
        if (why == NULL && strlen(key) + 1 > storage_size - used)
            why = "is too long";
        if (why == NULL) {
            keys[i].key = memcpy(storage + used, key, strlen(key) + 1);
            used += strlen(key) + 1;
            if (asprintf(&pair, "%s=%s", key, value) < 0
                || append(out, ",", pair) < 0)
                why = "out of memory";
        }
        free(pair);
        free(key);
        free(value);
        pair = key = value = NULL;
    }
    *nkeys = i;
    free(copy);
    return why;
}

/* transitive_tag_keys: each one of the session tags' keys. */
static const char *
expand_transitive(const char *tmpl, const struct pamaws_tag *keys,
                  size_t nkeys, char **out)
{
    char *copy = strdup(tmpl), *item, *save = NULL;
    const char *why = NULL;
    size_t i;

    if (copy == NULL)
        return "out of memory";
    for (item = strtok_r(copy, ",", &save); why == NULL && item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        for (i = 0; i < nkeys && strcasecmp(keys[i].key, item) != 0; i++)
            continue;
        if (i == nkeys)
            why = "is not one of the keys of session_tags";
        else if (append(out, ",", keys[i].key) < 0)
            why = "out of memory";
    }
    free(copy);
    return why;
}

int
pamaws_attribution_build(const struct pamaws_args *args,
                         const struct pamaws_user *user,
                         struct pamaws_attribution *out)
{
    const struct pamaws_config *c = &args->config;
    struct pamaws_template_values v;
    struct pamaws_tag keys[PAMAWS_MAX_TAGS];
    char host[256] = "", group_buf[4096], storage[8192];
    struct group gr, *found = NULL;
    const char *why = NULL, *option = NULL, *bad = NULL;
    const char *identity = c->source_identity != NULL ? c->source_identity
                                                      : "%u";
    size_t nkeys = 0;

    memset(out, 0, sizeof(*out));
    if (c->mode != PAMAWS_MODE_SYSTEM)
        return 0;
    (void) gethostname(host, sizeof(host) - 1);
    v.user = user->name;
    v.host = host;
    v.rhost = args->rhost;
    v.service = args->service;
    v.group = getgrgid_r(user->gid, &gr, group_buf, sizeof(group_buf), &found)
                      == 0 && found != NULL
                  ? gr.gr_name : NULL;
    if (c->role_arn != NULL && c->role_arn[0] != '\0') {
        option = "role_arn";
        bad = c->role_arn;
        out->role_arn = expand(c->role_arn, &v, &why);
        if (out->role_arn != NULL)
            why = pamaws_check_role_arn(out->role_arn);
    }
    if (why == NULL && identity[0] != '\0') {
        option = "source_identity";
        bad = identity;
        out->source_identity = expand(identity, &v, &why);
        if (out->source_identity != NULL)
            why = pamaws_check_source_identity(out->source_identity);
    }
    if (why == NULL && c->session_tags != NULL && c->session_tags[0] != '\0') {
        option = "session_tags";
        bad = c->session_tags;
        why = expand_tags(c->session_tags, &v, &out->session_tags, keys,
                          &nkeys, storage, sizeof(storage));
    }
    if (why == NULL && c->transitive_tag_keys != NULL
        && c->transitive_tag_keys[0] != '\0') {
        option = "transitive_tag_keys";
        bad = c->transitive_tag_keys;
        why = expand_transitive(c->transitive_tag_keys, keys, nkeys,
                                &out->transitive_tag_keys);
    }
    if (why == NULL && c->mfa_serial != NULL && c->mfa_serial[0] != '\0') {
        option = "mfa_serial";
        bad = c->mfa_serial;
        out->mfa_serial = expand(c->mfa_serial, &v, &why);
        if (out->mfa_serial != NULL)
            why = pamaws_check_mfa_serial(out->mfa_serial);
    }
    if (why == NULL)
        return 0;
    /* The template, not its expansion: what the admin wrote, and what
       the user chose reaches the log only through pamaws_log's escaping. */
    pamaws_log(args, LOG_ERR,
               "no AWS credentials for user %s: %s (%.128s) %s for this"
               " user; nothing is sent to STS",
               user->name, option, bad != NULL ? bad : "", why);
    pamaws_attribution_free(out);
    return -1;
}
