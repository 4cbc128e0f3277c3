/*
 * fuzz_pam_options.c: the PAM module's option parser (pam_awscred/
 * options.c): module arguments and its INI file with [group NAME] and
 * [user NAME] sections. The input up to its first NUL byte is the INI
 * file (written to a private temp directory and named by a leading
 * conf= argument); the rest, split at newlines, are the module arguments.
 *
 * Properties checked beyond "no crash, no leak":
 *   - every log message is a NUL-terminated line without newlines;
 *   - the resulting configuration stays within its documented ranges.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <syslog.h>

#include "fuzz.h"
#include "pam_awscred/clock_policy.h"
#include "pam_awscred/internal.h"

#define MAX_ARGS 64

static void
check_log(void *arg, int priority, const char *message)
{
    FUZZ_REQUIRE(strlen(message) < 1024);
    FUZZ_REQUIRE(strchr(message, '\n') == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t conf_len = nul != NULL ? (size_t) (nul - data) : size;
    char conf_path[4200], *conf_arg, *args_text, *save = NULL;
    const char *argv[MAX_ARGS + 1];
    int argc = 0;
    struct pamaws_args args;
    gid_t groups[] = {0};

    fuzz_write_file("pam_awscred.conf", data, conf_len, conf_path,
                    sizeof conf_path);
    if (asprintf(&conf_arg, "conf=%s", conf_path) < 0)
        abort();
    argv[argc++] = conf_arg;
    args_text = nul != NULL ? fuzz_cstring(nul + 1, size - conf_len - 1)
                            : fuzz_cstring(data, 0);
    for (char *a = strtok_r(args_text, "\n", &save);
         a != NULL && argc < MAX_ARGS; a = strtok_r(NULL, "\n", &save))
        argv[argc++] = a;
    argv[argc] = NULL;

    memset(&args, 0, sizeof args);
    args.log = check_log;
    if (pamaws_options_load(&args, argc, argv, "root", groups, 1) == 0) {
        FUZZ_REQUIRE(args.config.mode == PAMAWS_MODE_USER
                     || args.config.mode == PAMAWS_MODE_SYSTEM);
        FUZZ_REQUIRE(args.config.timeout >= 0
                     && args.config.timeout <= PAMAWS_MAX_TIMEOUT_MS);
        FUZZ_REQUIRE(args.config.clock_warn >= 1
                     && args.config.clock_warn <= PAMAWS_CLOCK_MAX_S);
        FUZZ_REQUIRE(args.config.clock_refuse >= 1
                     && args.config.clock_refuse <= PAMAWS_CLOCK_MAX_S);
        FUZZ_REQUIRE(args.config.clock_check == NULL
                     || pamaws_clock_check_valid(args.config.clock_check));
    }
    pamaws_config_free(&args.config);
    free(args_text);
    free(conf_arg);
    return 0;
}
