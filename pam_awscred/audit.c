/*
 * audit.c: the one line a successful login leaves in syslog (LOG_INFO),
 * so that an admin can tell which source served whom. pam_awscred(8),
 * DIAGNOSTICS, documents the format; every producer of the line (the
 * module, `awscred session`, the broker awscredd) formats it here.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "pam_awscred/internal.h"

/* A growing line: used reaches size once something did not fit. */
struct line {
    char *buf;
    size_t size, used;
};

static void
put(struct line *line, const char *text, size_t len)
{
    if (line->used >= line->size)
        return;
    if (line->used + len >= line->size) {  /* fill up, then mark it cut */
        memcpy(line->buf + line->used, text, line->size - 1 - line->used);
        line->used = line->size;
        return;
    }
    memcpy(line->buf + line->used, text, len);
    line->used += len;
}

/*
 * Appends " name=value": value as it is when it is a plain word, in
 * double quotes with '"' and '\' backslashed when it holds a space, a
 * quote, a backslash or '=' or is empty, "-" when NULL. Control bytes are
 * left to pamaws_log's escaping.
 */
static void
put_field(struct line *line, const char *name, const char *value)
{
    bool quote;
    const char *p;

    if (value == NULL)
        value = "-";
    quote = value[0] == '\0' || strpbrk(value, " \t\"\\=") != NULL;
    put(line, " ", 1);
    put(line, name, strlen(name));
    put(line, quote ? "=\"" : "=", quote ? 2 : 1);
    for (p = value; *p != '\0'; p++) {
        if (quote && (*p == '"' || *p == '\\'))
            put(line, "\\", 1);
        put(line, p, 1);
    }
    if (quote)
        put(line, "\"", 1);
}

void
pamaws_audit_format(const struct pamaws_audit *audit, char *buf, size_t size)
{
    static const char head[] = "AWS credentials exported:";
    /* In this order after the fixed fields, each only when set */
    const struct {
        const char *name, *value;
    } optional[] = {
        { "role", audit->role },
        { "source_identity", audit->source_identity },
        { "uid", audit->uid },
        { "tty", audit->tty },
        { "broker", audit->broker },
        { "session", audit->session },
    };
    struct line line = { buf, size, 0 };
    size_t i;

    if (size == 0)
        return;
    put(&line, head, sizeof(head) - 1);
    put_field(&line, "user", audit->user);
    put_field(&line, "service", audit->service);
    put_field(&line, "rhost", audit->rhost);
    put_field(&line, "profile", audit->profile);
    put_field(&line, "provider", audit->provider);
    put_field(&line, "access_key_id", audit->access_key_id);
    put_field(&line, "expires", audit->expires);
    for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
        if (optional[i].value != NULL)
            put_field(&line, optional[i].name, optional[i].value);
    if (line.used < size) {
        buf[line.used] = '\0';
    } else {  /* cut: say so rather than end mid-field */
        memset(buf + line.size - (size > 4 ? 4 : size), '.',
               size > 4 ? 3 : size - 1);
        buf[size - 1] = '\0';
    }
}
