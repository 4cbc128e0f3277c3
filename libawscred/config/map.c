/*
 * map.c: the storage of the config reader. An arena keeps every
 * string read from the files (so freeing wipes them all at once), a hash
 * map indexes section and key names so that 100 000 profiles parse in
 * linear time, and a registry owns the sections.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "config/reader.h"

/* ---- Arena -------------------------------------------------------------- */

/* Blocks double from the first to the largest: a small file's strings
   then fill part of one page, not of a 64 KiB block that would push the
   later allocations (and their page faults) 64 KiB further. */
enum { ARENA_FIRST_BLOCK = 4096, ARENA_BLOCK = 64 * 1024 };

struct arena_block {
    struct arena_block *next;
    size_t size, used;
    char data[];
};

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    struct arena_block *b = a->head;
    char *out;

    if (b == NULL || b->size - b->used < n + 1) {
        size_t size = b == NULL               ? ARENA_FIRST_BLOCK
                      : b->size < ARENA_BLOCK ? 2 * b->size
                                              : ARENA_BLOCK;

        size = n + 1 > size ? n + 1 : size;

        b = malloc(sizeof(*b) + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    out = b->data + b->used;
    memcpy(out, s, n);
    out[n] = '\0';
    b->used += n + 1;
    return out;
}

void
arena_release(struct arena *a)
{
    while (a->head != NULL) {
        struct arena_block *next = a->head->next;

        /* Only the used part ever held a string: wiping the rest would
           only fault in pages of a small file's block. */
        secret_wipe(a->head->data, a->head->used);
        free(a->head);
        a->head = next;
    }
}

/* ---- String map --------------------------------------------------------- */

/* 16 bytes: a slot and its neighbours share a cache line. The hash is not
   kept (the owner is compared first, then the name) but recomputed when
   the map grows. */
struct strmap_slot {
    const char *name;  /* NULL: empty */
    uint32_t owner;
    uint32_t index;
};

/* FNV-1a over the owner (in one step) and the name. */
static uint32_t
strmap_hash(uint32_t owner, const char *name)
{
    uint32_t h = (2166136261u ^ owner) * 16777619u;

    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

static struct strmap_slot *
strmap_find(const struct strmap *m, uint32_t owner, const char *name)
{
    size_t mask = m->cap - 1;

    for (size_t i = strmap_hash(owner, name) & mask;; i = (i + 1) & mask) {
        struct strmap_slot *slot = &m->slots[i];

        if (slot->name == NULL)
            return slot;
        if (slot->owner == owner
            && (slot->name == name || strcmp(slot->name, name) == 0))
            return slot;
    }
}

size_t
strmap_get(const struct strmap *m, uint32_t owner, const char *name)
{
    struct strmap_slot *slot;

    if (m->cap == 0)
        return SIZE_MAX;
    slot = strmap_find(m, owner, name);
    return slot->name != NULL ? slot->index : SIZE_MAX;
}

static bool
strmap_grow(struct strmap *m)
{
    struct strmap old = *m;

    m->cap = old.cap != 0 ? old.cap * 2 : 64;
    m->slots = calloc(m->cap, sizeof(*m->slots));
    if (m->slots == NULL) {
        *m = old;
        return false;
    }
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].name != NULL)
            *strmap_find(m, old.slots[i].owner, old.slots[i].name) =
                old.slots[i];
    free(old.slots);
    return true;
}

/* The slot of (owner, name), filled with index when it was empty; NULL
   when out of memory. */
static struct strmap_slot *
strmap_slot(struct strmap *m, uint32_t owner, const char *name, size_t index)
{
    struct strmap_slot *slot;

    /* Keep the load under 1/2 so probes stay short. */
    if (index >= UINT32_MAX
        || ((m->count + 1) * 2 > m->cap && !strmap_grow(m)))
        return NULL;
    slot = strmap_find(m, owner, name);
    if (slot->name == NULL) {
        slot->name = name;
        slot->owner = owner;
        slot->index = (uint32_t) index;
        m->count++;
    }
    return slot;
}

bool
strmap_put(struct strmap *m, uint32_t owner, const char *name, size_t index)
{
    struct strmap_slot *slot = strmap_slot(m, owner, name, index);

    if (slot != NULL)
        slot->index = (uint32_t) index;
    return slot != NULL;
}

