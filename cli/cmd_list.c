/*
 * cmd_list.c: `awscred list`, the table of `aws configure list`: the
 * profile, the access and secret keys (masked) with the provider that
 * found them, and the region, each with where it came from.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define NOT_SET "<not set>"

/*
 * Python's str counts characters, not bytes: "%24s" pads and [-4:] slices
 * by code points. A UTF-8 continuation byte starts no character.
 */
static size_t
text_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char) *s & 0xc0) != 0x80;
    return n;
}

/* The last n characters of s. */
static const char *
text_tail(const char *s, size_t n)
{
    const char *p = s + strlen(s);

    while (p > s && n > 0) {
        p--;
        n -= ((unsigned char) *p & 0xc0) != 0x80;
    }
    return p;
}

/* One right-aligned cell of width characters ('%<width>s'). */
static void
print_cell(const char *text, size_t width)
{
    for (size_t n = text_chars(text); n < width; n++)
        putchar(' ');
    fputs(text, stdout);
}

/* '%10s %24s %16s    %s\n' with Python's None for missing cells. */
static void
print_row(const char *name, const char *value, const char *type,
          const char *location)
{
    print_cell(name, 10);
    putchar(' ');
    print_cell(value != NULL ? value : NOT_SET, 24);
    putchar(' ');
    print_cell(type != NULL ? type : "None", 16);
    printf("    %s\n", location != NULL ? location : "None");
}

static void
print_setting(const char *name, const struct awscred_setting *s)
{
    if (s->value == NULL)
        print_row(name, NULL, NULL, NULL);
    else
        print_row(name, s->value, s->type, s->location);
}

/* '*' * 16 + the last four characters (ConfigValue.mask_value). */
static void
print_key_row(const char *name, const char *key, const char *method)
{
    char masked[40];

    snprintf(masked, sizeof(masked), "****************%s",
             text_tail(key, 4));
    print_row(name, masked, method, "");
}

static void
list_help(void)
{
    printf("Usage: awscred list [--profile NAME] [--region REGION]\n");
}

/* Errors escape `aws configure list` unwrapped, with exit status 255. */
static int
report_failure(const struct awscred_error *err)
{
    fflush(stdout);
    cli_report_unwrapped(err);
    return EXIT_GENERAL_ERROR;
}

static int
list_settings(struct awscred_context *ctx, const struct awscred_request *req)
{
    struct awscred_settings settings;
    struct awscred_credentials *creds = NULL;
    struct awscred_error err;
    enum awscred_status described, resolved;
    int status = 0;

    described = awscred_describe(ctx, req, &settings, &err);
    if (described == AWSCRED_ERR_CONFIG_PARSE
        || described == AWSCRED_ERR_FILE) {
        status = report_failure(&err);
        goto done;
    }
    print_row("Name", "Value", "Type", "Location");
    print_row("----", "-----", "----", "--------");
    print_setting("profile", &settings.profile);
    if (described != AWSCRED_OK) {
        status = report_failure(&err);
        goto done;
    }
    resolved = awscred_resolve(ctx, req, &creds, &err);
    if (resolved == AWSCRED_OK) {
        print_key_row("access_key", creds->access_key_id, creds->method);
        print_key_row("secret_key", creds->secret_access_key, creds->method);
    } else if (resolved == AWSCRED_ERR_NO_CREDENTIALS) {
        print_row("access_key", NULL, NULL, NULL);
        print_row("secret_key", NULL, NULL, NULL);
    } else {
        status = report_failure(&err);
        goto done;
    }
    print_setting("region", &settings.region);

done:
    awscred_credentials_free(creds);
    awscred_settings_clear(&settings);
    return status;
}

int
cmd_list(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_GLOBAL_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct cli_globals g = {0};
    struct awscred_request req;
    struct awscred_context *ctx;
    int opt, status;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == OPT_HELP) {
            list_help();
            return 0;
        }
        if (!cli_global_option(&g, opt, optarg))
            return cli_usage_error("list", "unknown or incomplete option "
                                   "'%s'", argv[optind - 1]);
    }
    if (optind < argc)
        return cli_usage_error("list", "unexpected argument '%s'",
                               argv[optind]);
    ctx = cli_context_new(&g);
    if (ctx == NULL)
        return EXIT_GENERAL_ERROR;
    cli_request(&g, &req);
    status = list_settings(ctx, &req);
    awscred_context_free(ctx);
    return status;
}
