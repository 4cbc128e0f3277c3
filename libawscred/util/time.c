/*
 * time.c: ISO 8601 timestamps as AWS tools write them. All arithmetic is
 * in UTC on int64_t, with no dependence on TZ or the C library's mktime.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t) doe - 719468;
}

/* Reads exactly n digits. */
static bool
digits(const char **s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char) (*s)[i]))
            return false;
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    *out = v;
    return true;
}

static bool
expect(const char **s, char c)
{
    if (**s != c)
        return false;
    (*s)++;
    return true;
}

/* "Z", "UTC", "GMT", "+HH:MM", "+HHMM", "+HH", or nothing (taken as
   UTC), after at most one space. */
static bool
parse_zone(const char *s, int *offset_seconds)
{
    int sign, hh = 0, mm = 0;

    *offset_seconds = 0;
    if (*s == ' ' && s[1] != '\0')
        s++;
    if (*s == '\0' || strcmp(s, "Z") == 0 || strcmp(s, "z") == 0
        || strcmp(s, "UTC") == 0 || strcmp(s, "GMT") == 0)
        return true;
    if (*s != '+' && *s != '-')
        return false;
    sign = *s++ == '-' ? -1 : 1;
    if (!digits(&s, 2, &hh))
        return false;
    if (*s == ':')
        s++;
    if (*s != '\0' && !digits(&s, 2, &mm))
        return false;
    if (*s != '\0' || hh > 23 || mm > 59)
        return false;
    *offset_seconds = sign * (hh * 3600 + mm * 60);
    return true;
}

/* The broken-down parts of a timestamp before they are checked. */
struct parts {
    int y, mo, d, h, mi, sec, usec;
};

/* ".123" or ",123": microseconds, as dateutil keeps them (the first six
   digits; more are dropped). */
static bool
parse_fraction(const char **s, int *usec)
{
    int scale = 100000;

    *usec = 0;
    if (**s != '.' && **s != ',')
        return true;
    (*s)++;
    if (!isdigit((unsigned char) **s))
        return false;
    for (; isdigit((unsigned char) **s); (*s)++, scale /= 10)
        *usec += (**s - '0') * scale;
    return true;
}

/* "HH:MM[:SS][.ffffff]" (extended) or "HHMMSS[.ffffff]" (basic). */
static bool
parse_clock(const char **s, bool basic, struct parts *p)
{
    if (!digits(s, 2, &p->h) || (!basic && !expect(s, ':'))
        || !digits(s, 2, &p->mi))
        return false;
    if (basic ? !digits(s, 2, &p->sec)
              : **s == ':' && ((*s)++, !digits(s, 2, &p->sec)))
        return false;
    return parse_fraction(s, &p->usec);
}

/* "YYYY-MM-DDTHH:MM:SS..." or the basic "YYYYMMDDTHHMMSS...", with "T",
   "t" or a space between date and time; s is left at the zone. */
static bool
parse_iso(const char **s, struct parts *p)
{
    bool basic;

    if (!digits(s, 4, &p->y))
        return false;
    basic = isdigit((unsigned char) **s);
    if ((!basic && !expect(s, '-'))
        || !digits(s, 2, &p->mo) || (!basic && !expect(s, '-'))
        || !digits(s, 2, &p->d))
        return false;
    if (**s != 'T' && **s != 't' && **s != ' ')
        return false;
    (*s)++;
    return parse_clock(s, basic, p);
}

/* RFC 7231's IMF-fixdate, "Fri, 01 Jan 2099 00:00:00 GMT" (the weekday
   is not checked, as dateutil does not), with any zone parse_zone()
   takes; s is left at the zone. */
static bool
parse_http_date(const char **s, struct parts *p)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *m;

    if (strnlen(*s, 5) < 5 || !isalpha((unsigned char) (*s)[0])
        || (*s)[3] != ',' || (*s)[4] != ' ')
        return false;
    *s += 5;
    if (!digits(s, 2, &p->d) || !expect(s, ' '))
        return false;
    for (m = months; *m != '\0'; m += 3)
        if (strncmp(*s, m, 3) == 0)
            break;
    if (*m == '\0')
        return false;
    p->mo = (int) ((m - months) / 3) + 1;
    *s += 3;
    if (!expect(s, ' ') || !digits(s, 4, &p->y) || !expect(s, ' '))
        return false;
    return parse_clock(s, false, p);
}

int
time_parse_value(const char *s, struct time_value *out)
{
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30,
                                          31, 31, 30, 31, 30, 31};
    struct parts p = {0};
    int offset;

    if (s == NULL || (isdigit((unsigned char) *s) ? !parse_iso(&s, &p)
                                                  : !parse_http_date(&s, &p)))
        return -1;
    if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > mdays[p.mo - 1]
        || p.h > 23 || p.mi > 59 || p.sec > 59 || !parse_zone(s, &offset))
        return -1;
    if (p.mo == 2 && p.d == 29
        && !(p.y % 4 == 0 && (p.y % 100 != 0 || p.y % 400 == 0)))
        return -1;
    out->seconds = days_from_civil(p.y, (unsigned) p.mo, (unsigned) p.d)
                       * 86400
                   + p.h * 3600 + p.mi * 60 + p.sec - offset;
    out->usec = p.usec;
    out->offset = offset;
    return 0;
}

int
time_parse_iso8601(const char *s, int64_t *out)
{
    struct time_value v;

    if (time_parse_value(s, &v) != 0)
        return -1;
    *out = v.seconds;
    return 0;
}

int
time_parse_expiration(const char *s, struct awscred_credentials *c)
{
    struct time_value v;

    if (time_parse_value(s, &v) != 0)
        return -1;
    c->expiration = v.seconds;
    c->expiration_usec = v.usec;
    c->expiration_offset = v.offset;
    return 0;
}

static void
format_utc(int64_t t, const char *suffix, char *buf, size_t size)
{
    struct tm tm;
    time_t tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL) {
        snprintf(buf, size, "invalid");
        return;
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             suffix);
}

void
time_format_iso8601(int64_t t, char *buf, size_t size)
{
    format_utc(t, "+00:00", buf, size);
}

void
time_format_iso8601_z(int64_t t, char *buf, size_t size)
{
    format_utc(t, "Z", buf, size);
}
