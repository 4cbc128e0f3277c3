/*
 * reader.h: what the config reader's files share (map.c, parse.c,
 * config.c) and what its tests inspect: the arena that
 * holds every string read (wiped on free), a string map, the parsed file
 * and the merged profile map.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CONFIG_IMPL_H
#define AWSCRED_CONFIG_IMPL_H 1

#include "config/cfg.h"
#include "internal.h"

#pragma GCC visibility push(hidden)

/* ---- Arena: every key, value and name of a struct cfg lives here ------ */

struct arena_block;
struct arena {
    struct arena_block *head;
};

/* A NUL-terminated copy of n bytes, or NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Wipes and frees every block. */
void arena_release(struct arena *a);

/* Python's str.lower() of one code point (lower.c); U+0130, the one
   character that lowers to two, is left to the caller. */
uint32_t unicode_lower(uint32_t cp);

/* array (count elements used, *cap allocated) with room for one more:
   the same or a grown array, or NULL (array untouched) when out of
   memory. Updates *cap. */
void *array_grow(void *array, size_t *cap, size_t count, size_t size);

/* ---- String map: (owner, name) -> index, open addressing ------------- */

struct strmap_slot;
struct strmap {
    struct strmap_slot *slots;
    size_t cap, count;
};

/* The index stored for (owner, name), or SIZE_MAX. */
size_t strmap_get(const struct strmap *m, uint32_t owner, const char *name);
/* Sets (owner, name) -> index, replacing. name must outlive the map.
   Returns false when out of memory. */
bool strmap_put(struct strmap *m, uint32_t owner, const char *name,
                size_t index);
/* Sets (owner, name) -> index unless the map has it: the index stored
   (index when added), or SIZE_MAX when out of memory. */
size_t strmap_add(struct strmap *m, uint32_t owner, const char *name,
                  size_t index);
void strmap_release(struct strmap *m);

/* ---- Sections ---------------------------------------------------------- */

struct cfg_entry {
    const char *key;             /* lower-cased (nested keys verbatim) */
    const char *value;           /* "" for a nested sub-section */
    struct cfg_section *nested;  /* "key =" + indented "a = b" lines */
    const char *file;            /* the file as opened */
    unsigned line;
};

struct cfg_section {
    const char *name;  /* the raw section header, e.g. "profile dev" */
    const char *file;
    unsigned line;
    uint32_t id;       /* index in its owner's registry, for strmap keys */
    struct cfg_entry *entries;  /* inline, or malloc'd past two */
    size_t count, cap;
    struct cfg_entry inline_entries[2];  /* most sections have two or three */
};

/* Every section (and nested sub-section) allocated for one struct cfg,
   in blocks of many. */
struct section_block;
struct cfg_registry {
    size_t count;
    struct section_block *blocks;  /* the newest first */
    size_t block_used;
};

struct cfg_section *registry_new_section(struct cfg_registry *r,
                                         const char *name, const char *file,
                                         unsigned line);
/* The index of key among s's entries, or SIZE_MAX. */
size_t section_find(const struct strmap *m, const struct cfg_section *s,
                    const char *key);
/* Appends an entry (whose key s does not have yet) and indexes it; false
   when out of memory. */
bool section_add(struct strmap *m, struct cfg_section *s,
                 const struct cfg_entry *e);
void registry_release(struct cfg_registry *r);

/*
 * One file as botocore's raw_config_parse returns it: its sections in file
 * order (without [DEFAULT]), [DEFAULT] keys inherited, nested values
 * parsed. Names and values live in the arena, sections in the registry.
 */
struct cfg_file {
    const char *path;              /* as opened */
    struct cfg_section **sections;
    size_t count;
    char *data;                    /* the file read, which most names and
                                      values point into; wiped when freed */
    size_t data_size;
};

/* Parses data (len bytes, NUL-terminated) read from path, in place: names
   and one-line values are cut out of data with NULs and point into it, so
   data must outlive the result. map gets (sections_owner, raw name) and
   (section id, key) for every section. */
enum awscred_status cfg_parse(struct arena *arena, struct cfg_registry *reg,
                              struct strmap *map, uint32_t sections_owner,
                              const char *path, char *data, size_t len,
                              struct cfg_file *out, struct awscred_error *err);

/* Owners of the strmap keys that are not section ids. */
enum {
    MAP_CONFIG_SECTIONS = UINT32_MAX - 8,  /* raw section names */
    MAP_CREDENTIALS_SECTIONS,
    MAP_CONFIG_PROFILES,
    MAP_SSO_SESSIONS,
    MAP_SERVICES,
    MAP_OTHER_SECTIONS,
};

/* Names and sections of one of the maps, in first-insertion order. */
struct cfg_named {
    const char **names;
    struct cfg_section **sections;
    size_t count, cap;
};

struct cfg {
    struct arena arena;
    struct cfg_registry registry;
    struct strmap map;
    char *config_path;             /* as configured, e.g. "~/.aws/config" */
    char *credentials_path;
    struct cfg_file config_file;   /* path NULL when none */
    struct cfg_file credentials_file;
    struct cfg_named config_profiles;
    /* A credentials section's index is its index here, so these two are
       found through MAP_CREDENTIALS_SECTIONS (credentials_merged[i] is
       the merged profile of credentials section i). */
    struct cfg_named credentials_profiles;
    struct cfg_section **credentials_merged;
    struct cfg_named merged_profiles;
    struct cfg_named sso_sessions;
    struct cfg_named services;
    struct cfg_named other_sections;  /* config sections that are none of those */
};

#pragma GCC visibility pop
#endif /* AWSCRED_CONFIG_IMPL_H */