size_t
strmap_add(struct strmap *m, uint32_t owner, const char *name, size_t index)
{
    struct strmap_slot *slot = strmap_slot(m, owner, name, index);

    return slot != NULL ? slot->index : SIZE_MAX;
}

void
strmap_release(struct strmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

/* ---- Growing arrays -------------------------------------------------------- */

void *
array_grow(void *array, size_t *cap, size_t count, size_t size)
{
    size_t n;
    void *grown;

    if (count < *cap)
        return array;
    /* From 2: most arrays are a section's keys, two or three of them. */
    n = *cap != 0 ? *cap * 2 : 2;
    grown = realloc(array, n * size);
    if (grown != NULL)
        *cap = n;
    return grown;
}

/* ---- Sections ------------------------------------------------------------ */

/* Sections are many and small: one allocation holds many of them, the
   first few (as the arena's first block, for small files), the later
   SECTION_BLOCK. */
enum { SECTION_FIRST_BLOCK = 8, SECTION_BLOCK = 256 };

struct section_block {
    struct section_block *next;
    size_t cap;
    struct cfg_section sections[];
};

struct cfg_section *
registry_new_section(struct cfg_registry *r, const char *name,
                     const char *file, unsigned line)
{
    struct cfg_section *s;

    if (r->count >= UINT32_MAX)
        return NULL;
    if (r->blocks == NULL || r->block_used == r->blocks->cap) {
        size_t cap = r->blocks == NULL ? SECTION_FIRST_BLOCK : SECTION_BLOCK;
        struct section_block *b =
            malloc(sizeof(*b) + cap * sizeof(b->sections[0]));

        if (b == NULL)
            return NULL;
        b->cap = cap;
        b->next = r->blocks;
        r->blocks = b;
        r->block_used = 0;
    }
    s = &r->blocks->sections[r->block_used++];
    s->entries = s->inline_entries;
    s->count = 0;
    s->cap = sizeof(s->inline_entries) / sizeof(s->inline_entries[0]);
    s->name = name;
    s->file = file;
    s->line = line;
    s->id = (uint32_t) r->count++;
    return s;
}

static bool
section_append(struct cfg_section *s, const struct cfg_entry *e)
{
    struct cfg_entry *entries;

    if (s->entries == s->inline_entries && s->count == s->cap) {
        /* Out of the section onto the heap: array_grow reallocs. */
        entries = malloc(2 * s->cap * sizeof(*entries));
        if (entries == NULL)
            return false;
        memcpy(entries, s->inline_entries, s->count * sizeof(*entries));
        s->cap *= 2;
    } else {
        entries = array_grow(s->entries, &s->cap, s->count, sizeof(*entries));
        if (entries == NULL)
            return false;
    }
    s->entries = entries;
    s->entries[s->count++] = *e;
    return true;
}

/* Sections with more keys than this index them in the map; smaller ones
   (nearly all) are scanned, which keeps the map small and cache-friendly. */
enum { SMALL_SECTION = 16 };

size_t
section_find(const struct strmap *m, const struct cfg_section *s,
             const char *key)
{
    if (s->count > SMALL_SECTION)
        return strmap_get(m, s->id, key);
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->entries[i].key, key) == 0)
            return i;
    return SIZE_MAX;
}

bool
section_add(struct strmap *m, struct cfg_section *s, const struct cfg_entry *e)
{
    if (!section_append(s, e))
        return false;
    if (s->count == SMALL_SECTION + 1) {
        for (size_t i = 0; i < s->count; i++)
            if (!strmap_put(m, s->id, s->entries[i].key, i))
                return false;
        return true;
    }
    return s->count <= SMALL_SECTION
           || strmap_put(m, s->id, e->key, s->count - 1);
}

void
registry_release(struct cfg_registry *r)
{
    /* Only the newest block is partly used. */
    for (size_t used = r->block_used; r->blocks != NULL;) {
        struct section_block *next = r->blocks->next;

        for (size_t i = 0; i < used; i++) {
            struct cfg_section *s = &r->blocks->sections[i];

            if (s->entries != s->inline_entries)
                free(s->entries);
        }
        free(r->blocks);
        r->blocks = next;
        used = next != NULL ? next->cap : 0;
    }
    r->count = r->block_used = 0;
}
