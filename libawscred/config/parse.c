/*
 * parse.c: one AWS config or credentials file read exactly as the
 * AWS CLI reads it: Python 3.11's configparser.RawConfigParser (strict,
 * delimiters "=" and ":", full-line "#"/";" comments, empty lines kept in
 * multi-line values, [DEFAULT]) on the file decoded as UTF-8 with
 * universal newlines, then botocore's raw_config_parse (_parse_nested).
 *
 * Python's str.strip() and str.splitlines() know Unicode white space and
 * line breaks, and indentation is counted in characters, so those rules
 * are followed on the UTF-8 bytes. Key names are lower-cased like
 * str.lower() (config/lower.c). One difference, on purpose: a NUL byte is
 * an error (C strings cannot hold it; configparser keeps it).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/reader.h"

/* ---- UTF-8 and Python's notion of white space -------------------------- */

/* Offset of the first byte that is not strict UTF-8 or is NUL, or len. */
static size_t
utf8_invalid_at(const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *) data, *end = p + len;

    while (p < end) {
        uint32_t cp;
        unsigned n;

        /* ASCII but NUL, nearly every byte of a real file, inline */
        if ((unsigned) *p - 1 < 0x7f) {
            p++;
            continue;
        }
        n = utf8_decode(p, end, &cp);
        if (n == 0 || cp == 0)
            return (size_t) (p - (const unsigned char *) data);
        p += n;
    }
    return len;
}

/* Length of the character at p (input is valid UTF-8). */
static unsigned
char_len(const char *p, const char *end)
{
    uint32_t cp;
    unsigned n;

    if ((unsigned char) *p < 0x80)
        return 1;
    n = utf8_decode((const unsigned char *) p, (const unsigned char *) end,
                    &cp);
    return n != 0 ? n : 1;
}

/* Length of the white-space character at p, or 0. Input is valid UTF-8. */
static unsigned
space_len(const char *p, const char *end)
{
    uint32_t cp;
    unsigned n;

    if (p >= end)
        return 0;
    if ((unsigned char) *p < 0x80)
        return py_isspace((unsigned char) *p);
    n = utf8_decode((const unsigned char *) p, (const unsigned char *) end, &cp);
    return n != 0 && py_isspace(cp) ? n : 0;
}

/* Start of the character that ends at end. */
static const char *
char_before(const char *start, const char *end)
{
    const char *p = end - 1;

    while (p > start && ((unsigned char) *p & 0xc0) == 0x80)
        p--;
    return p;
}

/* str.strip(): narrows [*s, *e). */
static void
strip(const char **s, const char **e)
{
    unsigned n;

    while ((n = space_len(*s, *e)) != 0)
        *s += n;
    while (*e > *s) {
        const char *last = char_before(*s, *e);

        if (space_len(last, *e) == 0)
            break;
        *e = last;
    }
}

