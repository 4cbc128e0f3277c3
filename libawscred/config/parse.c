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

#include "config/cfg.h"
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
        uint64_t w;

        /* Eight bytes of ASCII without NUL at a time: nearly every byte of
           a real file (no high bit, no zero byte in w). */
        if (end - p >= 8) {
            memcpy(&w, p, 8);
            if (((w | ((w - 0x0101010101010101u) & ~w))
                 & 0x8080808080808080u) == 0) {
                p += 8;
                continue;
            }
        }
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

/* py_isspace() of an ASCII byte, inline. */
static inline bool
ascii_space(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
}

/* Length of the white-space character at p, or 0. Input is valid UTF-8. */
static inline unsigned
space_len(const char *p, const char *end)
{
    uint32_t cp;
    unsigned n;

    if (p >= end)
        return 0;
    if ((unsigned char) *p < 0x80)
        return ascii_space((unsigned char) *p);
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

/* str.strip() of [s, e): the white space it removes at the start and at
   the end, in bytes. */
static void
strip_span(const char *s, const char *e, size_t *lead, size_t *trail)
{
    const char *b = s, *f = e;
    unsigned n;

    /* ASCII on both ends, nearly always, inline */
    while (b < f && ascii_space((unsigned char) *b))
        b++;
    while (f > b && ascii_space((unsigned char) f[-1]))
        f--;
    /* then any white space, from a character that is not ASCII on */
    if (b < f && (unsigned char) *b >= 0x80)
        while ((n = space_len(b, f)) != 0)
            b += n;
    if (f > b && (unsigned char) f[-1] >= 0x80)
        while (f > b) {
            const char *last = char_before(b, f);

            if (space_len(last, f) == 0)
                break;
            f = last;
        }
    *lead = (size_t) (b - s);
    *trail = (size_t) (e - f);
}

/* str.strip(): narrows [*s, *e). */
static void
strip(const char **s, const char **e)
{
    size_t lead, trail;

    strip_span(*s, *e, &lead, &trail);
    *s += lead;
    *e -= trail;
}

/* strip() on a line of the writable data. */
static void
strip_mut(char **s, char **e)
{
    size_t lead, trail;

    strip_span(*s, *e, &lead, &trail);
    *s += lead;
    *e -= trail;
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
    /* The option whose value is still growing (continuation lines): its
       first line, in data, until a second one copies it into buf. */
    struct cfg_section *open_section;
    size_t open_index;
    char *open_value;
    size_t open_len;
    bool open_copied;
    size_t indent_level;
    char *buf;  /* the open value: secret */
    size_t buf_len, buf_cap;
    /* Keys seen lately as written (in data) and lower-cased (in the
       arena): sections repeat them. */
    struct {
        const char *raw, *lower;
        size_t len;
    } keys[16];
    unsigned key_next;
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

/* One more line of the open value ("\n" and s, n bytes): the first line
   moves into buf on the second. */
static bool
open_value_add(struct parser *ps, const char *s, size_t n)
{
    if (!ps->open_copied) {
        if (!buf_add(ps, ps->open_value, ps->open_len))
            return false;
        ps->open_copied = true;
    }
    return buf_add(ps, "\n", 1) && buf_add(ps, s, n);
}

/* Ends the open option: configparser's '\n'.join(pieces).rstrip(). A
   one-line value is cut out of data in place (its line is read by now). */
static bool
close_option(struct parser *ps)
{
    struct cfg_entry *e;
    char *value;

    if (ps->open_section == NULL)
        return true;
    if (!ps->open_copied) {
        value = ps->open_value;
        value[ps->open_len] = '\0';
    } else {
        while (ps->buf_len > 0 && ps->buf[ps->buf_len - 1] == '\n')
            ps->buf_len--;
        value = arena_strndup(ps->arena, ps->buf, ps->buf_len);
        secret_wipe(ps->buf, ps->buf_len);
        ps->buf_len = 0;
        ps->open_copied = false;
        if (value == NULL)
            return false;
    }
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

/* name (n bytes, in data) ends its line: cut out in place. */
static enum awscred_status
start_section(struct parser *ps, char *name, size_t n)
{
    struct cfg_section *sec, **v;
    size_t at;

    name[n] = '\0';
    if (strcmp(name, "DEFAULT") == 0) {
        if (ps->defaults == NULL)
            ps->defaults = registry_new_section(ps->reg, name, ps->path,
                                                ps->line);
        if (ps->defaults == NULL)
            return no_memory(ps);
        ps->cur = ps->defaults;
        return AWSCRED_OK;
    }
    at = strmap_add(ps->map, ps->owner, name, ps->count);
    if (at == SIZE_MAX)
        return no_memory(ps);
    if (at != ps->count)
        return parse_error(ps, ps->line, "section [%s] already exists", name);
    sec = registry_new_section(ps->reg, name, ps->path, ps->line);
    if (sec == NULL)
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

/* str.lower() of an option name, into the arena unless a recent key is
   the same. A lower-case character takes at most 3/2 the bytes of its
   capital (U+0130 becomes "i\u0307"). */
static const char *
lower_key(struct parser *ps, const char *s, size_t n)
{
    const char *end = s + n, *out;
    char small[128], *tmp;
    size_t len = 0;

    for (unsigned i = 0; i < sizeof(ps->keys) / sizeof(ps->keys[0]); i++)
        if (ps->keys[i].raw != NULL && ps->keys[i].len == n
            && memcmp(ps->keys[i].raw, s, n) == 0)
            return ps->keys[i].lower;
    tmp = 2 * n + 1 <= sizeof(small) ? small : malloc(2 * n + 1);
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
    out = arena_strndup(ps->arena, tmp, len);
    if (out != NULL) {
        unsigned i = ps->key_next++ % (sizeof(ps->keys) / sizeof(ps->keys[0]));

        ps->keys[i].raw = end - n;
        ps->keys[i].lower = out;
        ps->keys[i].len = n;
    }
    if (tmp != small)
        free(tmp);
    return out;
}

static enum awscred_status
start_option(struct parser *ps, char *s, char *e)
{
    const char *delim, *colon, *name_end, *key;
    char *value;
    struct cfg_entry entry = { 0 };

    /* The first "=" or ":", whichever comes first. */
    delim = memchr(s, '=', (size_t) (e - s));
    colon = memchr(s, ':', (size_t) ((delim != NULL ? delim : e) - s));
    if (colon != NULL)
        delim = colon;
    if (delim == NULL)
        return parse_error(ps, ps->line, "a line that is neither a section header nor "
                           "\"key = value\"");
    if (delim == s)
        return parse_error(ps, ps->line, "a key with no name");
    name_end = delim;
    key = s;
    strip(&key, &name_end);
    entry.key = lower_key(ps, key, (size_t) (name_end - key));
    if (entry.key == NULL)
        return no_memory(ps);
    if (section_find(ps->map, ps->cur, entry.key) != SIZE_MAX)
        return parse_error(ps, ps->line, "key \"%s\" already exists in section "
                           "[%s]", entry.key, ps->cur->name);
    entry.file = ps->path;
    entry.line = ps->line;
    if (!section_add(ps->map, ps->cur, &entry))
        return no_memory(ps);
    value = s + (delim + 1 - s);
    strip_mut(&value, &e);
    ps->open_section = ps->cur;
    ps->open_index = ps->cur->count - 1;
    ps->open_value = value;
    ps->open_len = (size_t) (e - value);
    return AWSCRED_OK;
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
parse_line(struct parser *ps, char *p, char *end)
{
    char *s = p, *e = end;
    const char *name;
    size_t indent, name_len;

    strip_mut(&s, &e);
    if (s == e) {
        /* An empty line belongs to the open value (joined as "\n"). */
        if (ps->open_section != NULL && !open_value_add(ps, "", 0))
            return no_memory(ps);
        return AWSCRED_OK;
    }
    if (*s == '#' || *s == ';')
        return AWSCRED_OK;
    indent = indent_of(p, end);
    if (ps->open_section != NULL && indent > ps->indent_level) {
        if (!open_value_add(ps, s, (size_t) (e - s)))
            return no_memory(ps);
        return AWSCRED_OK;
    }
    ps->indent_level = indent;
    if (!close_option(ps))
        return no_memory(ps);
    if (section_header(s, e, &name, &name_len))
        return start_section(ps, s + 1, name_len);
    if (ps->cur == NULL)
        return parse_error(ps, ps->line,
                           "a line before the first section header");
    return start_option(ps, s, e);
}

/* Universal newlines: "\n", "\r\n" and a lone "\r" end a line. The next
   "\n" and the next "\r" are found with memchr, the "\r" once for all
   the lines before it (most files have none). */
static enum awscred_status
parse_lines(struct parser *ps, char *data, size_t len)
{
    char *p = data, *end = data + len, *cr = NULL;
    enum awscred_status st = AWSCRED_OK;

    while (p < end && st == AWSCRED_OK) {
        char *eol = memchr(p, '\n', (size_t) (end - p));
        bool crlf;

        if (eol == NULL)
            eol = end;
        if (cr != end && (cr == NULL || cr < p)) {
            cr = memchr(p, '\r', (size_t) (end - p));
            if (cr == NULL)
                cr = end;
        }
        if (cr < eol)
            eol = cr;
        /* Decided before parse_line, which may cut a value at eol. */
        crlf = eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n';
        ps->line++;
        st = parse_line(ps, p, eol);
        if (crlf)
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
          uint32_t sections_owner, const char *path, char *data,
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
