/*
 * cmd_export.c: `awscred export`, byte for byte the output of
 * `aws configure export-credentials` (reference section 9): the same
 * formats, key order, omitted lines, error text and exit statuses.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "pam_awscred/internal.h"

/* One line per variable, as the CLI's BasePerLineFormatter subclasses. */
struct line_format {
    const char *name;
    const char *before;  /* text before the variable name */
    const char *between; /* between name and value */
    const char *after;   /* after the value, before the newline */
};

/* In the CLI's order; "process" is JSON and handled apart. */
static const struct line_format line_formats[] = {
    {"env", "export ", "=", ""},
    {"env-no-export", "", "=", ""},
    {"powershell", "$Env:", "=\"", "\""},
    {"windows-cmd", "set ", "=", ""},
    {"fish", "set -gx ", " \"", "\""},
};

/*
 * datetime.isoformat() of the expiration as the provider wrote it, which
 * is what the CLI prints: the wall time in its own offset, microseconds
 * when there are any ("2099-01-01T05:30:00.500000+05:30").
 */
static void
format_expiration(const struct awscred_credentials *c, char *buf,
                  size_t size)
{
    time_t secs = (time_t) (c->expiration + c->expiration_offset);
    int offset = c->expiration_offset < 0 ? -c->expiration_offset
                                          : c->expiration_offset;
    char fraction[16] = "";
    struct tm tm;

    gmtime_r(&secs, &tm);
    if (c->expiration_usec != 0)
        snprintf(fraction, sizeof(fraction), ".%06d",
                 (int) c->expiration_usec);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02d:%02d",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, fraction,
             c->expiration_offset < 0 ? '-' : '+', offset / 3600,
             offset / 60 % 60);
}

static void
print_line(const struct line_format *f, const char *name, const char *value)
{
    printf("%s%s%s%s%s\n", f->before, name, f->between, value, f->after);
}

/*
 * The characters none of the line formats' shells treats specially, bare
 * (sh) or inside double quotes (fish, PowerShell), nor cmd.exe's "set".
 * They hold the documented alphabets of key ids ([A-Z0-9]) and of secrets
 * and tokens (base64), so every real value prints as the AWS CLI prints
 * it; lower case is kept for the key ids of S3-compatible services.
 */
static const char shell_safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz0123456789+/=";

/*
 * The first variable whose value a shell would interpret (a plain-http
 * endpoint serving "ASIA$(id)"), or NULL. Such a value is refused rather
 * than quoted: no real credential needs it, and cmd.exe has no quoting
 * that survives every value.
 */
