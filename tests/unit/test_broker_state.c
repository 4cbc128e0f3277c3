/*
 * test_broker_state.c: the records a restarted awscredd reloads
 * (awscredd/state.c) with the registry they fill (awscredd/registry.c):
 * a login's record read back by a new registry recognises the token by
 * its hash and resolves again at the first request; its sessions close;
 * records that are not root's alone, name another uid, are links or too
 * large are ignored with a reason; a forgotten user's record is removed.
 * Records must be root's: as another user the tests skip.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "awscredd/broker.h"

struct fixture {
    char dir[64];
    struct broker_config cfg;
    char ignored[4][128];       /* "name: why" of each ignored record */
    size_t nignored;
    struct broker_record refreshed;     /* what a refresh was asked for */
    bool refreshed_mfa;                 /* and with an MFA session */
};

static struct fixture *current;

static void
on_ignored(const char *name, const char *why)
{
    if (current->nignored < 4)
        snprintf(current->ignored[current->nignored++],
                 sizeof(current->ignored[0]), "%s: %s", name, why);
}

static void
on_refresh(struct broker_registry *reg, struct broker_record *rec,
           struct broker_creds *mfa_session)
{
    (void) reg;
    broker_record_clear(&current->refreshed);
    current->refreshed = *rec;
    memset(rec, 0, sizeof(*rec));
    current->refreshed_mfa = mfa_session->access_key_id != NULL;
    broker_creds_clear(mfa_session);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/broker-state.XXXXXX");
    if (mkdtemp(f->dir) == NULL || chmod(f->dir, 0700) < 0)
        return -1;
    f->cfg.state_dir = f->dir;
    f->cfg.refresh_before_s = 1200;
    f->cfg.max_lifetime_s = 12 * 3600;
    current = f;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    broker_record_clear(&f->refreshed);
    free(f);
    return 0;
}

static void
skip_unless_root(void)
{
    if (geteuid() != 0)
        skip();
}

/* A login of alice (uid 1000) with the module's options; with mfa, an
   MFA login whose role credentials expire at 2500 and its role
   session at 9000. */
static void
open_alice_as(struct broker_registry *reg, char *token, uint64_t *session,
              bool mfa)
{
    static const char *argv[] = {"profile=dev", "mode=user", "mfa"};
    struct broker_request req = {
        .uid = 1000, .user = "alice", .mode = "user", .profile = "dev",
        .files = "", .service = "sshd", .rhost = "192.0.2.7", .tty = "ssh",
        .access_key_id = "ASIASTATETEST0000001",
        .secret_access_key = "stateSecret/abcdefghijklmnopqrstuvwx+0",
        .session_token = "stateToken+/==", .account_id = "",
        .region = "", .expiration = 4000000000, .argc = 2,
    };
    char why[256];

    memcpy(req.argv, argv, sizeof(argv));
    if (mfa) {
        req.argc = 3;
        req.expiration = 2500;
        req.mfa_session.access_key_id = "ASIAMFASESSION000001";
        req.mfa_session.secret_access_key = "mfaSessionSecret/abcdefghijk+0";
        req.mfa_session.session_token = "mfaSessionToken+/==";
        req.mfa_session.expiration = 9000;
    }
    assert_int_equal(broker_registry_open(reg, &req, 1000, token, session,
                                          why, sizeof(why)),
                     0);
}

static void
open_alice(struct broker_registry *reg, char *token, uint64_t *session)
{
    open_alice_as(reg, token, session, false);
}

static void
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char path[128];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
}

static char *
read_record(const char *dir, const char *name)
{
    static char text[8192];
    char path[128];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    return text;
}

/* The record survives the registry: the same token is recognised by its
   hash, another is not, and the first request resolves again with the
   login's options; the restored session closes and new ids follow it. */
static void
test_restart_recognises_the_token(void **state)
{
    struct fixture *f = *state;
    char token[BROKER_TOKEN_CHARS + 1], again[BROKER_TOKEN_CHARS + 1];
    char wrong[BROKER_TOKEN_CHARS + 1];
    struct broker_registry *reg;
    struct broker_creds creds;
    uint64_t session, second;
    char *text;

    skip_unless_root();
    reg = broker_registry_new(&f->cfg);
    assert_non_null(reg);
    open_alice(reg, token, &session);
    broker_registry_free(reg);      /* the broker killed */

    text = read_record(f->dir, "1000");
    assert_non_null(text);
    assert_null(strstr(text, token));
    assert_null(strstr(text, "stateSecret"));
    assert_null(strstr(text, "stateToken"));

    reg = broker_registry_new(&f->cfg);
    assert_non_null(reg);
    broker_registry_set_refresh(reg, on_refresh);
    assert_int_equal(broker_state_load(f->dir, reg, on_ignored), 1);
    assert_int_equal(f->nignored, 0);

    memcpy(wrong, token, sizeof(wrong));
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    assert_int_equal(broker_registry_lookup(reg, 1000, wrong,
                                            BROKER_TOKEN_CHARS, 2000, &creds),
                     BROKER_LOOKUP_DENIED);
    assert_null(f->refreshed.user);
    assert_int_equal(broker_registry_lookup(reg, 1000, token,
                                            BROKER_TOKEN_CHARS, 2000, &creds),
                     BROKER_LOOKUP_EXPIRED);
    assert_string_equal(f->refreshed.user, "alice");
    assert_int_equal(f->refreshed.uid, 1000);
    assert_int_equal(f->refreshed.argc, 2);
    assert_string_equal(f->refreshed.argv[0], "profile=dev");

    /* A login after the restart: a new token, and a new session id. */
    open_alice(reg, again, &second);
    assert_true(second > session);
    assert_string_not_equal(again, token);
    assert_int_equal(broker_registry_close(reg, 1000, session, 2000), 0);
    assert_int_equal(broker_registry_close(reg, 1000, second, 2000), 0);
    /* retain_after_close=0: forgotten, and its record removed. */
    assert_null(read_record(f->dir, "1000"));
    broker_registry_free(reg);
}

