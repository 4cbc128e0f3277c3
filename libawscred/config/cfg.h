/*
 * cfg.h: what the config reader (config/) gives the rest of the
 * library: the merged view of the AWS config and credentials files, the
 * sections and keys with their files and lines, the error for a key a
 * context flag switches off, and one resolution's view of it all (struct
 * resolver). Its own shared parts are in
 * config/reader.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CONFIG_CFG_H
#define AWSCRED_CONFIG_CFG_H 1

#include <stdbool.h>
#include <stddef.h>

#include "awscred.h"

#pragma GCC visibility push(hidden)

/*
 * A section of an AWS config file, after the AWS CLI's rules: key names
 * lower-cased, values verbatim (no inline comments), nested sub-sections
 * for "key =" followed by indented lines, [DEFAULT] keys inherited.
 */
struct cfg_section;

/*
 * The merged view of ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE
 * and AWS_SHARED_CREDENTIALS_FILE from the context's environment, expanded
 * with path_expand). A missing file counts as empty; a malformed one is an
 * error naming file and line.
 */
struct cfg;

enum awscred_status cfg_load(const struct awscred_context *ctx,
                             struct cfg **out, struct awscred_error *err);
/* Loads from explicit paths (either may be NULL = none). */
enum awscred_status cfg_load_paths(const struct awscred_context *ctx,
                                   const char *config_path,
                                   const char *credentials_path,
                                   struct cfg **out, struct awscred_error *err);
void cfg_free(struct cfg *cfg);

/* The profile as botocore's full_config sees it: the config file's
   profile with the credentials file's section merged over it key by key.
   NULL when the profile exists in neither file. */
const struct cfg_section *cfg_profile(const struct cfg *cfg, const char *name);
/* Only the credentials file's section [name], or NULL. */
const struct cfg_section *cfg_credentials_profile(const struct cfg *cfg,
                                                  const char *name);
/* Only the config file's [default] / [profile name] section, or NULL. */
const struct cfg_section *cfg_config_profile(const struct cfg *cfg,
                                             const char *name);
/* [sso-session name] and [services name] of the config file, or NULL. */
const struct cfg_section *cfg_sso_session(const struct cfg *cfg,
                                          const char *name);
const struct cfg_section *cfg_services(const struct cfg *cfg, const char *name);
/* The paths as configured (unexpanded, for messages like "~/.aws/config")
   and as opened. */
const char *cfg_config_path(const struct cfg *cfg);
const char *cfg_credentials_path(const struct cfg *cfg);

/* A key's value (key lower-case), or NULL. A nested sub-section's own
   value is "" */
const char *cfg_get(const struct cfg_section *s, const char *key);
/* The nested sub-section under key (e.g. "s3", "sts" in [services]). */
const struct cfg_section *cfg_get_nested(const struct cfg_section *s,
                                         const char *key);
/* The i-th key of a section in file order (NULL past the end), with its
   value in *value (may be NULL), for rules that look at every key. */
const char *cfg_key_at(const struct cfg_section *s, size_t i,
                       const char **value);
/* Where a key was read, for messages: file path and line (0 if unknown). */
const char *cfg_section_file(const struct cfg_section *s);
unsigned cfg_key_line(const struct cfg_section *s, const char *key);
/* The file (as opened) a key was read from: in a merged profile the
   credentials file for the keys it overrides. NULL when absent. */
const char *cfg_key_file(const struct cfg_section *s, const char *key);

/* The error for key of s (in what, e.g. "profile dev") when a context
   flag switches it off (AWSCRED_FLAG_NO_PROCESS,
   AWSCRED_FLAG_NO_FILE_ENDPOINTS); where is its file and line. */
enum awscred_status error_disabled(struct awscred_error *err,
                                   const char *provider,
                                   const struct cfg_section *s,
                                   const char *key, const char *what);

/*
 * One resolution's view of the configuration, shared by the providers
 * and the network layer's STS calls: the context, the loaded files, the
 * selected profile and region, and the source_profile hops so far
 * (resolve/resolve.c fills it).
 */
struct resolver {
    struct awscred_context *ctx;
    struct cfg *cfg;
    const char *profile;      /* the selected profile name */
    bool profile_explicit;    /* --profile given: env providers are off */
    const char *region;       /* resolved region or NULL */
    const char *visited[64];  /* source_profile loop detection */
    size_t nvisited;
};

#pragma GCC visibility pop
#endif /* AWSCRED_CONFIG_CFG_H */