/* Python's str.splitlines() boundaries: length of the break at p, or 0. */
static unsigned
line_break_len(const char *p, const char *end)
{
    uint32_t cp;
    unsigned n;

    if ((unsigned char) *p < 0x80 && *p != '\r')
        return (*p >= 0x0a && *p <= 0x0c) || (*p >= 0x1c && *p <= 0x1e);
    n = utf8_decode((const unsigned char *) p, (const unsigned char *) end,
                    &cp);
    if (cp == '\r' && p + 1 < end && p[1] == '\n')
        return 2;
    if ((cp >= 0x0a && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1e)
        || cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        return n;
    return 0;
}

/* ---- The parser state ------------------------------------------------- */

struct parser {
    struct arena *arena;
    struct cfg_registry *reg;
    struct strmap *map;
    uint32_t owner;
    const char *path;
    struct awscred_error *err;
    unsigned line;
    struct cfg_section *defaults;  /* [DEFAULT], created on first use */
    struct cfg_section *cur;       /* the section being read, or NULL */
    struct cfg_section **sections;
    size_t count, cap;
    /* The option whose value is still growing (continuation lines). */
    struct cfg_section *open_section;
    size_t open_index;
    size_t indent_level;
    char *buf;  /* the open value: secret */
    size_t buf_len, buf_cap;
};

static enum awscred_status parse_error(struct parser *ps, unsigned line,
                                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "Unable to parse config file: PATH" as the CLI says, then what and
   where (names only: a value may be a secret; control characters in a
   name become "?" so that the message is safe in a log or terminal). */
static enum awscred_status
parse_error(struct parser *ps, unsigned line, const char *fmt, ...)
{
    char detail[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    for (char *p = detail; *p != '\0'; p++)
        if ((unsigned char) *p < 0x20 || *p == 0x7f)
            *p = '?';
    return error_set_line(ps->err, AWSCRED_ERR_CONFIG_PARSE, ps->path, line,
                          "Unable to parse config file: %s: line %u: %s",
                          ps->path, line, detail);
}

static enum awscred_status
no_memory(struct parser *ps)
{
    return error_set(ps->err, AWSCRED_ERR_NOMEM, NULL, ps->path,
                     "out of memory reading %s", ps->path);
}

static bool
buf_add(struct parser *ps, const char *s, size_t n)
{
    if (ps->buf_len + n + 1 > ps->buf_cap) {
        size_t cap = ps->buf_cap != 0 ? ps->buf_cap : 256;
        char *nb;

        while (cap < ps->buf_len + n + 1)
            cap *= 2;
        /* realloc could leave a copy of a secret behind: move it by hand. */
        nb = malloc(cap);
        if (nb == NULL)
            return false;
        if (ps->buf_len != 0)
            memcpy(nb, ps->buf, ps->buf_len);
        secret_free_n(ps->buf, ps->buf_cap);
        ps->buf = nb;
        ps->buf_cap = cap;
    }
    memcpy(ps->buf + ps->buf_len, s, n);
    ps->buf_len += n;
    return true;
}

/* Ends the open option: configparser's '\n'.join(pieces).rstrip(). */
static bool
close_option(struct parser *ps)
{
    struct cfg_entry *e;
    char *value;

    if (ps->open_section == NULL)
        return true;
    while (ps->buf_len > 0 && ps->buf[ps->buf_len - 1] == '\n')
        ps->buf_len--;
    value = arena_strndup(ps->arena, ps->buf != NULL ? ps->buf : "",
                          ps->buf_len);
    secret_wipe(ps->buf, ps->buf_len);
    ps->buf_len = 0;
    if (value == NULL)
        return false;
    e = &ps->open_section->entries[ps->open_index];
    e->value = value;
    ps->open_section = NULL;
    return true;
}

/* ---- Lines ------------------------------------------------------------- */

/* The header of "[name]" (configparser: \[(.+)\] matched at the start,
   greedy, so up to the last "]"), or false. */
static bool
section_header(const char *s, const char *e, const char **name, size_t *len)
{
    const char *close;

    if (e - s < 3 || *s != '[')
        return false;
    for (close = e - 1; close >= s + 2 && *close != ']'; close--)
        ;
    if (close < s + 2)
        return false;
    *name = s + 1;
    *len = (size_t) (close - (s + 1));
    return true;
}

static enum awscred_status
start_section(struct parser *ps, const char *s, size_t n)
{
    char *name = arena_strndup(ps->arena, s, n);
    struct cfg_section *sec, **v;

    if (name == NULL)
        return no_memory(ps);
    if (strcmp(name, "DEFAULT") == 0) {
        if (ps->defaults == NULL)
            ps->defaults = registry_new_section(ps->reg, name, ps->path,
                                                ps->line);
        if (ps->defaults == NULL)
            return no_memory(ps);
        ps->cur = ps->defaults;
        return AWSCRED_OK;
    }
    if (strmap_get(ps->map, ps->owner, name) != SIZE_MAX)
        return parse_error(ps, ps->line, "section [%s] already exists", name);
    sec = registry_new_section(ps->reg, name, ps->path, ps->line);
    if (sec == NULL || !strmap_put(ps->map, ps->owner, name, ps->count))
        return no_memory(ps);
    v = array_grow(ps->sections, &ps->cap, ps->count, sizeof(*v));
    if (v == NULL)
        return no_memory(ps);
    ps->sections = v;
    ps->sections[ps->count++] = sec;
    ps->cur = sec;
    return AWSCRED_OK;
}

static size_t
utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char) (0xc0 | (cp >> 6));
        out[1] = (char) (0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char) (0xe0 | (cp >> 12));
        out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char) (0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char) (0xf0 | (cp >> 18));
    out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char) (0x80 | (cp & 0x3f));
    return 4;
}

/* str.lower() of an option name, into the arena. A lower-case character
   takes at most 3/2 the bytes of its capital (U+0130 becomes "i\u0307"). */
static char *
lower_key(struct arena *a, const char *s, size_t n)
{
    const char *end = s + n;
    char *tmp = malloc(2 * n + 1), *out;
    size_t len = 0;

    if (tmp == NULL)
        return NULL;
    while (s < end) {
        uint32_t cp;
        unsigned k;

        if ((unsigned char) *s < 0x80) {
            tmp[len++] = *s >= 'A' && *s <= 'Z' ? (char) (*s + 32) : *s;
            s++;
            continue;
        }
        k = utf8_decode((const unsigned char *) s, (const unsigned char *) end,
                        &cp);
        s += k;
        if (cp == 0x130) {
            memcpy(tmp + len, "i\xcc\x87", 3);
            len += 3;
        } else {
            len += utf8_encode(unicode_lower(cp), tmp + len);
        }
    }
    out = arena_strndup(a, tmp, len);
    free(tmp);
    return out;
}

