/*
 * fuzz_config.c: the AWS config reader (libawscred/config/: parse.c,
 * config.c, map.c) through cfg_load_paths(), on real files in a private temp
 * directory. The input up to its first NUL byte is ~/.aws/config, the rest
 * ~/.aws/credentials (so a seed without NUL tests the config file alone).
 *
 * Properties checked beyond "no crash, no leak":
 *   - a failure names a file and leaves no struct cfg behind;
 *   - every merged profile, sso-session and services name looks itself up,
 *     and every key of a section finds a value and a line.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fuzz.h"
#include "internal.h"
#include "config/reader.h"

static const char *
no_environment(void *arg, const char *name)
{
    return NULL;
}

/* Lookups are linear scans: checking every key of a 10 000-key section
   would make this target quadratic, so only the first ones are checked. */
#define CHECKED_KEYS 64

/* Every (checked) key of s finds itself; nested sub-sections too. */
static void
check_section(const struct cfg_section *s)
{
    FUZZ_REQUIRE(s != NULL);
    for (size_t i = 0; i < s->count && i < CHECKED_KEYS; i++) {
        const struct cfg_entry *e = &s->entries[i];

        FUZZ_REQUIRE(cfg_get(s, e->key) != NULL);
        (void) cfg_key_line(s, e->key);
        (void) cfg_get_nested(s, e->key);
        if (e->nested != NULL)
            check_section(e->nested);
    }
}

static void
check_lookups(const struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->merged_profiles.count && i < CHECKED_KEYS;
         i++) {
        const char *name = cfg->merged_profiles.names[i];

        check_section(cfg_profile(cfg, name));
        (void) cfg_config_profile(cfg, name);
        (void) cfg_credentials_profile(cfg, name);
    }
    for (size_t i = 0; i < cfg->sso_sessions.count; i++)
        check_section(cfg_sso_session(cfg, cfg->sso_sessions.names[i]));
    for (size_t i = 0; i < cfg->services.count; i++)
        check_section(cfg_services(cfg, cfg->services.names[i]));
    (void) cfg_profile(cfg, "default");
}

static const struct awscred_limits small_files = {
    .max_file_bytes = 128 * 1024,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t config_len = nul != NULL ? (size_t) (nul - data) : size;
    char config_path[4200], credentials_path[4200];
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_error err;
    struct cfg *cfg = NULL;

    FUZZ_REQUIRE(ctx != NULL);
    fuzz_write_file("config", data, config_len, config_path,
                    sizeof config_path);
    fuzz_write_file("credentials", nul != NULL ? nul + 1 : data,
                    nul != NULL ? size - config_len - 1 : 0, credentials_path,
                    sizeof credentials_path);
    awscred_context_set_env(ctx, no_environment, NULL);
    /* file_read allocates limit + 2 bytes: 1 MiB per file would make page
       faults, not parsing, the cost of every execution. */
    awscred_context_set_limits(ctx, &small_files);
    FUZZ_REQUIRE(awscred_context_set_user(ctx, "fuzz", getuid(), getgid(),
                                          fuzz_tempdir()) == 0);
    memset(&err, 0, sizeof err);
    if (cfg_load_paths(ctx, config_path, credentials_path, &cfg, &err)
        == AWSCRED_OK) {
        FUZZ_REQUIRE(cfg != NULL);
        check_lookups(cfg);
    } else {
        FUZZ_REQUIRE(cfg == NULL);
        FUZZ_REQUIRE(err.status != AWSCRED_OK);
        FUZZ_REQUIRE(strstr(err.where, fuzz_tempdir()) != NULL
                     || err.status == AWSCRED_ERR_NOMEM);
    }
    cfg_free(cfg);
    awscred_context_free(ctx);
    return 0;
}
