/*
 * config.c: the merged view of ~/.aws/config and ~/.aws/credentials, as
 * botocore builds it: build_profile_map on the config file ([default],
 * [profile NAME], [sso-session NAME], [services NAME]; a later section
 * replaces an earlier one of the same name), the credentials file's
 * sections taken by their raw names, and Session.full_config merging the
 * credentials file over the config file key by key.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "config/reader.h"

/* ---- Named maps ---------------------------------------------------------- */

/* Appends name -> section (not indexed in the map); false when out of
   memory. */
static bool
named_append(struct cfg_named *nm, const char *name, struct cfg_section *sec)
{
    size_t cap = nm->cap;
    const char **names;
    struct cfg_section **secs;

    /* Two arrays, one capacity: grow both before counting it. */
    names = array_grow(nm->names, &cap, nm->count, sizeof(*names));
    if (names == NULL)
        return false;
    nm->names = names;
    cap = nm->cap;
    secs = array_grow(nm->sections, &cap, nm->count, sizeof(*secs));
    if (secs == NULL)
        return false;
    nm->sections = secs;
    nm->cap = cap;
    nm->names[nm->count] = name;
    nm->sections[nm->count++] = sec;
    return true;
}

/* Sets name -> section; a name seen before keeps its place (dict order). */
static bool
named_put(struct cfg *cfg, struct cfg_named *nm, uint32_t owner,
          const char *name, struct cfg_section *sec)
{
    size_t at = strmap_get(&cfg->map, owner, name);

    if (at != SIZE_MAX) {
        nm->sections[at] = sec;
        return true;
    }
    return strmap_put(&cfg->map, owner, name, nm->count)
           && named_append(nm, name, sec);
}

static const struct cfg_section *
named_get(const struct cfg *cfg, const struct cfg_named *nm, uint32_t owner,
          const char *name)
{
    size_t at;

    if (cfg == NULL || name == NULL)
        return NULL;
    at = strmap_get(&cfg->map, owner, name);
    return at != SIZE_MAX ? nm->sections[at] : NULL;
}

static void
named_release(struct cfg_named *nm)
{
    free(nm->names);
    free(nm->sections);
}

/* ---- build_profile_map ----------------------------------------------- */

/* botocore's _parse_section: the second of exactly two shlex words (the
   first is not checked: "[profilex y]" is profile "y"), or NULL. */
static const char *
section_subname(struct cfg *cfg, const char *header, bool *oom)
{
    const char *error;
    char **words = shlex_split(header, &error);
    const char *name = NULL;

    if (words == NULL) {
        *oom = strcmp(error, "out of memory") == 0;
        return NULL;
    }
    if (words[0] != NULL && words[1] != NULL && words[2] == NULL) {
        name = arena_strndup(&cfg->arena, words[1], strlen(words[1]));
        *oom = name == NULL;
    }
    strv_free(words);
    return name;
}

static bool
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
build_profile_map(struct cfg *cfg)
{
    const struct {
        const char *prefix;
        struct cfg_named *named;
        uint32_t owner;
    } kinds[] = {
        { "profile", &cfg->config_profiles, MAP_CONFIG_PROFILES },
        { "sso-session", &cfg->sso_sessions, MAP_SSO_SESSIONS },
        { "services", &cfg->services, MAP_SERVICES },
    };
    const struct cfg_file *f = &cfg->config_file;

    for (size_t i = 0; i < f->count; i++) {
        struct cfg_section *sec = f->sections[i];
        bool done = false, oom = false;

        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !done; k++) {
            const char *name;

            if (!starts_with(sec->name, kinds[k].prefix))
                continue;
            done = true;
            name = section_subname(cfg, sec->name, &oom);
            if (oom || (name != NULL && !named_put(cfg, kinds[k].named,
                                                   kinds[k].owner, name, sec)))
                return false;
        }
        if (done)
            continue;
        if (strcmp(sec->name, "default") == 0) {
            if (!named_put(cfg, &cfg->config_profiles, MAP_CONFIG_PROFILES,
                           sec->name, sec))
                return false;
        } else if (!named_put(cfg, &cfg->other_sections, MAP_OTHER_SECTIONS,
                              sec->name, sec)) {
            return false;
        }
    }
    return true;
}

/* ---- Session.full_config ----------------------------------------------- */

