/*
 * script-t.c: runs each scenario file of tests/pam/scripts/ as one test of
 * pam_awscred.so through the real libpam under pam_wrapper (run by
 * scripts.sh), in the world of harness.h. What needs code (host signal
 * handling, threads, rlimits, descriptors, servers) stays in session-t.c.
 *
 * A scenario file is sections, each opened by a line starting with '@';
 * lines before the first section and lines starting with '#' outside file
 * bodies are comments.
 *
 *   @requires root         skip the scenario unless the test runs as root
 *   @options               module arguments, the lines joined by spaces
 *                          (after worker=, net_module=, conf= and
 *                          clock_check=never, so they override those)
 *   @file PATH MODE        a file whose content is the body, verbatim
 *   @conf                  the same for the module's pam_awscred.conf
 *                          (%D/pam_awscred.conf, 0644)
 *   @dir PATH MODE         a directory (made if absent), then chmod
 *   @fifo PATH             a FIFO, mode 0600
 *   @symlink PATH TARGET   a symbolic link
 *   @size PATH BYTES       truncate(2): a sparse file of that size
 *   @pam_env               pam_env.conf(5) lines for a pam_env line before
 *                          the module (the PAM environment in)
 *   @pam_env_after         the same after the module, which is then
 *                          stacked a second time after pam_env
 *   @auth                  the stack's lines are auth lines, not session
 *                          ones (libpam calls pam_sm_setcred only so)
 *   @mfa CONTROL CODE      a login with MFA: the stack starts with an auth
 *                          line (CONTROL, the module with mfa,
 *                          mfa_dir=%D/mfa and the options) and pam_permit,
 *                          the session line gets mfa and mfa_dir= too;
 *                          every echo-off prompt is answered with CODE
 *   @sts STATUS            the loopback STS (at 127.0.0.1:%P) answers
 *                          every request with STATUS and the body, its
 *                          lines joined (no '"' nor '\\')
 *   @run                   "user NAME" (default %u; "-" leaves PAM_USER
 *                          unset), then PAM calls, one a line, each with
 *                          the return code it must give: authenticate,
 *                          open_session, close_session, setcred, each
 *                          optionally followed by "silent" (PAM_SILENT);
 *                          default: one "open_session PAM_SUCCESS"
 *   @environment           the PAM environment after the last call:
 *                          NAME=VALUE (exact), !NAME (absent), !PREFIX*
 *                          (no variable starting so); without this
 *                          section no AWS_ variable may be set
 *   @output                the exact pam_syslog() lines, in order, each
 *                          "PRIORITY TEXT" (EMERG ... DEBUG, as in
 *                          syslog(3) without LOG_); without this section
 *                          there must be no log line at all
 *   @conversation          the exact PAM_TEXT_INFO and PAM_ERROR_MSG
 *                          lines the user saw, in order (at most 4);
 *                          without this section the user must see nothing
 *   @prompts               the same for the echo-off prompts: without
 *                          this section there must be none
 *   @afterwards            "exists PATH" or "absent PATH", one a line:
 *                          what the login left behind; "sts_requests N":
 *                          how many requests the loopback STS got
 *
 * Paths under "~/" are in the user's home and owned by the user, under
 * "~other/" in a second user's home and owned by that one (root only),
 * other files by root. In every section %u is the user's name, %g that of
 * the user's group, %U the name of the account running the test, %H the
 * user's home, %B the second user's home, %P the loopback STS's port,
 * %~ the user's home as the module shows it to the user ("~" as root;
 * without root the files are not under the passwd home, so %H), %D the
 * test's base directory and %% a literal %; in @environment values,
 * @output, @conversation and @prompts, %* matches any text within the
 * line (key ids, times, pids).
 *
 * SCRIPT_T_DUMP=1 in the environment prints each scenario's log to stderr,
 * for writing a new one.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* A %* of the pattern after expansion: no log text holds this byte. */
#define WILDCARD '\001'
#define MAX_CALLS 8

/* One scenario as read: its lines, and where each section starts. */
struct script {
    const char *path;
    char *text;                 /* the file, split into lines in place */
    char *line[1024];
    size_t nlines;
};

/* Fails the scenario with a message, the whole log on stderr first. */
#define script_fail(s, ...)                                              \
    do {                                                                 \
        fprintf(stderr, "# %s: the log was:\n%s", (s)->path, logbuf);   \
        fail_msg(__VA_ARGS__);                                           \
    } while (0)