static const char *
unsafe_for_shell(const struct awscred_credentials *c)
{
    const char *const names[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    };
    const char *const values[] = {
        c->access_key_id, c->secret_access_key, c->session_token,
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (values[i] != NULL && values[i][strspn(values[i], shell_safe)])
            return names[i];
    return NULL;
}

static void
print_lines(const struct line_format *f, const struct awscred_credentials *c,
            const char *expiration)
{
    print_line(f, "AWS_ACCESS_KEY_ID", c->access_key_id);
    print_line(f, "AWS_SECRET_ACCESS_KEY", c->secret_access_key);
    if (c->session_token != NULL)
        print_line(f, "AWS_SESSION_TOKEN", c->session_token);
    if (expiration != NULL)
        print_line(f, "AWS_CREDENTIAL_EXPIRATION", expiration);
}

/* A JSON string as Python's json.dumps writes it (ensure_ascii=True:
   everything outside ' '..'~' is escaped). */
static void
print_json_string(const char *value)
{
    const unsigned char *s = (const unsigned char *) value;
    unsigned long cp;
    size_t len;

    putchar('"');
    while (*s != '\0') {
        /* A run that needs no escape in one call: secrets are long, and a
           call per character was 2.5 % of an export's instructions. */
        len = 0;
        while (s[len] >= ' ' && s[len] < 0x7f && s[len] != '"'
               && s[len] != '\\')
            len++;
        if (len > 0) {
            fwrite(s, 1, len, stdout);
            s += len;
            continue;
        }
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", stdout);
        else if (*s == '\r')
            fputs("\\r", stdout);
        else if (*s == '\t')
            fputs("\\t", stdout);
        else if (*s == '\b')
            fputs("\\b", stdout);
        else if (*s == '\f')
            fputs("\\f", stdout);
        else if (*s < 0x20 || *s == 0x7f)
            printf("\\u%04x", *s);
        else if (*s < 0x80)
            putchar(*s);
        else if ((len = pamaws_utf8_decode(s, &cp)) != 0) {
            if (cp >= 0x10000)
                printf("\\u%04lx\\u%04lx", 0xd800 + ((cp - 0x10000) >> 10),
                       0xdc00 + ((cp - 0x10000) & 0x3ff));
            else
                printf("\\u%04lx", cp);
            s += len;
            continue;
        } else
            printf("\\u%04x", *s);
        s++;
    }
    putchar('"');
}

static void
print_json_member(const char *name, const char *value, bool last)
{
    fputs("  \"", stdout);
    fputs(name, stdout);
    fputs("\": ", stdout);
    print_json_string(value);
    fputs(last ? "\n" : ",\n", stdout);
}

/* json.dumps(indent=2, separators=(',', ': ')) + "\n". */
static void
print_process(const struct awscred_credentials *c, const char *expiration)
{
    bool has_token = c->session_token != NULL;

    fputs("{\n  \"Version\": 1,\n", stdout);
    print_json_member("AccessKeyId", c->access_key_id, false);
    print_json_member("SecretAccessKey", c->secret_access_key,
                      !has_token && expiration == NULL);
    if (has_token)
        print_json_member("SessionToken", c->session_token,
                          expiration == NULL);
    if (expiration != NULL)
        print_json_member("Expiration", expiration, true);
    fputs("}\n", stdout);
}

static const struct line_format *
find_line_format(const char *name)
{
    for (size_t i = 0; i < sizeof(line_formats) / sizeof(line_formats[0]); i++)
        if (strcmp(line_formats[i].name, name) == 0)
            return &line_formats[i];
    return NULL;
}

/* Prints the credentials in the format arg names; returns the exit
   status. */
static int
print_credentials(void *arg, const struct awscred_credentials *c)
{
    const char *format = arg;
    char expiration[80];
    const char *exp = NULL, *unsafe;

    if (c->expiration != 0) {
        format_expiration(c, expiration, sizeof(expiration));
        exp = expiration;
    }
    if (strcmp(format, "process") == 0)
        print_process(c, exp);
    else if ((unsafe = unsafe_for_shell(c)) != NULL) {
        fprintf(stderr, "\nawscred export: the value of %s holds characters"
                " outside [A-Za-z0-9+/=]; refusing to print it for a shell"
                " (--format %s)\n", unsafe, format);
        return EXIT_GENERAL_ERROR;
    } else
        print_lines(find_line_format(format), c, exp);
    return fflush(stdout) == 0 ? 0 : EXIT_GENERAL_ERROR;
}

static void
export_help(void)
{
    printf("Usage: awscred export [--profile NAME] [--region REGION] "
           "[--format FORMAT]\n"
           "FORMAT: process (default), env, env-no-export, powershell, "
           "windows-cmd, fish\n");
}

int
cmd_export(int argc, char **argv)
{
    enum { OPT_FORMAT = OPT_FIRST_LOCAL };
    static const struct option options[] = {
        CLI_GLOBAL_OPTIONS,
        {"format", required_argument, NULL, OPT_FORMAT},
        {NULL, 0, NULL, 0},
    };
    struct cli_globals g = {0};
    const char *format = "process";
    int opt;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == OPT_HELP) {
            export_help();
            return 0;
        }
        if (opt == OPT_FORMAT)
            format = optarg;
        else if (!cli_global_option(&g, opt, optarg))
            return cli_usage_error("export", "unknown or incomplete option "
                                   "'%s'", argv[optind - 1]);
    }
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'",
                               argv[optind]);
    if (strcmp(format, "process") != 0 && find_line_format(format) == NULL)
        return cli_usage_error("export", "argument --format: Invalid choice "
                               "'%s'", format);
    return cli_with_credentials(&g, true, print_credentials, (void *) format);
}