static enum awscred_status
start_option(struct parser *ps, const char *s, const char *e)
{
    const char *delim = s, *name_end, *value = NULL;
    struct cfg_entry entry = { 0 };

    while (delim < e && *delim != '=' && *delim != ':')
        delim++;
    if (delim == e)
        return parse_error(ps, ps->line, "a line that is neither a section header nor "
                           "\"key = value\"");
    if (delim == s)
        return parse_error(ps, ps->line, "a key with no name");
    name_end = delim;
    strip(&s, &name_end);
    entry.key = lower_key(ps->arena, s, (size_t) (name_end - s));
    if (entry.key == NULL)
        return no_memory(ps);
    if (section_find(ps->map, ps->cur, entry.key) != SIZE_MAX)
        return parse_error(ps, ps->line, "key \"%s\" already exists in section "
                           "[%s]", entry.key, ps->cur->name);
    entry.file = ps->path;
    entry.line = ps->line;
    if (!section_add(ps->map, ps->cur, &entry))
        return no_memory(ps);
    value = delim + 1;
    strip(&value, &e);
    ps->open_section = ps->cur;
    ps->open_index = ps->cur->count - 1;
    return buf_add(ps, value, (size_t) (e - value)) ? AWSCRED_OK
                                                    : no_memory(ps);
}

/* Indentation in characters, as configparser's \S search counts it. */
static size_t
indent_of(const char *p, const char *end)
{
    size_t n = 0;
    unsigned len;

    while ((len = space_len(p, end)) != 0) {
        p += len;
        n++;
    }
    return n;
}

static enum awscred_status
parse_line(struct parser *ps, const char *p, const char *end)
{
    const char *s = p, *e = end, *name;
    size_t indent, name_len;

    strip(&s, &e);
    if (s == e) {
        /* An empty line belongs to the open value (joined as "\n"). */
        if (ps->open_section != NULL && !buf_add(ps, "\n", 1))
            return no_memory(ps);
        return AWSCRED_OK;
    }
    if (*s == '#' || *s == ';')
        return AWSCRED_OK;
    indent = indent_of(p, end);
    if (ps->open_section != NULL && indent > ps->indent_level) {
        if (!buf_add(ps, "\n", 1) || !buf_add(ps, s, (size_t) (e - s)))
            return no_memory(ps);
        return AWSCRED_OK;
    }
    ps->indent_level = indent;
    if (!close_option(ps))
        return no_memory(ps);
    if (section_header(s, e, &name, &name_len))
        return start_section(ps, name, name_len);
    if (ps->cur == NULL)
        return parse_error(ps, ps->line,
                           "a line before the first section header");
    return start_option(ps, s, e);
}

/* Universal newlines: "\n", "\r\n" and a lone "\r" end a line. */
static enum awscred_status
parse_lines(struct parser *ps, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    enum awscred_status st = AWSCRED_OK;

    while (p < end && st == AWSCRED_OK) {
        const char *eol = p;

        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        ps->line++;
        st = parse_line(ps, p, eol);
        if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
            eol++;
        p = eol < end ? eol + 1 : end;
    }
    if (st == AWSCRED_OK && !close_option(ps))
        st = no_memory(ps);
    return st;
}

/* ---- botocore's raw_config_parse on top ------------------------------- */

/* _parse_nested: "\na = b\nc = d" -> {a: b, c: d}, no lower-casing, the
   last of a repeated key wins, a line without "=" is an error. */
static enum awscred_status
parse_nested(struct parser *ps, const struct cfg_entry *parent,
             struct cfg_section **out)
{
    const char *p = parent->value, *end = p + strlen(p);
    struct cfg_section *nested;

    nested = registry_new_section(ps->reg, parent->key, parent->file,
                                  parent->line);
    if (nested == NULL)
        return no_memory(ps);
    while (p < end) {
        const char *eol = p, *s = p, *e, *eq, *v, *ve;
        unsigned brk = 0;
        struct cfg_entry entry = { 0 };
        size_t at;

        while (eol < end && (brk = line_break_len(eol, end)) == 0)
            eol += char_len(eol, end);
        e = eol;
        p = eol < end ? eol + brk : end;
        strip(&s, &e);
        if (s == e)
            continue;
        for (eq = s; eq < e && *eq != '='; eq++)
            ;
        if (eq == e)
            return parse_error(ps, parent->line, "the value of \"%s\" has a "
                               "nested line without \"=\"", parent->key);
        v = eq + 1;
        ve = e;
        strip(&s, &eq);
        strip(&v, &ve);
        entry.key = arena_strndup(ps->arena, s, (size_t) (eq - s));
        entry.value = arena_strndup(ps->arena, v, (size_t) (ve - v));
        entry.file = parent->file;
        entry.line = parent->line;
        if (entry.key == NULL || entry.value == NULL)
            return no_memory(ps);
        at = section_find(ps->map, nested, entry.key);
        if (at != SIZE_MAX) {
            nested->entries[at].value = entry.value;
            continue;
        }
        if (!section_add(ps->map, nested, &entry))
            return no_memory(ps);
    }
    *out = nested;
    return AWSCRED_OK;
}

