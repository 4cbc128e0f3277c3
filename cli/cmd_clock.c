/*
 * cmd_clock.c: `awscred clock`, how far this host's clock is from AWS's.
 * Prints the offset, where it was measured, how sure the measurement is
 * and the kernel's synchronisation state; the exit status (0 fine, 1
 * beyond the warning threshold, 2 beyond the refusal threshold, 3 not
 * measured) lets monitoring run it. Never sets the clock.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "awscred-clock.h"
#include "cli.h"
#include "commands.h"
#include "common/number.h"

enum {
    OPT_JSON = OPT_FIRST_LOCAL,
    OPT_URL,
    OPT_SNTP,
    OPT_WARN,
    OPT_REFUSE,
    OPT_TIMEOUT,
};

struct clock_args {
    struct cli_globals g;
    bool json;
    const char *url;
    const char *sntp;
    unsigned warn_s;
    unsigned refuse_s;
    unsigned timeout_ms;
};

/* What was measured, for printing. */
struct clock_result {
    struct awscred_clock_reading reading;
    struct awscred_clock_kernel kernel;
    enum awscred_clock_verdict verdict;
    char error[1100];  /* why nothing was measured, or "" */
};

static void
clock_help(void)
{
    printf("Usage: awscred clock [--json] [--url URL] [--sntp HOST[:PORT]]\n"
           "                     [--warn SECONDS] [--refuse SECONDS] "
           "[--timeout MS]\n"
           "                     [--profile NAME] [--region REGION]\n"
           "Measures the local clock against AWS (the STS endpoint of the "
           "region,\nor URL's Date header, or an SNTP server). Exit status: "
           "0 fine, 1 beyond\nthe warning threshold (default %d s), 2 beyond "
           "the refusal threshold\n(default %d s), 3 could not measure.\n",
           AWSCRED_CLOCK_WARN_DEFAULT_S, AWSCRED_CLOCK_REFUSE_DEFAULT_S);
}

static bool
parse_unsigned(const char *s, unsigned max, unsigned *out)
{
    uint64_t v;

    if (!number_parse(s, max, &v))
        return false;
    *out = (unsigned) v;
    return true;
}

static int
parse_clock_args(int argc, char **argv, struct clock_args *a)
{
    static const struct option options[] = {
        CLI_GLOBAL_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"url", required_argument, NULL, OPT_URL},
        {"sntp", required_argument, NULL, OPT_SNTP},
        {"warn", required_argument, NULL, OPT_WARN},
        {"refuse", required_argument, NULL, OPT_REFUSE},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {NULL, 0, NULL, 0},
    };
    int opt;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        bool ok = true;

        if (opt == OPT_HELP) {
            clock_help();
            return 0;
        } else if (opt == OPT_JSON) {
            a->json = true;
        } else if (opt == OPT_URL) {
            a->url = optarg;
        } else if (opt == OPT_SNTP) {
            a->sntp = optarg;
        } else if (opt == OPT_WARN) {
            ok = parse_unsigned(optarg, INT_MAX / 1000, &a->warn_s);
        } else if (opt == OPT_REFUSE) {
            ok = parse_unsigned(optarg, INT_MAX / 1000, &a->refuse_s);
        } else if (opt == OPT_TIMEOUT) {
            ok = parse_unsigned(optarg, 600000, &a->timeout_ms);
        } else {
            ok = cli_global_option(&a->g, opt, optarg);
        }
        if (!ok)
            return cli_usage_error("clock", "unknown or invalid option '%s'",
                                   argv[optind - 1]);
    }
    if (optind < argc)
        return cli_usage_error("clock", "unexpected argument '%s'",
                               argv[optind]);
    if (a->refuse_s < a->warn_s)
        return cli_usage_error("clock", "--refuse %u is below --warn %u",
                               a->refuse_s, a->warn_s);
    return -1;
}

/* The library takes numeric addresses only (its lookups must be
   bounded); this process may resolve a name first. */
static bool
numeric_sntp_server(const char *arg, char *buf, size_t size)
{
    struct addrinfo hints, *ai = NULL;
    char host[256], addr[INET6_ADDRSTRLEN];
    const char *colon = strrchr(arg, ':');
    const char *port = "";

    if (arg[0] == '[' || (colon != NULL && strchr(arg, ':') != colon)) {
        snprintf(buf, size, "%s", arg);  /* IPv6: numeric already */
        return true;
    }
    snprintf(host, sizeof(host), "%.*s",
             (int) (colon ? (size_t) (colon - arg) : strlen(arg)), arg);
    if (colon != NULL)
        port = colon;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(host, NULL, &hints, &ai) != 0)
        return false;
    if (ai->ai_family == AF_INET6)
        snprintf(buf, size, "[%s]%s",
                 inet_ntop(AF_INET6,
                           &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr,
                           addr, sizeof(addr)),
                 port);
    else
        snprintf(buf, size, "%s%s",
                 inet_ntop(AF_INET,
                           &((struct sockaddr_in *) ai->ai_addr)->sin_addr,
                           addr, sizeof(addr)),
                 port);
    freeaddrinfo(ai);
    return true;
}

/* The STS endpoint the profile's credential calls would use (endpoint
   overrides, [services], the region), as the AWS CLI resolves it; the
   global endpoint when the configuration cannot say. */
static void
default_probe_url(struct awscred_context *ctx, const struct clock_args *a,
                  char *buf, size_t size)
{
    struct awscred_request req;
    struct awscred_error err;
    char *url = NULL;

    cli_request(&a->g, &req);
    if (awscred_clock_endpoint(ctx, &req, &url, &err) == AWSCRED_OK)
        snprintf(buf, size, "%s", url);
    else
        awscred_clock_sts_url(a->g.region, buf, size);
    free(url);
}