/* A copy of base's entries with over's merged in (dict.update). */
static struct cfg_section *
merge_sections(struct cfg *cfg, const struct cfg_section *base,
               const struct cfg_section *over)
{
    struct cfg_section *m = registry_new_section(&cfg->registry, base->name,
                                                 base->file, base->line);

    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < base->count; i++)
        if (!section_add(&cfg->map, m, &base->entries[i]))
            return NULL;
    for (size_t i = 0; i < over->count; i++) {
        const struct cfg_entry *e = &over->entries[i];
        size_t at = section_find(&cfg->map, m, e->key);

        if (at != SIZE_MAX)
            m->entries[at] = *e;
        else if (!section_add(&cfg->map, m, e))
            return NULL;
    }
    return m;
}

/* The merged map is config_profiles' names in their order (so a config
   profile's index is its index there) and then the credentials profiles
   that the config file does not have. */
static bool
build_merged_profiles(struct cfg *cfg)
{
    const struct cfg_file *cred = &cfg->credentials_file;
    struct cfg_named *merged = &cfg->merged_profiles;

    for (size_t i = 0; i < cfg->config_profiles.count; i++)
        if (!named_append(merged, cfg->config_profiles.names[i],
                          cfg->config_profiles.sections[i]))
            return false;
    if (cred->count != 0) {
        cfg->credentials_merged = calloc(cred->count,
                                         sizeof(*cfg->credentials_merged));
        if (cfg->credentials_merged == NULL)
            return false;
    }
    for (size_t i = 0; i < cred->count; i++) {
        struct cfg_section *sec = cred->sections[i];
        size_t at = cfg->config_profiles.count == 0
                        ? SIZE_MAX
                        : strmap_get(&cfg->map, MAP_CONFIG_PROFILES,
                                     sec->name);

        if (!named_append(&cfg->credentials_profiles, sec->name, sec))
            return false;
        if (at != SIZE_MAX) {
            sec = merge_sections(cfg, merged->sections[at], sec);
            if (sec == NULL)
                return false;
            merged->sections[at] = sec;
        } else if (!named_append(merged, sec->name, sec)) {
            return false;
        }
        cfg->credentials_merged[i] = sec;
    }
    return true;
}

/* ---- Loading ------------------------------------------------------------- */

static enum awscred_status
load_file(const struct awscred_context *ctx, struct cfg *cfg, const char *raw,
          const char *what, uint32_t owner, struct cfg_file *out,
          struct awscred_error *err)
{
    char *expanded, *data = NULL;
    const char *path;
    size_t len = 0;
    enum awscred_status st;

    /* botocore: an empty path is no file (os.path.isfile('') is False). */
    if (raw == NULL || raw[0] == '\0')
        return AWSCRED_OK;
    expanded = path_expand(ctx, raw);
    path = expanded != NULL ? arena_strndup(&cfg->arena, expanded,
                                            strlen(expanded))
                            : NULL;
    free(expanded);
    if (path == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, raw, "out of memory");
    out->path = path;
    st = file_read_config(ctx, path, what, &data, &len, err);
    if (st != AWSCRED_OK || data == NULL)
        return st;
    st = cfg_parse(&cfg->arena, &cfg->registry, &cfg->map, owner, path, data,
                   len, out, err);
    /* out's names and values point into data: cfg_free wipes it. */
    out->data = data;
    out->data_size = len + 1;
    return st;
}

enum awscred_status
cfg_load_paths(const struct awscred_context *ctx, const char *config_path,
               const char *credentials_path, struct cfg **out,
               struct awscred_error *err)
{
    struct cfg *cfg = calloc(1, sizeof(*cfg));
    enum awscred_status st;

    *out = NULL;
    if (cfg == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, "", "out of memory");
    cfg->config_path = xstrdup(config_path);
    cfg->credentials_path = xstrdup(credentials_path);
    if ((config_path != NULL && cfg->config_path == NULL)
        || (credentials_path != NULL && cfg->credentials_path == NULL)) {
        st = error_set(err, AWSCRED_ERR_NOMEM, NULL, "", "out of memory");
        goto done;
    }
    st = load_file(ctx, cfg, config_path, "config file", MAP_CONFIG_SECTIONS,
                   &cfg->config_file, err);
    if (st == AWSCRED_OK)
        st = load_file(ctx, cfg, credentials_path, "credentials file",
                       MAP_CREDENTIALS_SECTIONS, &cfg->credentials_file, err);
    if (st == AWSCRED_OK
        && (!build_profile_map(cfg) || !build_merged_profiles(cfg)))
        st = error_set(err, AWSCRED_ERR_NOMEM, NULL, "", "out of memory");

done:
    if (st != AWSCRED_OK) {
        cfg_free(cfg);
        return st;
    }
    *out = cfg;
    return AWSCRED_OK;
}

