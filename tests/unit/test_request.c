/*
 * Unit tests of pam_awscred/request.c, the worker's request: every field
 * the module sets comes back from the worker's parser unchanged, for
 * each kind of request (user, system, the clock probe); the parser
 * refuses what the module never writes (unknown, repeated, empty,
 * overlong or malformed fields, fields of another kind, missing
 * required ones).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pam_awscred/request.h"

#define WORKER "/usr/libexec/awscred-worker"

static int
argv_count(char **argv)
{
    int n = 0;

    while (argv[n] != NULL)
        n++;
    return n;
}

static void
assert_same_string(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* Every member of struct pamaws_request. */
static void
assert_same_request(const struct pamaws_request *a,
                    const struct pamaws_request *b)
{
    assert_int_equal(a->system, b->system);
    assert_same_string(a->user, b->user);
    assert_int_equal(a->uid, b->uid);
    assert_int_equal(a->gid, b->gid);
    assert_same_string(a->home, b->home);
    assert_same_string(a->profile, b->profile);
    assert_same_string(a->region, b->region);
    assert_int_equal(a->timeout_ms, b->timeout_ms);
    assert_same_string(a->net_module, b->net_module);
    assert_same_string(a->proxy, b->proxy);
    assert_same_string(a->no_proxy, b->no_proxy);
    assert_same_string(a->session_name, b->session_name);
    assert_same_string(a->role_arn, b->role_arn);
    assert_same_string(a->source_identity, b->source_identity);
    assert_same_string(a->session_tags, b->session_tags);
    assert_same_string(a->transitive_tag_keys, b->transitive_tag_keys);
    assert_same_string(a->mfa_serial, b->mfa_serial);
    assert_int_equal(a->imds, b->imds);
    assert_int_equal(a->warn_unsafe_dirs, b->warn_unsafe_dirs);
    assert_int_equal(a->debug, b->debug);
    assert_int_equal(a->no_process, b->no_process);
    assert_int_equal(a->no_user_endpoints, b->no_user_endpoints);
    assert_int_equal(a->legacy_providers, b->legacy_providers);
    assert_int_equal(a->clock_only, b->clock_only);
    assert_same_string(a->clock.check, b->clock.check);
    assert_same_string(a->clock.url, b->clock.url);
    assert_same_string(a->clock.sntp_server, b->clock.sntp_server);
    assert_int_equal(a->clock.warn_s, b->clock.warn_s);
    assert_int_equal(a->clock.refuse_s, b->clock.refuse_s);
}

/* What every kind carries. */
static void
common_fields(struct pamaws_request *r)
{
    r->user = "alice";
    r->uid = 4294967295UL;
    r->gid = 0;
    r->home = "/home/alice";
    r->profile = "dev";
    r->region = "eu-west-1";
    r->timeout_ms = 4500;
    r->net_module = "/usr/lib/awscred/awscred-net.so";
    r->proxy = "http://127.0.0.1:3128";
    r->no_proxy = ".internal,localhost";
    r->clock.warn_s = 60;
    r->clock.refuse_s = 300;
}

/* Builds argv for req, parses it back into out, which must equal expect
   (NULL: req itself); returns argv's names (space-separated) in names. */
static void
round_trip(const struct pamaws_request *req,
           const struct pamaws_request *expect, struct pamaws_request *out,
           char *names, size_t size)
{
    char **argv = pamaws_request_argv(req, WORKER);
    char why[128] = "";
    int i;

    assert_non_null(argv);
    assert_string_equal(argv[0], WORKER);
    names[0] = '\0';
    /* no value in these requests starts with "--" */
    for (i = 1; argv[i] != NULL; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            strncat(names, argv[i], size - strlen(names) - 2);
            strcat(names, " ");
        }
    }
    assert_int_equal(pamaws_request_parse(argv_count(argv), argv, out, why,
                                          sizeof(why)),
                     0);
    assert_string_equal(why, "");
    assert_same_request(expect != NULL ? expect : req, out);
    pamaws_request_argv_free(argv);
}