/* ---- Reading ------------------------------------------------------------ */

static void
script_read(struct script *s, const char *path)
{
    FILE *f = fopen(path, "re");
    size_t size = 0, cap = 4096, n;
    char *p;

    assert_non_null(f);
    s->path = path;
    s->text = malloc(cap);
    assert_non_null(s->text);
    while ((n = fread(s->text + size, 1, cap - size - 1, f)) > 0) {
        size += n;
        if (size + 1 == cap) {
            cap *= 2;
            s->text = realloc(s->text, cap);
            assert_non_null(s->text);
        }
    }
    fclose(f);
    s->text[size] = '\0';
    s->nlines = 0;
    for (p = s->text; *p != '\0';) {
        char *end = strchr(p, '\n');

        if (s->nlines == sizeof(s->line) / sizeof(s->line[0]))
            fail_msg("%s: more than %zu lines", path, s->nlines);
        s->line[s->nlines++] = p;
        if (end == NULL)
            break;
        *end = '\0';
        p = end + 1;
    }
}

/* Copies src into dst (size bytes) with the %-escapes expanded; %* becomes
   WILDCARD where wildcards are allowed. */
static void
expand(char *dst, size_t size, const char *src, bool wildcards)
{
    size_t used = 0;

    for (; *src != '\0'; src++) {
        const char *add = NULL;
        char one[2] = { *src, '\0' }, port[16];

        if (*src == '%') {
            switch (*++src) {
            case 'u': add = W.alice; break;
            case 'H': add = W.ahome; break;
            case 'B': add = W.bhome; break;
            case 'P':
                snprintf(port, sizeof(port), "%d", W.clock.port);
                add = port;
                break;
            case '~': add = W.root ? "~" : W.ahome; break;
            case 'D': add = W.dir; break;
            case 'U': add = getpwuid(geteuid())->pw_name; break;
            case 'g': add = getgrgid(W.agid)->gr_name; break;
            case '%': add = "%"; break;
            case '*':
                if (wildcards) {
                    one[0] = WILDCARD;
                    add = one;
                    break;
                }
                /* fall through */
            default:
                fail_msg("unknown escape %%%c in \"%s\"", *src, src - 1);
            }
        } else {
            add = one;
        }
        if (used + strlen(add) >= size)
            fail_msg("expanded line too long: %s", src);
        memcpy(dst + used, add, strlen(add));
        used += strlen(add);
    }
    dst[used] = '\0';
}

/* The first line after the header of section name (with its arguments in
   *args), or -1 when the script has no such section. */
static long
section(const struct script *s, const char *name, const char **args)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < s->nlines; i++) {
        const char *l = s->line[i];

        if (l[0] == '@' && strncmp(l + 1, name, len) == 0
            && (l[len + 1] == '\0' || l[len + 1] == ' ')) {
            if (args != NULL)
                *args = l[len + 1] == ' ' ? l + len + 2 : "";
            return (long) i + 1;
        }
    }
    return -1;
}

/* Whether line i ends a section's body. */
static bool
body_end(const struct script *s, size_t i)
{
    return i >= s->nlines || s->line[i][0] == '@';
}

/* The body of the section starting at first, %-expanded, each line
   followed by sep; comments and blank lines are kept only when
   verbatim. */
static void
body(const struct script *s, long first, char *dst, size_t size,
     const char *sep, bool verbatim)
{
    char line[16384];
    size_t used = 0;

    dst[0] = '\0';
    for (size_t i = (size_t) first; first >= 0 && !body_end(s, i); i++) {
        if (!verbatim && (s->line[i][0] == '#' || s->line[i][0] == '\0'))
            continue;
        expand(line, sizeof(line), s->line[i], false);
        if (used + strlen(line) + strlen(sep) >= size)
            fail_msg("%s: section too long", s->path);
        used += (size_t) snprintf(dst + used, size - used, "%s%s", line, sep);
    }
}

/* ---- Setting the scene -------------------------------------------------- */

/* Who owns a file the scenario makes. */
enum owner { ROOT, USER, OTHER };

/* The absolute path of a script path ("~/" for the user's home, "~other/"
   for the second user's) and who owns it. */
