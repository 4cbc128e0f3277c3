/*
 * json.c: cJSON behind one strict wrapper (doc/design.md decision 4),
 * so every JSON document we read is judged as Python's json module would:
 * no trailing data, the last duplicate key wins, case-sensitive lookups,
 * and no NUL inside strings. cJSON's process-wide error pointer and
 * allocator hooks are never used.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "internal.h"

/* True when a string literal in text holds the escape \u0000, which
   cJSON would silently cut the string at. */
static bool
has_escaped_nul(const char *text, size_t len)
{
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = text[i] == '"';
            continue;
        }
        if (text[i] == '"') {
            in_string = false;
        } else if (text[i] == '\\' && i + 1 < len) {
            if (text[i + 1] == 'u' && i + 5 < len
                && strncmp(text + i + 2, "0000", 4) == 0)
                return true;
            i++;
        }
    }
    return false;
}

/* Removes every member that a later member of the same name overrides. */
static void
drop_shadowed_duplicates(cJSON *node)
{
    for (cJSON *child = node->child; child != NULL; child = child->next)
        drop_shadowed_duplicates(child);
    if (!cJSON_IsObject(node))
        return;
    for (cJSON *child = node->child, *next; child != NULL; child = next) {
        next = child->next;
        for (cJSON *later = next; later != NULL; later = later->next) {
            if (strcmp(later->string, child->string) == 0) {
                json_free(cJSON_DetachItemViaPointer(node, child));
                break;
            }
        }
    }
}

cJSON *
json_parse(const char *text, size_t len, const char *source,
           struct awscred_error *err)
{
    const char *end = NULL;
    cJSON *tree;

    if (memchr(text, '\0', len) != NULL || has_escaped_nul(text, len)) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, NULL, source,
                  "invalid JSON from %s: contains a NUL character", source);
        return NULL;
    }
    /* len + 1 covers the terminating NUL, which the strict mode wants to
       see right after the document and any trailing white space. */
    tree = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (tree == NULL) {
        size_t at = end != NULL && end >= text ? (size_t) (end - text) : 0;

        error_set(err, AWSCRED_ERR_RETRIEVAL, NULL, source,
                  "invalid JSON from %s (at byte %zu)", source, at);
        return NULL;
    }
    drop_shadowed_duplicates(tree);
    return tree;
}

static void
wipe_tree(cJSON *node)
{
    for (; node != NULL; node = node->next) {
        if (node->valuestring != NULL)
            secret_wipe(node->valuestring, strlen(node->valuestring));
        if (node->string != NULL)
            secret_wipe(node->string, strlen(node->string));
        wipe_tree(node->child);
    }
}

void
json_free(cJSON *tree)
{
    if (tree == NULL)
        return;
    /* A detached item has next == NULL, so wiping does not reach
       siblings still in another tree. */
    wipe_tree(tree);
    cJSON_Delete(tree);
}

const cJSON *
json_get(const cJSON *object, const char *key)
{
    if (!cJSON_IsObject(object))
        return NULL;
    for (const cJSON *child = object->child; child != NULL;
         child = child->next)
        if (child->string != NULL && strcmp(child->string, key) == 0)
            return child;
    return NULL;
}

const char *
json_get_string(const cJSON *object, const char *key)
{
    const cJSON *item = json_get(object, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}
