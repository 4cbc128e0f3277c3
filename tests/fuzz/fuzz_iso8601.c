/*
 * fuzz_iso8601.c: time_parse_iso8601() (util/time.c), which reads every
 * credential expiry (process output, SSO cache, container, IMDS, STS).
 *
 * Property: any time it accepts within years 0000-9999 survives a round
 * trip through time_format_iso8601() and back unchanged.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fuzz.h"
#include "internal.h"

#define YEAR_0000 INT64_C(-62167219200)       /* 0000-01-01T00:00:00Z */
#define YEAR_10000 INT64_C(253402300800)      /* 10000-01-01T00:00:00Z */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    int64_t t = 0, again = 0;
    char formatted[64];

    if (time_parse_iso8601(text, &t) == 0 && t >= YEAR_0000
        && t < YEAR_10000) {
        time_format_iso8601(t, formatted, sizeof formatted);
        FUZZ_REQUIRE(time_parse_iso8601(formatted, &again) == 0);
        FUZZ_REQUIRE(again == t);
        time_format_iso8601_z(t, formatted, sizeof formatted);
        FUZZ_REQUIRE(time_parse_iso8601(formatted, &again) == 0);
        FUZZ_REQUIRE(again == t);
    }
    free(text);
    return 0;
}