static enum owner
place(const char *spec, char *path, size_t size)
{
    char expanded[512];

    expand(expanded, sizeof(expanded), spec, false);
    if (strncmp(expanded, "~/", 2) == 0) {
        snprintf(path, size, "%s/%s", W.ahome, expanded + 2);
        return USER;
    }
    if (strncmp(expanded, "~other/", 7) == 0 && W.root) {
        snprintf(path, size, "%s/%s", W.bhome, expanded + 7);
        return OTHER;
    }
    if (expanded[0] != '/')
        fail_msg("path %s is neither absolute nor under ~/", spec);
    snprintf(path, size, "%s", expanded);
    return ROOT;
}

static uid_t
owner_uid(enum owner who)
{
    return who == USER ? W.auid : who == OTHER ? W.buid : 0;
}

static gid_t
owner_gid(enum owner who)
{
    return who == USER ? W.agid : who == OTHER ? W.bgid : 0;
}

static void
own(const char *path, enum owner who)
{
    if (W.root && who != ROOT)
        assert_int_equal(lchown(path, owner_uid(who), owner_gid(who)), 0);
}

/* Does what one @file, @conf, @dir, @fifo, @symlink or @size says. */
static void
scene_item(const struct script *s, size_t i)
{
    char kind[16], where[512], arg[512], path[2048], target[1024];
    static char content[1 << 20];
    const char *l = s->line[i] + 1;
    enum owner who;
    int n = sscanf(l, "%15s %511s %511s", kind, where, arg);

    if (strcmp(kind, "conf") == 0) {
        n = 3;
        snprintf(where, sizeof(where), "%%D/pam_awscred.conf");
        snprintf(arg, sizeof(arg), "0644");
        snprintf(kind, sizeof(kind), "file");
    }
    if (strcmp(kind, "file") != 0 && strcmp(kind, "dir") != 0
        && strcmp(kind, "fifo") != 0 && strcmp(kind, "symlink") != 0
        && strcmp(kind, "size") != 0)
        return;
    if (n < 2 || (n < 3 && strcmp(kind, "fifo") != 0))
        fail_msg("%s: \"@%s\" lacks an argument", s->path, l);
    who = place(where, path, sizeof(path));
    if (strcmp(kind, "file") == 0) {
        body(s, (long) i + 1, content, sizeof(content), "\n", true);
        put_file(path, content, (mode_t) strtoul(arg, NULL, 8),
                 owner_uid(who), owner_gid(who));
    } else if (strcmp(kind, "dir") == 0) {
        if (mkdir(path, 0700) != 0)
            assert_int_equal(errno, EEXIST);
        own(path, who);
        assert_int_equal(chmod(path, (mode_t) strtoul(arg, NULL, 8)), 0);
    } else if (strcmp(kind, "fifo") == 0) {
        assert_int_equal(mkfifo(path, 0600), 0);
        own(path, who);
    } else if (strcmp(kind, "symlink") == 0) {
        expand(target, sizeof(target), arg, false);
        unlink(path);
        assert_int_equal(symlink(target, path), 0);
        own(path, who);
    } else {
        assert_int_equal(truncate(path, (off_t) strtoll(arg, NULL, 10)), 0);
    }
}

/* The pam_env line for section name, or "" without one. */
static void
pam_env_for(const struct script *s, const char *name, char *line,
            size_t size)
{
    char conf[8192];
    long first = section(s, name, NULL);

    line[0] = '\0';
    if (first < 0)
        return;
    body(s, first, conf, sizeof(conf), "\n", false);
    pam_env_line(line, size, conf);
}

/* ---- Running and judging ------------------------------------------------ */

static int
code(const char *name)
{
    static const struct {
        const char *name;
        int value;
    } codes[] = {
        { "PAM_SUCCESS", PAM_SUCCESS },
        { "PAM_IGNORE", PAM_IGNORE },
        { "PAM_SESSION_ERR", PAM_SESSION_ERR },
        { "PAM_USER_UNKNOWN", PAM_USER_UNKNOWN },
        { "PAM_SYSTEM_ERR", PAM_SYSTEM_ERR },
        { "PAM_CRED_ERR", PAM_CRED_ERR },
        { "PAM_AUTH_ERR", PAM_AUTH_ERR },
        { "PAM_PERM_DENIED", PAM_PERM_DENIED },
    };

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i].name, name) == 0)
            return codes[i].value;
    fail_msg("unknown PAM code %s", name);
    return -1;
}