/* Nested values of one section: a value starting with "\n" is a block. */
static enum awscred_status
parse_nested_values(struct parser *ps, struct cfg_section *sec)
{
    for (size_t i = 0; i < sec->count; i++) {
        struct cfg_entry *e = &sec->entries[i];
        enum awscred_status st;

        if (e->value[0] != '\n')
            continue;
        st = parse_nested(ps, e, &e->nested);
        if (st != AWSCRED_OK)
            return st;
        e->value = "";
    }
    return AWSCRED_OK;
}

/* configparser's options()/get(): a section's own keys, then the [DEFAULT]
   keys it does not have. A bad nested [DEFAULT] value fails only once a
   section inherits it, as in botocore. */
static enum awscred_status
inherit_defaults(struct parser *ps, struct cfg_section *sec,
                 const struct cfg_section *defaults, unsigned bad_line,
                 const char *bad_key)
{
    for (size_t i = 0; i < defaults->count; i++) {
        const struct cfg_entry *d = &defaults->entries[i];

        if (section_find(ps->map, sec, d->key) != SIZE_MAX)
            continue;
        if (bad_key != NULL && strcmp(d->key, bad_key) == 0)
            return parse_error(ps, bad_line, "the value of \"%s\" has a "
                               "nested line without \"=\"", bad_key);
        if (!section_add(ps->map, sec, d))
            return no_memory(ps);
    }
    return AWSCRED_OK;
}

static enum awscred_status
finish_sections(struct parser *ps)
{
    const char *bad_key = NULL;
    unsigned bad_line = 0;
    enum awscred_status st;

    if (ps->defaults != NULL) {
        /* Parse the [DEFAULT] blocks now, remembering (not raising) the
           first failure: it matters only where inherited. */
        for (size_t i = 0; i < ps->defaults->count && bad_key == NULL; i++) {
            struct cfg_entry *e = &ps->defaults->entries[i];
            struct awscred_error ignored;
            struct awscred_error *saved = ps->err;

            if (e->value[0] != '\n')
                continue;
            ps->err = &ignored;
            st = parse_nested(ps, e, &e->nested);
            ps->err = saved;
            if (st == AWSCRED_ERR_NOMEM)
                return no_memory(ps);
            if (st != AWSCRED_OK) {
                bad_key = e->key;
                bad_line = e->line;
            } else {
                e->value = "";
            }
        }
    }
    for (size_t i = 0; i < ps->count; i++) {
        st = parse_nested_values(ps, ps->sections[i]);
        if (st == AWSCRED_OK && ps->defaults != NULL)
            st = inherit_defaults(ps, ps->sections[i], ps->defaults, bad_line,
                                  bad_key);
        if (st != AWSCRED_OK)
            return st;
    }
    return AWSCRED_OK;
}

static unsigned
line_of_offset(const char *data, size_t off)
{
    unsigned line = 1;

    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n' || (data[i] == '\r' && data[i + 1] != '\n'))
            line++;
    return line;
}

enum awscred_status
cfg_parse(struct arena *arena, struct cfg_registry *reg, struct strmap *map,
          uint32_t sections_owner, const char *path, const char *data,
          size_t len, struct cfg_file *out, struct awscred_error *err)
{
    struct parser ps = {
        .arena = arena, .reg = reg, .map = map, .owner = sections_owner,
        .path = path, .err = err,
    };
    size_t bad = utf8_invalid_at(data, len);
    enum awscred_status st;

    out->path = path;
    out->sections = NULL;
    out->count = 0;
    /* configparser reads a BOM as U+FEFF, which is no white space, so the
       first line never is a section header: always an error. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        return parse_error(&ps, 1, "a UTF-8 byte order mark");
    if (bad < len)
        return parse_error(&ps, line_of_offset(data, bad), "%s",
                           data[bad] == '\0' ? "a NUL byte"
                                             : "bytes that are not UTF-8");
    st = parse_lines(&ps, data, len);
    if (st == AWSCRED_OK)
        st = finish_sections(&ps);
    secret_free_n(ps.buf, ps.buf_cap);
    if (st != AWSCRED_OK) {
        free(ps.sections);
        return st;
    }
    out->sections = ps.sections;
    out->count = ps.count;
    return AWSCRED_OK;
}