/* A user-mode login with every switch of the admin's set. */
static void
test_user_request_round_trips(void **state)
{
    struct pamaws_request req, out;
    char names[1024];

    (void) state;
    memset(&req, 0, sizeof(req));
    common_fields(&req);
    req.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
    req.imds = req.warn_unsafe_dirs = req.debug = true;
    req.no_process = req.no_user_endpoints = req.legacy_providers = true;
    round_trip(&req, NULL, &out, names, sizeof(names));
    assert_string_equal(names,
                        "--mode --user --uid --gid --home --region"
                        " --timeout-ms --net-module --proxy --no-proxy"
                        " --profile --mfa-serial --clock-warn --clock-refuse"
                        " --imds --warn-unsafe-dirs --debug --no-process"
                        " --no-user-endpoints --legacy-providers ");
}

/* System mode: the attribution travels; the user-file switches do not
   (they are about the user's files, which system mode never reads). */
static void
test_system_request_round_trips(void **state)
{
    struct pamaws_request req, expect, out;
    char names[1024];

    (void) state;
    memset(&req, 0, sizeof(req));
    common_fields(&req);
    req.system = true;
    req.session_name = "alice";
    req.role_arn = "arn:aws:iam::123456789012:role/ops";
    req.source_identity = "alice";
    req.session_tags = "user=alice,team=ops";
    req.transitive_tag_keys = "user";
    req.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
    req.imds = req.legacy_providers = true;
    round_trip(&req, NULL, &out, names, sizeof(names));
    assert_string_equal(names,
                        "--mode --user --uid --gid --home --region"
                        " --timeout-ms --net-module --proxy --no-proxy"
                        " --profile --session-name --role-arn"
                        " --source-identity --session-tags"
                        " --transitive-tag-keys --mfa-serial --clock-warn"
                        " --clock-refuse --imds --legacy-providers ");

    expect = req;
    req.no_process = req.no_user_endpoints = true;
    round_trip(&req, &expect, &out, names, sizeof(names));
}

/* The clock probe carries what to probe, and nothing that resolves. */
static void
test_clock_request_round_trips(void **state)
{
    struct pamaws_request req, out;
    char names[1024];

    (void) state;
    memset(&req, 0, sizeof(req));
    common_fields(&req);
    req.system = true;
    req.clock_only = true;
    req.clock.check = "always";
    req.clock.url = "https://sts.eu-west-1.amazonaws.com/";
    req.clock.sntp_server = "169.254.169.123";
    round_trip(&req, NULL, &out, names, sizeof(names));
    assert_string_equal(names,
                        "--mode --user --uid --gid --home --region"
                        " --timeout-ms --net-module --proxy --no-proxy"
                        " --profile --clock-warn --clock-refuse"
                        " --clock-only --clock-check --clock-url"
                        " --sntp-server ");
}

/* Unset strings and false flags are not sent at all. */
static void
test_unset_fields_are_not_sent(void **state)
{
    struct pamaws_request req, expect, out;
    char names[1024];

    (void) state;
    memset(&req, 0, sizeof(req));
    req.user = "alice";
    req.home = "/home/alice";
    expect = req;
    req.profile = "";
    round_trip(&req, &expect, &out, names, sizeof(names));
    assert_string_equal(names, "--mode --user --uid --gid --home"
                               " --timeout-ms --clock-warn --clock-refuse ");
}

/* A value that does not fit is refused when building, not cut. */
static void
test_overlong_value_is_not_built(void **state)
{
    struct pamaws_request req;
    char *home = malloc(PAMAWS_REQUEST_VALUE_MAX + 2);

    (void) state;
    assert_non_null(home);
    memset(home, 'a', PAMAWS_REQUEST_VALUE_MAX + 1);
    home[0] = '/';
    home[PAMAWS_REQUEST_VALUE_MAX + 1] = '\0';
    memset(&req, 0, sizeof(req));
    req.user = "alice";
    req.home = home;
    assert_null(pamaws_request_argv(&req, WORKER));
    home[PAMAWS_REQUEST_VALUE_MAX] = '\0';
    char **argv = pamaws_request_argv(&req, WORKER);
    assert_non_null(argv);
    pamaws_request_argv_free(argv);
    free(home);
}

