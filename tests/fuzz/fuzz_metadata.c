/*
 * fuzz_metadata.c: what the container and instance metadata providers do
 * with a response body (providers/common.c): the strict JSON wrapper, then
 * credentials_from_metadata(); and text_sanitize(), which puts a non-200
 * body into an error message.
 *
 * Properties checked beyond "no crash, no leak":
 *   - credentials come back complete (key, secret, token) or not at all,
 *     and a refusal names the missing key;
 *   - a sanitised body is NUL-terminated within its buffer and holds no
 *     control characters other than newline and tab.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "internal.h"
#include "providers/common.h"

static void
check_sanitized(const uint8_t *data, size_t size)
{
    char out[512];

    text_sanitize((const char *) data, size, out, sizeof out);
    FUZZ_REQUIRE(memchr(out, '\0', sizeof out) != NULL);
    for (const char *p = out; *p != '\0'; p++)
        FUZZ_REQUIRE(!(((unsigned char) *p < 0x20 && *p != '\n' && *p != '\t')
                       || *p == 0x7f));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_error err;
    cJSON *doc;

    FUZZ_REQUIRE(ctx != NULL);
    doc = json_parse(ctx, text, size, "http://169.254.170.2/creds", &err);

    if (doc != NULL) {
        const char *missing = NULL;
        struct awscred_credentials *c = credentials_from_metadata(doc,
                                                                 &missing);

        if (c != NULL) {
            FUZZ_REQUIRE(c->access_key_id != NULL
                         && c->secret_access_key != NULL
                         && c->session_token != NULL);
        } else {
            FUZZ_REQUIRE(missing != NULL);
        }
        awscred_credentials_free(c);
        json_free(doc);
    }
    check_sanitized(data, size);
    awscred_context_free(ctx);
    free(text);
    return 0;
}
