/*
 * fuzz_worker_request.c: awscred-worker's reader of its request
 * (pam_awscred/request.c), which runs as the user on an argv the module
 * wrote. The input is argv itself: NUL-separated strings after argv[0].
 *
 * Properties checked beyond "no crash, no leak":
 *   - an accepted request has its user and home, and no string longer
 *     than PAMAWS_REQUEST_VALUE_MAX;
 *   - building the argv of an accepted request and parsing that again
 *     gives the same request (the writer and the reader agree).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fuzz.h"
#include "pam_awscred/request.h"

#define MAX_ARGV 96

static bool
same(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static bool
same_request(const struct pamaws_request *a, const struct pamaws_request *b)
{
    return a->system == b->system && same(a->user, b->user)
           && a->uid == b->uid && a->gid == b->gid && same(a->home, b->home)
           && same(a->profile, b->profile) && same(a->region, b->region)
           && a->timeout_ms == b->timeout_ms
           && same(a->net_module, b->net_module) && same(a->proxy, b->proxy)
           && same(a->no_proxy, b->no_proxy)
           && same(a->session_name, b->session_name)
           && same(a->role_arn, b->role_arn)
           && same(a->source_identity, b->source_identity)
           && same(a->session_tags, b->session_tags)
           && same(a->transitive_tag_keys, b->transitive_tag_keys)
           && same(a->mfa_serial, b->mfa_serial) && a->imds == b->imds
           && a->warn_unsafe_dirs == b->warn_unsafe_dirs
           && a->debug == b->debug && a->no_process == b->no_process
           && a->no_user_endpoints == b->no_user_endpoints
           && a->legacy_providers == b->legacy_providers
           && a->clock_only == b->clock_only
           && same(a->clock.check, b->clock.check)
           && same(a->clock.url, b->clock.url)
           && same(a->clock.sntp_server, b->clock.sntp_server)
           && a->clock.warn_s == b->clock.warn_s
           && a->clock.refuse_s == b->clock.refuse_s;
}

static void
check_round_trip(const struct pamaws_request *req)
{
    struct pamaws_request again;
    char why[128];
    char **argv = pamaws_request_argv(req, "awscred-worker");
    int argc = 0;

    FUZZ_REQUIRE(argv != NULL);
    while (argv[argc] != NULL)
        argc++;
    FUZZ_REQUIRE(pamaws_request_parse(argc, argv, &again, why, sizeof(why))
                 == 0);
    FUZZ_REQUIRE(same_request(req, &again));
    pamaws_request_argv_free(argv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size), *argv[MAX_ARGV + 1];
    struct pamaws_request req;
    char why[128];
    size_t at = 0;
    int argc = 0;

    argv[argc++] = "awscred-worker";
    while (at < size && argc < MAX_ARGV) {
        argv[argc++] = text + at;
        at += strlen(text + at) + 1;
    }
    argv[argc] = NULL;
    if (pamaws_request_parse(argc, argv, &req, why, sizeof(why)) != 0) {
        FUZZ_REQUIRE(req.user == NULL);
        FUZZ_REQUIRE(memchr(why, '\0', sizeof(why)) != NULL);
    } else {
        FUZZ_REQUIRE(req.user != NULL && req.home != NULL);
        FUZZ_REQUIRE(strlen(req.home) <= PAMAWS_REQUEST_VALUE_MAX);
        check_round_trip(&req);
    }
    free(text);
    return 0;
}
