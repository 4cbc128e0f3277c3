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

#include "config/reader.h"

/* ---- Arena -------------------------------------------------------------- */

enum { ARENA_BLOCK = 64 * 1024 };

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
        size_t size = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

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

        secret_free_n(a->head, sizeof(*a->head) + a->head->size);
        a->head = next;
    }
}

/* ---- String map --------------------------------------------------------- */

struct strmap_slot {
    const char *name;  /* NULL: empty */
    uint32_t owner;
    uint32_t hash;
    size_t index;
};

/* FNV-1a over the owner and the name. */
static uint32_t
strmap_hash(uint32_t owner, const char *name)
{
    uint32_t h = 2166136261u;

    for (int i = 0; i < 4; i++) {
        h ^= (owner >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

static struct strmap_slot *
strmap_find(const struct strmap *m, uint32_t owner, const char *name,
            uint32_t hash)
{
    size_t mask = m->cap - 1;

    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        struct strmap_slot *slot = &m->slots[i];

        if (slot->name == NULL)
            return slot;
        if (slot->hash == hash && slot->owner == owner
            && strcmp(slot->name, name) == 0)
            return slot;
    }
}

size_t
strmap_get(const struct strmap *m, uint32_t owner, const char *name)
{
    struct strmap_slot *slot;

    if (m->cap == 0)
        return SIZE_MAX;
    slot = strmap_find(m, owner, name, strmap_hash(owner, name));
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
            *strmap_find(m, old.slots[i].owner, old.slots[i].name,
                         old.slots[i].hash) = old.slots[i];
    free(old.slots);
    return true;
}

bool
strmap_put(struct strmap *m, uint32_t owner, const char *name, size_t index)
{
    uint32_t hash = strmap_hash(owner, name);
    struct strmap_slot *slot;

    /* Keep the load under 1/2 so probes stay short. */
    if ((m->count + 1) * 2 > m->cap && !strmap_grow(m))
        return false;
    slot = strmap_find(m, owner, name, hash);
    if (slot->name == NULL) {
        slot->name = name;
        slot->owner = owner;
        slot->hash = hash;
        m->count++;
    }
    slot->index = index;
    return true;
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
    n = *cap != 0 ? *cap * 2 : 8;
    grown = realloc(array, n * size);
    if (grown != NULL)
        *cap = n;
    return grown;
}

/* ---- Sections ------------------------------------------------------------ */

struct cfg_section *
registry_new_section(struct cfg_registry *r, const char *name,
                     const char *file, unsigned line)
{
    struct cfg_section *s;
    struct cfg_section **all = array_grow(r->all, &r->cap, r->count,
                                          sizeof(*all));

    if (all == NULL)
        return NULL;
    r->all = all;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->name = name;
    s->file = file;
    s->line = line;
    s->id = (uint32_t) r->count;
    r->all[r->count++] = s;
    return s;
}

static bool
section_append(struct cfg_section *s, const struct cfg_entry *e)
{
    struct cfg_entry *entries = array_grow(s->entries, &s->cap, s->count,
                                           sizeof(*entries));

    if (entries == NULL)
        return false;
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
    for (size_t i = 0; i < r->count; i++) {
        free(r->all[i]->entries);
        free(r->all[i]);
    }
    free(r->all);
    r->all = NULL;
    r->count = r->cap = 0;
}