/* Fills cases from @run (the last one GETENVLIST); returns their number
   and the user in user (NULL: unset). */
static size_t
calls(const struct script *s, struct pam_testcase *cases, char *user,
      size_t size, bool *user_set)
{
    long first = section(s, "run", NULL);
    size_t n = 0;

    snprintf(user, size, "%s", W.alice);
    *user_set = true;
    for (size_t i = (size_t) first; first >= 0 && !body_end(s, i); i++) {
        char op[32], rv[32], flag[32];
        int k = sscanf(s->line[i], "%31s %31s %31s", op, rv, flag);
        struct pam_testcase c = { 0 };

        if (k < 1 || op[0] == '#')
            continue;
        if (k < 2)
            fail_msg("%s: \"%s\" lacks its argument", s->path, s->line[i]);
        if (strcmp(op, "user") == 0) {
            *user_set = strcmp(rv, "-") != 0;
            expand(user, size, rv, false);
            continue;
        }
        if (strcmp(op, "authenticate") == 0)
            c.pam_operation = PAMTEST_AUTHENTICATE;
        else if (strcmp(op, "open_session") == 0)
            c.pam_operation = PAMTEST_OPEN_SESSION;
        else if (strcmp(op, "close_session") == 0)
            c.pam_operation = PAMTEST_CLOSE_SESSION;
        else if (strcmp(op, "setcred") == 0)
            c.pam_operation = PAMTEST_SETCRED;
        else
            fail_msg("%s: unknown call %s", s->path, op);
        c.expected_rv = code(rv);
        if (k == 3 && strcmp(flag, "silent") == 0)
            c.flags = PAM_SILENT;
        else if (k == 3)
            fail_msg("%s: unknown flag %s", s->path, flag);
        if (n == MAX_CALLS)
            fail_msg("%s: more than %d calls", s->path, MAX_CALLS);
        cases[n++] = c;
    }
    if (n == 0)
        cases[n++] = (struct pam_testcase) pam_test(PAMTEST_OPEN_SESSION,
                                                    PAM_SUCCESS);
    cases[n++] = (struct pam_testcase) pam_test(PAMTEST_GETENVLIST,
                                                PAM_SUCCESS);
    return n;
}

/* Whether text matches pattern, whose WILDCARD bytes match any run. */
static bool
matches(const char *pattern, const char *text)
{
    if (*pattern == '\0')
        return *text == '\0';
    if (*pattern == WILDCARD) {
        for (const char *t = text;; t++) {
            if (matches(pattern + 1, t))
                return true;
            if (*t == '\0')
                return false;
        }
    }
    return *pattern == *text && matches(pattern + 1, text + 1);
}

static void
check_environment(const struct script *s, char **env)
{
    long first = section(s, "environment", NULL);
    char want[8192];

    if (first < 0) {
        assert_no_aws(env);
        return;
    }
    for (size_t i = (size_t) first; !body_end(s, i); i++) {
        const char *l = s->line[i], *eq = strchr(l, '='), *got;
        char name[256];

        if (l[0] == '#' || l[0] == '\0')
            continue;
        if (l[0] == '!') {
            size_t len = strlen(l + 1);
            bool prefix = len > 0 && l[len] == '*';

            for (char **e = env; e != NULL && *e != NULL; e++) {
                size_t nlen = strcspn(*e, "=");

                if (prefix ? strncmp(*e, l + 1, len - 1) == 0
                           : nlen == len && strncmp(*e, l + 1, len) == 0)
                    script_fail(s, "%s: %.60s is set", s->path, *e);
            }
            continue;
        }
        if (eq == NULL || (size_t) (eq - l) >= sizeof(name))
            fail_msg("%s: \"%s\" is not NAME=VALUE", s->path, l);
        snprintf(name, sizeof(name), "%.*s", (int) (eq - l), l);
        expand(want, sizeof(want), eq + 1, true);
        got = env_get(env, name);
        if (got == NULL || !matches(want, got))
            script_fail(s, "%s: %s is %s%s%s, not %s", s->path, name,
                        got ? "\"" : "", got ? got : "unset",
                        got ? "\"" : "", eq + 1);
    }
}