/* Parses "WORKER <base> <extra...>" and expects a refusal naming want. */
static void
assert_refused(const char *const *extra, size_t n, const char *want)
{
    const char *base[] = { WORKER, "--mode", "user", "--user", "alice",
                           "--uid", "1000", "--gid", "1000", "--home",
                           "/home/alice" };
    char *argv[32];
    struct pamaws_request out;
    char why[128] = "";
    size_t i, argc = 0;

    for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
        argv[argc++] = (char *) base[i];
    for (i = 0; i < n; i++)
        argv[argc++] = (char *) extra[i];
    argv[argc] = NULL;
    assert_int_equal(pamaws_request_parse((int) argc, argv, &out, why,
                                          sizeof(why)),
                     -1);
    assert_non_null(strstr(why, want));
    assert_null(out.user);  /* nothing half-parsed is left */
}

#define REFUSED(want, ...)                                               \
    do {                                                                 \
        const char *const extra_[] = { __VA_ARGS__ };                    \
        assert_refused(extra_, sizeof(extra_) / sizeof(extra_[0]), want); \
    } while (0)

static void
test_parser_refuses_what_the_module_never_writes(void **state)
{
    char *overlong = malloc(PAMAWS_REQUEST_VALUE_MAX + 2);

    (void) state;
    assert_non_null(overlong);
    memset(overlong, 'x', PAMAWS_REQUEST_VALUE_MAX + 1);
    overlong[PAMAWS_REQUEST_VALUE_MAX + 1] = '\0';
    REFUSED("unknown argument --nope", "--nope");
    REFUSED("unknown argument --profile=dev", "--profile=dev");
    REFUSED("repeated argument --profile", "--profile", "a", "--profile",
            "b");
    REFUSED("repeated argument --user", "--user", "root");
    REFUSED("repeated argument --imds", "--imds", "--imds");
    REFUSED("bad value for --profile", "--profile", overlong);
    REFUSED("bad value for --profile", "--profile", "");
    REFUSED("bad value for --profile", "--profile");
    REFUSED("repeated argument --uid", "--uid", "-1");
    REFUSED("bad value for --timeout-ms", "--timeout-ms", "-1");
    REFUSED("bad value for --timeout-ms", "--timeout-ms", "4294967296");
    REFUSED("bad value for --clock-warn", "--clock-warn", "1e3");
    REFUSED("bad value for --clock-refuse", "--clock-refuse", "-1");
    /* the clock probe's fields belong to the clock probe */
    REFUSED("--clock-url is not for this request", "--clock-url",
            "https://example.com/");
    REFUSED("bad value for --clock-check", "--clock-only", "--clock-check",
            "x");
    REFUSED("--imds is not for this request", "--clock-only", "--imds");
    REFUSED("--session-name is not for this request", "--session-name",
            "bob");
    free(overlong);
}

static void
test_parser_wants_who_and_where(void **state)
{
    char *no_home[] = { WORKER, "--mode", "system", "--user", "alice",
                        "--uid", "1", "--gid", "1", NULL };
    char *system_switch[] = { WORKER, "--mode", "system", "--user", "alice",
                              "--uid", "1", "--gid", "1", "--home",
                              "/nonexistent", "--no-process", NULL };
    char *bad_mode[] = { WORKER, "--mode", "root", NULL };
    struct pamaws_request out;
    char why[128];

    (void) state;
    assert_int_equal(pamaws_request_parse(9, no_home, &out, why, sizeof(why)),
                     -1);
    assert_string_equal(why, "--home is required");
    assert_int_equal(pamaws_request_parse(12, system_switch, &out, why,
                                          sizeof(why)),
                     -1);
    assert_string_equal(why, "--no-process is not for this request");
    assert_int_equal(pamaws_request_parse(3, bad_mode, &out, why,
                                          sizeof(why)),
                     -1);
    assert_string_equal(why, "bad value for --mode");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_request_round_trips),
        cmocka_unit_test(test_system_request_round_trips),
        cmocka_unit_test(test_clock_request_round_trips),
        cmocka_unit_test(test_unset_fields_are_not_sent),
        cmocka_unit_test(test_overlong_value_is_not_built),
        cmocka_unit_test(test_parser_refuses_what_the_module_never_writes),
        cmocka_unit_test(test_parser_wants_who_and_where),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
