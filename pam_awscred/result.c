/*
 * result.c: the one frame the worker sends its parent, and the checks every
 * value passes before it may reach a session environment (security.md D6).
 * The frame format is described in internal.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pam_awscred/internal.h"

static bool
key_valid(const char *key, size_t len)
{
    size_t i;

    if (len == 0 || len > 64)
        return false;
    for (i = 0; i < len; i++) {
        char c = key[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
              || c == '.'))
            return false;
    }
    return true;
}

int
pamaws_result_add(struct pamaws_result *result, const char *key,
                  const char *value)
{
    struct pamaws_record *record;
    char *p;

    if (value == NULL)
        return 0;
    if (result->count >= PAMAWS_MAX_RECORDS || !key_valid(key, strlen(key)))
        return -1;
    record = &result->records[result->count];
    record->key = strdup(key);
    record->value = strdup(value);
    if (record->key == NULL || record->value == NULL) {
        free(record->key);
        pamaws_free_secret(record->value);
        record->key = record->value = NULL;
        return -1;
    }
    for (p = record->value; *p != '\0'; p++)
        if ((unsigned char) *p < 0x20 || *p == 0x7f)
            *p = '?';
    result->count++;
    return 0;
}

const char *
pamaws_result_get(const struct pamaws_result *result, const char *key)
{
    size_t i;

    /* The last record wins, so a later field can correct an earlier one. */
    for (i = result->count; i > 0; i--)
        if (strcmp(result->records[i - 1].key, key) == 0)
            return result->records[i - 1].value;
    return NULL;
}

void
pamaws_result_clear(struct pamaws_result *result)
{
    size_t i;

    for (i = 0; i < result->count; i++) {
        free(result->records[i].key);
        pamaws_free_secret(result->records[i].value);
    }
    memset(result, 0, sizeof(*result));
}

char *
pamaws_frame_build(const struct pamaws_result *result, size_t *len)
{
    char header[64];
    size_t i, body = 0, head_len, off;
    char *buf;

    for (i = 0; i < result->count; i++)
        body += strlen(result->records[i].key) + strlen(result->records[i].value)
                + 2;
    if (body > PAMAWS_RESULT_MAX_BYTES)
        return NULL;
    head_len = (size_t) snprintf(header, sizeof(header), "%s%zu\n",
                                 PAMAWS_FRAME_MAGIC, body);
    buf = malloc(head_len + body + 1);
    if (buf == NULL)
        return NULL;
    memcpy(buf, header, head_len);
    off = head_len;
    for (i = 0; i < result->count; i++)
        off += (size_t) snprintf(buf + off, head_len + body + 1 - off,
                                 "%s=%s\n", result->records[i].key,
                                 result->records[i].value);
    *len = off;
    return buf;
}

/* Parses the header; returns its length and sets *body_len, or 0. */
static size_t
frame_header(const char *buf, size_t len, size_t *body_len)
{
    size_t magic_len = strlen(PAMAWS_FRAME_MAGIC), i, n = 0;

    if (len < magic_len + 2 || memcmp(buf, PAMAWS_FRAME_MAGIC, magic_len) != 0)
        return 0;
    for (i = magic_len; i < len && i < magic_len + 7; i++) {
        if (buf[i] == '\n')
            break;
        if (buf[i] < '0' || buf[i] > '9')
            return 0;
        n = n * 10 + (size_t) (buf[i] - '0');
    }
    if (i == magic_len || i >= len || buf[i] != '\n' || n > PAMAWS_RESULT_MAX_BYTES)
        return 0;
    *body_len = n;
    return i + 1;
}

/* Adds one "key=value" line of length len (without the newline). */
static int
frame_record(const char *line, size_t len, struct pamaws_result *result)
{
    const char *eq = memchr(line, '=', len);
    char key[65], *value;
    size_t i, key_len;
    int status;

    if (eq == NULL)
        return -1;
    key_len = (size_t) (eq - line);
    if (!key_valid(line, key_len))
        return -1;
    for (i = key_len + 1; i < len; i++)
        if ((unsigned char) line[i] < 0x20 || line[i] == 0x7f)
            return -1;
    memcpy(key, line, key_len);
    key[key_len] = '\0';
    value = strndup(eq + 1, len - key_len - 1);
    if (value == NULL)
        return -1;
    status = pamaws_result_add(result, key, value);
    pamaws_free_secret(value);
    return status;
}

bool
pamaws_frame_complete(const char *buf, size_t len)
{
    size_t body, head = frame_header(buf, len, &body);

    return head != 0 && len - head >= body;
}

int
pamaws_frame_parse(const char *buf, size_t len, struct pamaws_result *result,
                   char *why, size_t size)
{
    size_t head, body, off;
    const char *nl;

    memset(result, 0, sizeof(*result));
    head = frame_header(buf, len, &body);
    if (head == 0) {
        snprintf(why, size, "malformed result header");
        return -1;
    }
    if (len - head != body) {
        snprintf(why, size, "result truncated (%zu of %zu bytes)", len - head,
                 body);
        return -1;
    }
    for (off = head; off < len; off = (size_t) (nl - buf) + 1) {
        nl = memchr(buf + off, '\n', len - off);
        if (nl == NULL || frame_record(buf + off, (size_t) (nl - buf) - off,
                                       result) < 0) {
            snprintf(why, size, "malformed result record");
            pamaws_result_clear(result);
            return -1;
        }
    }
    return 0;
}

/* ---- Value checks ------------------------------------------------------ */

const char *
pamaws_check_key_id(const char *value)
{
    size_t len = strlen(value), i;

    if (len < 16 || len > 128)
        return "has the wrong length";
    for (i = 0; i < len; i++)
        if (!((value[i] >= 'A' && value[i] <= 'Z')
              || (value[i] >= '0' && value[i] <= '9')))
            return "contains a character outside A-Z and 0-9";
    return NULL;
}

const char *
pamaws_check_base64(const char *value, size_t max)
{
    size_t len = strlen(value), i;

    if (len == 0)
        return "is empty";
    if (len > max)
        return "is too long";
    for (i = 0; i < len; i++) {
        char c = value[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
            return "contains a character outside the base64 alphabet";
    }
    return NULL;
}

const char *
pamaws_check_region(const char *value)
{
    size_t len = strlen(value), i;

    if (len == 0 || len > 32)
        return "has the wrong length";
    for (i = 0; i < len; i++)
        if (!((value[i] >= 'a' && value[i] <= 'z')
              || (value[i] >= '0' && value[i] <= '9') || value[i] == '-'))
            return "contains a character outside a-z, 0-9 and '-'";
    return NULL;
}

/* The worker request's --session-tags (attrib.c builds it). */
size_t
pamaws_tags_split(char *list, struct pamaws_tag *tags, size_t max)
{
    size_t n = 0;
    char *item, *save = NULL, *eq;

    for (item = strtok_r(list, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return max + 1;
        eq = strchr(item, '=');
        if (eq != NULL)
            *eq = '\0';
        tags[n].key = item;
        tags[n++].value = eq != NULL ? eq + 1 : "";
    }
    return n;
}
