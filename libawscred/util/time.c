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

/* "Z", "UTC", "+HH:MM", "+HHMM", "+HH", or nothing (taken as UTC). */
static bool
parse_zone(const char *s, int *offset_seconds)
{
    int sign, hh = 0, mm = 0;

    *offset_seconds = 0;
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

int
time_parse_iso8601(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0, offset;
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30,
                                          31, 31, 30, 31, 30, 31};

    if (s == NULL || !digits(&s, 4, &y) || !expect(&s, '-')
        || !digits(&s, 2, &mo) || !expect(&s, '-') || !digits(&s, 2, &d))
        return -1;
    if (*s != 'T' && *s != 't' && *s != ' ')
        return -1;
    s++;
    if (!digits(&s, 2, &h) || !expect(&s, ':') || !digits(&s, 2, &mi))
        return -1;
    if (*s == ':' && (s++, !digits(&s, 2, &sec)))
        return -1;
    if (*s == '.' || *s == ',') {
        s++;
        if (!isdigit((unsigned char) *s))
            return -1;
        while (isdigit((unsigned char) *s))
            s++;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59
        || sec > 59 || !parse_zone(s, &offset))
        return -1;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return -1;
    *out = days_from_civil(y, (unsigned) mo, (unsigned) d) * 86400
           + h * 3600 + mi * 60 + sec - offset;
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
