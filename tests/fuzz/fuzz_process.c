/*
 * fuzz_process.c: the credential_process output reader (parse_output in
 * providers/process.c: strict JSON, Version, required keys, types,
 * Expiration). parse_output is static, so this file includes process.c;
 * the rest of the provider (spawning) is not called.
 *
 * Properties checked beyond "no crash, no leak":
 *   - success yields an access key id and a secret;
 *   - a failure has an error status, and its message holds no control
 *     characters other than newline and tab (the rule process.c applies
 *     to the helper's stderr), so output cannot forge terminal escapes.
 *
 * SPDX-License-Identifier: MIT
 */
#include "../../libawscred/providers/process.c"

#include "fuzz.h"

static bool
printable(const char *s)
{
    for (; *s != '\0'; s++)
        if (((unsigned char) *s < 0x20 && *s != '\n' && *s != '\t')
            || *s == 0x7f)
            return false;
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_credentials *c = credentials_new();
    struct awscred_error err;

    FUZZ_REQUIRE(ctx != NULL && c != NULL);
    memset(&err, 0, sizeof err);
    if (parse_output(ctx, text, size, "fuzz:1", c, &err) == PROVIDER_FOUND) {
        FUZZ_REQUIRE(c->access_key_id != NULL);
        FUZZ_REQUIRE(c->secret_access_key != NULL);
    } else {
        FUZZ_REQUIRE(err.status != AWSCRED_OK);
        FUZZ_REQUIRE(printable(err.message));
    }
    awscred_credentials_free(c);
    awscred_context_free(ctx);
    free(text);
    return 0;
}
