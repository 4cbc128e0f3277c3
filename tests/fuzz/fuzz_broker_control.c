/*
 * fuzz_broker_control.c: awscredd's reader of control requests
 * (awscredd/control.c), which runs as root on what the module sends, and
 * the registry it feeds (awscredd/registry.c).
 *
 * Properties checked beyond "no crash, no leak":
 *   - an accepted open_session holds a valid access key id, a base64
 *     secret, a positive expiration, a clock offset within a day, at most
 *     BROKER_MAX_ARGS options, all present, and a uid other than
 *     (uid_t) -1;
 *   - once registered, the answered token finds the credentials (expired
 *     when the offset moves their expiry before now) and a token
 *     differing in one character does not.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fuzz.h"
#include "awscredd/broker.h"

static void
check_registry(const struct broker_request *req)
{
    struct broker_config cfg = {.max_lifetime_s = 3600};
    struct broker_registry *reg = broker_registry_new(&cfg);
    struct broker_creds creds;
    char token[BROKER_TOKEN_CHARS + 1], why[256];
    uint64_t session;
    enum broker_lookup found;

    FUZZ_REQUIRE(reg != NULL);
    FUZZ_REQUIRE(broker_registry_open(reg, req, 0, token, &session, why,
                                      sizeof why) == 0);
    found = broker_registry_lookup(reg, req->uid, token, strlen(token), 0,
                                   &creds);
    if (broker_local_expiry(req->expiration, req->clock_offset) > 0) {
        FUZZ_REQUIRE(found == BROKER_LOOKUP_OK);
        FUZZ_REQUIRE(strcmp(creds.access_key_id, req->access_key_id) == 0);
    } else {
        FUZZ_REQUIRE(found == BROKER_LOOKUP_EXPIRED);
    }
    broker_creds_clear(&creds);
    token[0] = token[0] == 'a' ? 'b' : 'a';
    FUZZ_REQUIRE(broker_registry_lookup(reg, req->uid, token, strlen(token),
                                        0, &creds)
                 == BROKER_LOOKUP_DENIED);
    FUZZ_REQUIRE(broker_registry_close(reg, req->uid, session, 0) == 0);
    broker_registry_free(reg);
}

/* A restored user has no credentials until a refresh: no token gets
   any, and its saved sessions close. */
static void
check_restored(const struct broker_request *req)
{
    struct broker_config cfg = {.max_lifetime_s = 3600};
    struct broker_registry *reg = broker_registry_new(&cfg);
    struct broker_creds creds;
    char why[256];

    FUZZ_REQUIRE(reg != NULL);
    FUZZ_REQUIRE(broker_registry_restore(reg, req, why, sizeof why) == 0);
    FUZZ_REQUIRE(broker_registry_lookup(reg, req->uid, req->token_sha256,
                                        BROKER_TOKEN_CHARS, 0, &creds)
                 != BROKER_LOOKUP_OK);
    if (req->nsaved > 0)
        FUZZ_REQUIRE(broker_registry_close(reg, req->uid, req->saved[0], 0)
                     == 0);
    broker_registry_free(reg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct broker_request req;
    char why[256];

    if (broker_request_parse((const char *) data, size, &req, why,
                             sizeof why) != 0) {
        FUZZ_REQUIRE(req.result.count == 0);
        FUZZ_REQUIRE(memchr(why, '\0', sizeof why) != NULL);
        return 0;
    }
    FUZZ_REQUIRE(req.uid != (uid_t) -1);
    if (req.op == BROKER_OP_OPEN) {
        FUZZ_REQUIRE(pamaws_check_key_id(req.access_key_id) == NULL);
        FUZZ_REQUIRE(pamaws_check_base64(req.secret_access_key,
                                         BROKER_SECRET_MAX_BYTES) == NULL);
        FUZZ_REQUIRE(req.expiration > 0);
        FUZZ_REQUIRE(req.clock_offset >= -BROKER_MAX_OFFSET_S
                     && req.clock_offset <= BROKER_MAX_OFFSET_S);
        FUZZ_REQUIRE(req.argc <= BROKER_MAX_ARGS);
        for (size_t i = 0; i < req.argc; i++)
            FUZZ_REQUIRE(req.argv[i] != NULL);
        check_registry(&req);
    } else if (req.op == BROKER_OP_SAVED) {
        FUZZ_REQUIRE(req.nsaved <= BROKER_SAVED_SESSIONS);
        FUZZ_REQUIRE(strlen(req.token_sha256) == BROKER_TOKEN_CHARS);
        check_restored(&req);
    } else {
        FUZZ_REQUIRE(req.op == BROKER_OP_CLOSE);
    }
    broker_request_clear(&req);
    return 0;
}