static void
measure(struct awscred_context *ctx, const struct clock_args *a,
        struct clock_result *res)
{
    struct awscred_clock_reading r;
    struct awscred_error err;
    char url[512], server[300];
    bool sntp_only = a->sntp != NULL && a->url == NULL;

    if (a->sntp != NULL) {
        if (!numeric_sntp_server(a->sntp, server, sizeof(server)))
            snprintf(res->error, sizeof(res->error),
                     "cannot resolve SNTP server %s", a->sntp);
        else if (awscred_clock_sntp(ctx, server, a->timeout_ms, &r, &err)
                 != AWSCRED_OK)
            snprintf(res->error, sizeof(res->error), "%s", err.message);
    }
    if (!sntp_only) {
        if (a->url == NULL)
            default_probe_url(ctx, a, url, sizeof(url));
        if (awscred_clock_probe(ctx, a->url ? a->url : url, &r, &err)
            != AWSCRED_OK)
            snprintf(res->error, sizeof(res->error), "%s", err.message);
    }
    /* the context keeps the most precise of the readings */
    awscred_context_clock_reading(ctx, &res->reading);
    if (res->reading.valid)
        res->error[0] = '\0';
    awscred_clock_kernel(ctx, &res->kernel);
    res->verdict = awscred_clock_judge(&res->reading, a->warn_s, a->refuse_s);
}

static const char *
verdict_name(enum awscred_clock_verdict v)
{
    switch (v) {
    case AWSCRED_CLOCK_FINE:
        return "fine";
    case AWSCRED_CLOCK_WARN:
        return "warn";
    case AWSCRED_CLOCK_REFUSE:
        return "refuse";
    default:
        return "unknown";
    }
}

/* A JSON string: the escapes JSON requires, nothing else. */
static void
print_json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void
print_json(const struct clock_args *a, const struct clock_result *res)
{
    const struct awscred_clock_kernel *k = &res->kernel;

    printf("{\n  \"measured\": %s,\n", res->reading.valid ? "true" : "false");
    if (res->reading.valid) {
        printf("  \"offset_ms\": %lld,\n  \"uncertainty_ms\": %lld,\n"
               "  \"source\": ",
               (long long) res->reading.offset_ms,
               (long long) res->reading.uncertainty_ms);
        print_json_string(res->reading.source);
        printf(",\n  \"authenticated\": %s,\n",
               res->reading.authenticated ? "true" : "false");
    } else {
        printf("  \"error\": ");
        print_json_string(res->error);
        printf(",\n");
    }
    if (k->valid)
        printf("  \"kernel\": {\"synchronised\": %s, \"state\": %d, "
               "\"maxerror_us\": %lld, \"esterror_us\": %lld},\n",
               k->synchronised ? "true" : "false", k->state,
               (long long) k->maxerror_us, (long long) k->esterror_us);
    else
        printf("  \"kernel\": null,\n");
    printf("  \"warn_s\": %u,\n  \"refuse_s\": %u,\n  \"verdict\": \"%s\"\n}\n",
           a->warn_s, a->refuse_s, verdict_name(res->verdict));
}

static void
print_text(const struct clock_args *a, const struct clock_result *res)
{
    const struct awscred_clock_kernel *k = &res->kernel;
    const struct awscred_clock_reading *r = &res->reading;
    char words[128];

    if (r->valid) {
        printf("System clock is %s\n",
               awscred_clock_describe(r, words, sizeof(words)));
        printf("  offset       %+.3f s (server - local)\n"
               "  uncertainty  %.3f s\n  source       %s\n",
               (double) r->offset_ms / 1000, (double) r->uncertainty_ms / 1000,
               r->source);
    } else {
        printf("System clock could not be measured: %s\n", res->error);
    }
    if (k->valid)
        printf("  kernel       %s, max error %.3f s, estimated error %.3f s\n",
               k->synchronised ? "synchronised" : "NOT synchronised",
               (double) k->maxerror_us / 1e6, (double) k->esterror_us / 1e6);
    else
        printf("  kernel       state unavailable\n");
    if (res->verdict == AWSCRED_CLOCK_REFUSE)
        printf("  verdict      beyond %u s: AWS will reject signed requests; "
               "check time synchronisation\n", a->refuse_s);
    else if (res->verdict == AWSCRED_CLOCK_WARN)
        printf("  verdict      beyond the warning threshold of %u s\n",
               a->warn_s);
    else if (res->verdict == AWSCRED_CLOCK_FINE)
        printf("  verdict      fine (within %u s)\n", a->warn_s);
    else
        printf("  verdict      unknown: not measured\n");
}

int
cmd_clock(int argc, char **argv)
{
    struct clock_args a = {
        .warn_s = AWSCRED_CLOCK_WARN_DEFAULT_S,
        .refuse_s = AWSCRED_CLOCK_REFUSE_DEFAULT_S,
        .timeout_ms = 5000,
    };
    struct awscred_limits limits = {0};
    struct clock_result res;
    struct awscred_context *ctx;
    int status = parse_clock_args(argc, argv, &a);

    if (status >= 0)
        return status;
    ctx = cli_context_new(&a.g);
    if (ctx == NULL)
        return EXIT_GENERAL_ERROR;
    limits.total_timeout_ms = a.timeout_ms;
    awscred_context_set_limits(ctx, &limits);
    memset(&res, 0, sizeof(res));
    measure(ctx, &a, &res);
    if (a.json)
        print_json(&a, &res);
    else
        print_text(&a, &res);
    awscred_context_free(ctx);
    return (int) res.verdict;
}
