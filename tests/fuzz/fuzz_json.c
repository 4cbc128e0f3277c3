/*
 * fuzz_json.c: the strict JSON wrapper json_parse() (util/json.c), which
 * reads every credential document (credential_process output, container
 * and IMDS responses, the SSO caches).
 *
 * Properties checked beyond "no crash, no leak":
 *   - a failure sets an error status and a NUL-terminated message;
 *   - no object in a parsed tree keeps two members of the same name
 *     (the last one wins, as in Python's json);
 *   - input holding a raw NUL byte is always refused.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "internal.h"

/* True when no object in the tree has duplicate member names. */
static bool
no_duplicate_members(const cJSON *node)
{
    for (const cJSON *child = node->child; child != NULL;
         child = child->next) {
        if (!no_duplicate_members(child))
            return false;
        if (!cJSON_IsObject(node))
            continue;
        for (const cJSON *later = child->next; later != NULL;
             later = later->next)
            if (strcmp(later->string, child->string) == 0)
                return false;
    }
    return true;
}

/* Looks up the members the credential readers ask for. */
static void
read_like_a_provider(const cJSON *tree)
{
    static const char *const keys[] = {
        "Version", "AccessKeyId", "SecretAccessKey", "SessionToken",
        "Expiration", "roleCredentials", "accessToken", "expiresAt",
        "Code", "Token",
    };

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *value = json_get_string(tree, keys[i]);
        const cJSON *member = json_get(tree, keys[i]);

        if (value != NULL)
            FUZZ_REQUIRE(strlen(value) < 1024 * 1024);
        if (member != NULL)
            (void) json_get_string(member, "accessKeyId");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_error err;
    cJSON *tree;

    FUZZ_REQUIRE(ctx != NULL);
    memset(&err, 0, sizeof err);
    tree = json_parse(ctx, text, size, "fuzz input", &err);
    if (tree == NULL) {
        FUZZ_REQUIRE(err.status != AWSCRED_OK);
        FUZZ_REQUIRE(memchr(err.message, '\0', sizeof err.message) != NULL);
    } else {
        FUZZ_REQUIRE(memchr(data, '\0', size) == NULL);
        FUZZ_REQUIRE(no_duplicate_members(tree));
        read_like_a_provider(tree);
    }
    json_free(tree);
    awscred_context_free(ctx);
    free(text);
    return 0;
}
