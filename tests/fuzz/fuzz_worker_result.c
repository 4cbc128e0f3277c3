/*
 * fuzz_worker_result.c: the PAM module's reader of the worker's one
 * length-prefixed result frame (pam_awscred/result.c), which runs in the
 * root parent on bytes a user-owned process wrote, and the value checks
 * that stand between those bytes and pam_putenv.
 *
 * Properties checked beyond "no crash, no leak":
 *   - an accepted frame holds at most PAMAWS_MAX_RECORDS records with
 *     valid keys and values free of control characters;
 *   - building a frame from it and parsing that again gives the same
 *     records (the writer and the reader agree).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fuzz.h"
#include "pam_awscred/internal.h"

static bool
clean_value(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* Runs the D6 checks the session applies before exporting. */
static void
check_values(const struct pamaws_result *result)
{
    const char *v;

    if ((v = pamaws_result_get(result, "access_key_id")) != NULL)
        (void) pamaws_check_key_id(v);
    if ((v = pamaws_result_get(result, "secret_access_key")) != NULL)
        (void) pamaws_check_base64(v, 128);
    if ((v = pamaws_result_get(result, "session_token")) != NULL)
        (void) pamaws_check_base64(v, PAMAWS_TOKEN_MAX_BYTES);
    if ((v = pamaws_result_get(result, "region")) != NULL)
        (void) pamaws_check_region(v);
}

static void
check_round_trip(const struct pamaws_result *result)
{
    struct pamaws_result again;
    char why[256];
    size_t len = 0;
    char *frame = pamaws_frame_build(result, &len);

    if (frame == NULL)
        return;
    FUZZ_REQUIRE(pamaws_frame_parse(frame, len, &again, why, sizeof why)
                 == 0);
    FUZZ_REQUIRE(again.count == result->count);
    for (size_t i = 0; i < result->count; i++) {
        FUZZ_REQUIRE(strcmp(again.records[i].key, result->records[i].key)
                     == 0);
        FUZZ_REQUIRE(strcmp(again.records[i].value,
                            result->records[i].value) == 0);
    }
    pamaws_result_clear(&again);
    pamaws_wipe(frame, len);
    free(frame);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pamaws_result result;
    char why[256];

    if (pamaws_frame_parse((const char *) data, size, &result, why,
                           sizeof why) != 0) {
        FUZZ_REQUIRE(result.count == 0);
        FUZZ_REQUIRE(memchr(why, '\0', sizeof why) != NULL);
        return 0;
    }
    FUZZ_REQUIRE(result.count <= PAMAWS_MAX_RECORDS);
    for (size_t i = 0; i < result.count; i++) {
        FUZZ_REQUIRE(strlen(result.records[i].key) <= 64);
        FUZZ_REQUIRE(clean_value(result.records[i].value));
    }
    check_values(&result);
    check_round_trip(&result);
    pamaws_result_clear(&result);
    return 0;
}