static int
priority(const char *name)
{
    static const char *const names[] = {
        "EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG",
    };

    for (int i = 0; i < 8; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    fail_msg("unknown priority %s", name);
    return -1;
}

/* The files @afterwards names exist, or do not; the loopback STS got
   as many requests as it says (sts_before: its count before the run). */
static void
check_afterwards(const struct script *s, unsigned sts_before)
{
    long first = section(s, "afterwards", NULL);
    char what[16], where[512], path[2048];
    struct stat st;

    for (size_t i = (size_t) first; first >= 0 && !body_end(s, i); i++) {
        if (sscanf(s->line[i], "%15s %511s", what, where) != 2
            || what[0] == '#')
            continue;
        if (strcmp(what, "sts_requests") == 0) {
            if (W.clock.port != 0
                && fault_server_requests(&W.clock) - sts_before
                != strtoul(where, NULL, 10))
                script_fail(s, "%s: STS got %u requests, not %s", s->path,
                            fault_server_requests(&W.clock) - sts_before,
                            where);
            continue;
        }
        place(where, path, sizeof(path));
        if (strcmp(what, "exists") == 0 && lstat(path, &st) != 0)
            script_fail(s, "%s: %s does not exist", s->path, path);
        else if (strcmp(what, "absent") == 0 && lstat(path, &st) == 0)
            script_fail(s, "%s: %s exists", s->path, path);
        else if (strcmp(what, "exists") != 0 && strcmp(what, "absent") != 0)
            fail_msg("%s: unknown check %s", s->path, what);
    }
}

/* What the user saw (seen: the conversation's lines or prompts) must be
   the lines of section name. */
static void
check_seen(const struct script *s, const char *name,
           char seen[4][PAM_MAX_MSG_SIZE])
{
    long first = section(s, name, NULL);
    char want[PAM_MAX_MSG_SIZE + 8];
    size_t i = first < 0 ? s->nlines : (size_t) first, n = 0;

    for (; !body_end(s, i); i++) {
        if (s->line[i][0] == '#' || s->line[i][0] == '\0')
            continue;
        expand(want, sizeof(want), s->line[i], true);
        if (n == 4 || !matches(want, seen[n]))
            script_fail(s, "%s: the user saw \"%.*s\", not \"%s\"", s->path,
                        PAM_MAX_MSG_SIZE, n < 4 ? seen[n] : "", s->line[i]);
        n++;
    }
    if (n < 4 && seen[n][0] != '\0')
        script_fail(s, "%s: the user also saw \"%.*s\"", s->path,
                    PAM_MAX_MSG_SIZE, seen[n]);
}

/* The log must be the @output lines, exactly and in order. */
static void
check_output(const struct script *s)
{
    long first = section(s, "output", NULL);
    const char *got = logbuf;
    char want[8192], line[8192];
    size_t i = first < 0 ? s->nlines : (size_t) first;

    for (; !body_end(s, i); i++) {
        const char *l = s->line[i], *text = strchr(l, ' '), *end;
        char prio[16];

        if (l[0] == '#' || l[0] == '\0')
            continue;
        if (text == NULL || (size_t) (text - l) >= sizeof(prio))
            fail_msg("%s: \"%s\" is not PRIORITY TEXT", s->path, l);
        snprintf(prio, sizeof(prio), "%.*s", (int) (text - l), l);
        snprintf(line, sizeof(line), "<%d>", priority(prio));
        expand(want, sizeof(want) - strlen(line), text + 1, true);
        memmove(want + strlen(line), want, strlen(want) + 1);
        memcpy(want, line, strlen(line));
        end = strchr(got, '\n');
        if (end == NULL)
            script_fail(s, "%s: log line missing: %s", s->path, l);
        snprintf(line, sizeof(line), "%.*s", (int) (end - got), got);
        if (!matches(want, line))
            script_fail(s, "%s: log line\n  %s\nwanted\n  %s", s->path,
                        line, l);
        got = end + 1;
    }
    if (*got != '\0')
        script_fail(s, "%s: more log lines than @output says", s->path);
}

/* What @sts says the loopback STS answers. */
static void
sts_script(const struct script *s)
{
    const char *args;
    long first = section(s, "sts", &args);
    char text[8192];

    if (first < 0)
        return;
    body(s, first, text, sizeof(text), "", false);
    if (strpbrk(text, "\"\\") != NULL)
        fail_msg("%s: @sts bodies hold no '\"' nor '\\'", s->path);
    sts_answer(atoi(args), text);
}

static void
run_script(void **state)
{
    const char *path = *state, *args;
    struct script *s = calloc(1, sizeof(*s));
    struct pam_testcase cases[MAX_CALLS + 1];
    char opts[8192], pre[1024], post[8200], user[256], control[32];
    char answer[64];
    struct conv_capture conv;
    enum pamtest_err perr;
    bool user_set;
    unsigned sts_before;
    size_t n;

    assert_non_null(s);
    script_read(s, path);
    if (section(s, "requires", &args) >= 0 && strcmp(args, "root") == 0
        && !W.root) {
        printf("# needs root\n");
        free(s->text);
        free(s);
        skip();
    }
    for (size_t i = 0; i < s->nlines; i++)
        if (s->line[i][0] == '@')
            scene_item(s, i);
    body(s, section(s, "options", NULL), opts, sizeof(opts), " ", false);
    pam_env_for(s, "pam_env", pre, sizeof(pre));
    pam_env_for(s, "pam_env_after", post, sizeof(post));
    conv_init(&conv);
    if (section(s, "mfa", &args) >= 0) {
        if (sscanf(args, "%31s %63s", control, answer) != 2)
            fail_msg("%s: \"@mfa %s\" is not CONTROL CODE", path, args);
        snprintf(post, sizeof(post), "mfa %s", opts);
        mfa_service(control, opts, post);
        conv.answer = answer;
    } else {
        service_around(pre, opts, post);
    }
    if (section(s, "auth", NULL) >= 0)
        run_cmd("sed -i 's/^session/auth/' '%s/stack'", W.dir);
    sts_script(s);
    sts_before = W.clock.port != 0 ? fault_server_requests(&W.clock) : 0;
    n = calls(s, cases, user, sizeof(user), &user_set);
    perr = _pamtest_conv(svc_name, user_set ? user : NULL, conv_record,
                         &conv, cases, n, NULL);
    if (perr == PAMTEST_ERR_CASE) {
        const struct pam_testcase *bad = _pamtest_failed_case(cases, n);

        script_fail(s, "%s: call %d returned %d, not %d", path,
                    (int) (bad - cases) + 1, bad->op_rv, bad->expected_rv);
    }
    if (perr != PAMTEST_ERR_OK)
        fail_msg("%s: pamtest: %s", path, pamtest_strerror(perr));
    check_environment(s, cases[n - 1].case_out.envlist);
    pamtest_free_env(cases[n - 1].case_out.envlist);
    if (getenv("SCRIPT_T_DUMP") != NULL)
        fprintf(stderr, "== %s\n%s", path, logbuf);
    check_output(s);
    check_seen(s, "conversation", conv.info);
    check_seen(s, "prompts", conv.prompt);
    check_afterwards(s, sts_before);
    free(s->text);
    free(s);
}

/* ---- The scenario list -------------------------------------------------- */

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

int
main(void)
{
    const char *top = getenv("top_srcdir");
    char dir[PATH_MAX], *names[512];
    struct CMUnitTest tests[512];
    size_t n = 0;
    struct dirent *e;
    DIR *d;
    int rc;

    if (getenv("PAM_WRAPPER") == NULL) {
        printf("1..0 # SKIP run through scripts.sh (needs pam_wrapper)\n");
        return 0;
    }
    snprintf(dir, sizeof(dir), "%s/tests/pam/scripts", top ? top : ".");
    d = opendir(dir);
    if (d == NULL) {
        printf("Bail out! %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL && n < 512)
        if (e->d_name[0] != '.' && asprintf(&names[n], "%s/%s", dir,
                                            e->d_name) > 0)
            n++;
    closedir(d);
    qsort(names, n, sizeof(names[0]), by_name);
    for (size_t i = 0; i < n; i++)
        tests[i] = (struct CMUnitTest) {
            .name = strrchr(names[i], '/') + 1,
            .test_func = run_script,
            .setup_func = harness_reset,
            .initial_state = names[i],
        };
    rc = _cmocka_run_group_tests("pam_awscred scenarios", tests, n,
                                 harness_setup, harness_teardown);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return rc;
}
