/*
 * fuzz_sts_xml.c: the STS reply reader: the network module's expat reader
 * (netmod/xml.c, mod_xml_parse) and the conversion of its leaves into the
 * document the AWS CLI caches and into credentials (sts_document in
 * net/sts.c, static, hence the include; cache_credentials in cache.c).
 *
 * Properties checked beyond "no crash, no leak":
 *   - a failure leaves no leaves behind and names the endpoint;
 *   - a success has at least one leaf, each with a path and a text.
 *
 * SPDX-License-Identifier: MIT
 */
#include "../../libawscred/net/sts.c"

#include "cache/cache.h"
#include "fuzz.h"
#include "netmod/modimpl.h"

#define ENDPOINT "https://sts.us-east-1.amazonaws.com/"

/* Converts the reply as net_sts_credentials does for one action. */
static void
convert(const struct net_xml *xml, const char *action)
{
    struct awscred_context *ctx = awscred_context_new();
    cJSON *doc = ctx != NULL ? sts_document(ctx, xml, action) : NULL;
    struct awscred_credentials *c;

    if (doc == NULL) {
        awscred_context_free(ctx);
        return;
    }
    c = cache_credentials(doc, "assume-role");
    if (c != NULL)
        FUZZ_REQUIRE(c->access_key_id != NULL
                     && c->secret_access_key != NULL);
    awscred_credentials_free(c);
    json_free(doc);
    awscred_context_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    struct net_xml xml;
    struct awscred_error err;

    memset(&err, 0, sizeof err);
    if (mod_xml_parse(text, size, ENDPOINT, &xml, &err) != AWSCRED_OK) {
        FUZZ_REQUIRE(xml.count == 0 && xml.leaves == NULL);
        FUZZ_REQUIRE(strstr(err.message, ENDPOINT) != NULL);
        free(text);
        return 0;
    }
    FUZZ_REQUIRE(xml.count > 0);
    for (size_t i = 0; i < xml.count; i++)
        FUZZ_REQUIRE(xml.leaves[i].path != NULL && xml.leaves[i].text != NULL);
    (void) net_xml_find(&xml, "Error/Code");
    (void) net_xml_find(&xml, "Error/Message");
    convert(&xml, "AssumeRole");
    convert(&xml, "AssumeRoleWithWebIdentity");
    convert(&xml, "GetSessionToken");
    net_xml_free(&xml);
    free(text);
    return 0;
}