enum awscred_status
cfg_load(const struct awscred_context *ctx, struct cfg **out,
         struct awscred_error *err)
{
    const char *config = ctx_getenv(ctx, "AWS_CONFIG_FILE");
    const char *credentials = ctx_getenv(ctx, "AWS_SHARED_CREDENTIALS_FILE");

    return cfg_load_paths(ctx, config != NULL ? config : "~/.aws/config",
                          credentials != NULL ? credentials
                                              : "~/.aws/credentials",
                          out, err);
}

void
cfg_free(struct cfg *cfg)
{
    if (cfg == NULL)
        return;
    named_release(&cfg->config_profiles);
    named_release(&cfg->credentials_profiles);
    named_release(&cfg->merged_profiles);
    named_release(&cfg->sso_sessions);
    named_release(&cfg->services);
    named_release(&cfg->other_sections);
    free(cfg->credentials_merged);
    free(cfg->config_file.sections);
    free(cfg->credentials_file.sections);
    secret_free_n(cfg->config_file.data, cfg->config_file.data_size);
    secret_free_n(cfg->credentials_file.data,
                  cfg->credentials_file.data_size);
    registry_release(&cfg->registry);
    strmap_release(&cfg->map);
    arena_release(&cfg->arena);
    free(cfg->config_path);
    free(cfg->credentials_path);
    free(cfg);
}

/* ---- Lookups ------------------------------------------------------------- */

const struct cfg_section *
cfg_profile(const struct cfg *cfg, const char *name)
{
    size_t at;

    if (cfg == NULL || name == NULL)
        return NULL;
    at = strmap_get(&cfg->map, MAP_CREDENTIALS_SECTIONS, name);
    if (at != SIZE_MAX)
        return cfg->credentials_merged[at];
    return cfg_config_profile(cfg, name);
}

const struct cfg_section *
cfg_credentials_profile(const struct cfg *cfg, const char *name)
{
    return named_get(cfg, &cfg->credentials_profiles,
                     MAP_CREDENTIALS_SECTIONS, name);
}

const struct cfg_section *
cfg_config_profile(const struct cfg *cfg, const char *name)
{
    return named_get(cfg, &cfg->config_profiles, MAP_CONFIG_PROFILES, name);
}

const struct cfg_section *
cfg_sso_session(const struct cfg *cfg, const char *name)
{
    return named_get(cfg, &cfg->sso_sessions, MAP_SSO_SESSIONS, name);
}

const struct cfg_section *
cfg_services(const struct cfg *cfg, const char *name)
{
    return named_get(cfg, &cfg->services, MAP_SERVICES, name);
}

const char *
cfg_config_path(const struct cfg *cfg)
{
    return cfg->config_path;
}

const char *
cfg_credentials_path(const struct cfg *cfg)
{
    return cfg->credentials_path;
}

static const struct cfg_entry *
find_entry(const struct cfg_section *s, const char *key)
{
    if (s == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->entries[i].key, key) == 0)
            return &s->entries[i];
    return NULL;
}

const char *
cfg_get(const struct cfg_section *s, const char *key)
{
    const struct cfg_entry *e = find_entry(s, key);

    return e != NULL ? e->value : NULL;
}

const struct cfg_section *
cfg_get_nested(const struct cfg_section *s, const char *key)
{
    const struct cfg_entry *e = find_entry(s, key);

    return e != NULL ? e->nested : NULL;
}

const char *
cfg_key_at(const struct cfg_section *s, size_t i, const char **value)
{
    if (s == NULL || i >= s->count)
        return NULL;
    if (value != NULL)
        *value = s->entries[i].value;
    return s->entries[i].key;
}

const char *
cfg_section_file(const struct cfg_section *s)
{
    return s != NULL ? s->file : NULL;
}

const char *
cfg_key_file(const struct cfg_section *s, const char *key)
{
    const struct cfg_entry *e = find_entry(s, key);

    return e != NULL ? e->file : NULL;
}

unsigned
cfg_key_line(const struct cfg_section *s, const char *key)
{
    const struct cfg_entry *e = find_entry(s, key);

    return e != NULL ? e->line : 0;
}

enum awscred_status
error_disabled(struct awscred_error *err, const char *provider,
               const struct cfg_section *s, const char *key, const char *what)
{
    char where[512];
    const char *file = cfg_key_file(s, key);

    snprintf(where, sizeof(where), "%s:%u", file != NULL ? file : "",
             cfg_key_line(s, key));
    return error_set(err, AWSCRED_ERR_INVALID_CONFIG, provider, where,
                     "%s in %s is disabled by the administrator", key, what);
}