/* An MFA login's role session goes to its refresh (awscredd/mfa.c) but
   never into the record: after a restart the refresh has none, so the
   MFA session ended with the broker. */
static void
test_mfa_session_not_saved(void **state)
{
    struct fixture *f = *state;
    char token[BROKER_TOKEN_CHARS + 1], *text;
    struct broker_registry *reg;
    struct broker_creds creds;
    uint64_t session;

    skip_unless_root();
    reg = broker_registry_new(&f->cfg);
    assert_non_null(reg);
    broker_registry_set_refresh(reg, on_refresh);
    open_alice_as(reg, token, &session, true);
    assert_int_equal(broker_registry_lookup(reg, 1000, token,
                                            BROKER_TOKEN_CHARS, 2000, &creds),
                     BROKER_LOOKUP_OK);
    broker_creds_clear(&creds);
    assert_string_equal(f->refreshed.user, "alice");
    assert_true(f->refreshed_mfa);
    broker_registry_free(reg);

    text = read_record(f->dir, "1000");
    assert_non_null(text);
    assert_null(strstr(text, "ASIAMFASESSION"));
    assert_null(strstr(text, "mfaSession"));
    assert_non_null(strstr(text, "arg.2=mfa"));

    reg = broker_registry_new(&f->cfg);
    assert_non_null(reg);
    broker_registry_set_refresh(reg, on_refresh);
    assert_int_equal(broker_state_load(f->dir, reg, on_ignored), 1);
    broker_record_clear(&f->refreshed);
    assert_int_equal(broker_registry_lookup(reg, 1000, token,
                                            BROKER_TOKEN_CHARS, 2000, &creds),
                     BROKER_LOOKUP_EXPIRED);
    assert_string_equal(f->refreshed.user, "alice");
    assert_false(f->refreshed_mfa);
    broker_registry_free(reg);
}

/* Records root did not write alone are ignored with a reason. */
static void
test_foreign_records_ignored(void **state)
{
    struct fixture *f = *state;
    char token[BROKER_TOKEN_CHARS + 1], path[128], *text, *big;
    struct broker_registry *reg;
    uint64_t session;
    size_t i;

    skip_unless_root();
    reg = broker_registry_new(&f->cfg);
    open_alice(reg, token, &session);
    broker_registry_free(reg);
    text = read_record(f->dir, "1000");
    assert_non_null(text);
    text = strdup(text);
    assert_non_null(text);
    assert_int_equal(unlink(strcat(strcpy(path, f->dir), "/1000")), 0);

    write_file(f->dir, "1001", text, 0600);          /* says uid 1000 */
    write_file(f->dir, "1002", text, 0640);          /* group-readable */
    snprintf(path, sizeof(path), "%s/1003", f->dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    big = malloc(PAMAWS_RESULT_MAX_BYTES + 200);
    for (i = 0; i < PAMAWS_RESULT_MAX_BYTES + 199; i++)
        big[i] = 'x';
    big[i] = '\0';
    write_file(f->dir, "1004", big, 0600);
    free(big);
    free(text);

    reg = broker_registry_new(&f->cfg);
    assert_int_equal(broker_state_load(f->dir, reg, on_ignored), 0);
    assert_int_equal(f->nignored, 4);
    for (i = 0; i < f->nignored; i++) {
        const char *line = f->ignored[i];

        if (strncmp(line, "1001:", 5) == 0)
            assert_non_null(strstr(line, "not a saved session of uid 1001"));
        else if (strncmp(line, "1002:", 5) == 0)
            assert_non_null(strstr(line, "mode 0600"));
        else if (strncmp(line, "1004:", 5) == 0)
            assert_non_null(strstr(line, "over"));
        else
            assert_int_equal(strncmp(line, "1003:", 5), 0);
    }
    broker_registry_free(reg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_restart_recognises_the_token,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_mfa_session_not_saved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_foreign_records_ignored, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
