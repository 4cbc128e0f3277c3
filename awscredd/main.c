/*
 * main.c: awscredd, the session credential broker (man/awscredd.8).
 * Reads the [broker] section of pam_awscred.conf, serves the control
 * socket (root only) in this thread and the loopback endpoint in
 * libmicrohttpd's, until SIGTERM or SIGINT.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ini.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "awscredd/broker.h"
#include "common/fdio.h"
#include "common/number.h"
#include "common/secret.h"

#define CONTROL_TIMEOUT_S 2
#define REFRESH_DRAIN_MS  15000
/* Pages are locked as they are first touched: the credential store and
   whatever else holds a secret stays out of swap, while untouched stack
   and library pages are not made resident (the RSS goal, bench/). */
#ifdef MCL_ONFAULT
#define BROKER_MLOCK_FLAGS (MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)
#else
#define BROKER_MLOCK_FLAGS (MCL_CURRENT | MCL_FUTURE)
#endif

static bool foreground;
static volatile sig_atomic_t stopping;

void
broker_log(int priority, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    syslog(priority, "%s", line);
    if (foreground)
        fprintf(stderr, "awscredd: %s\n", line);
}

void
broker_log_issued(const struct broker_request *req, uint64_t session)
{
    struct pamaws_audit audit = {0};
    char uid[24], number[24], expires[40], line[PAMAWS_AUDIT_LINE_MAX];
    char safe[1024];

    snprintf(uid, sizeof(uid), "%u", (unsigned) req->uid);
    snprintf(number, sizeof(number), "%llu", (unsigned long long) session);
    audit.user = req->user;
    audit.service = req->service;
    audit.rhost = req->rhost[0] != '\0' ? req->rhost : NULL;
    audit.profile = req->profile;
    audit.access_key_id = req->access_key_id;
    if (req->expiration != 0
        && pamaws_expiration_text(req->expiration, expires, sizeof(expires))
               == 0)
        audit.expires = expires;
    audit.role = req->role;
    audit.source_identity = req->source_identity;
    audit.uid = uid;
    audit.tty = req->tty;
    audit.broker = "issued";
    audit.session = number;
    pamaws_audit_format(&audit, line, sizeof(line));
    pamaws_escape(line, safe, sizeof(safe));
    broker_log(LOG_INFO, "%s", safe);
}

static void
on_signal(int sig)
{
    (void) sig;
    stopping = 1;
}

/* ---- Configuration ------------------------------------------------------ */

/* Whole seconds with an optional s, m or h suffix: at most 100 days'
   worth of the unit. */
static bool
parse_seconds(const char *s, int64_t *out)
{
    size_t len = strlen(s);
    char digits[24];
    uint64_t n, unit = 1;

    if (len > 0 && strchr("smh", s[len - 1]) != NULL) {
        unit = s[len - 1] == 'h' ? 3600 : s[len - 1] == 'm' ? 60 : 1;
        len--;
    }
    if (len >= sizeof(digits))
        return false;
    memcpy(digits, s, len);
    digits[len] = '\0';
    if (!number_parse(digits, 100ULL * 24 * 3600, &n))
        return false;
    *out = (int64_t) (n * unit);
    return true;
}

/* "127.0.0.1:PORT" or "PORT"; loopback addresses only. */
static bool
parse_listen(const char *s, struct broker_config *cfg)
{
    const char *colon = strrchr(s, ':');
    char ip[INET_ADDRSTRLEN];
    uint64_t port;

    if (colon != NULL) {
        if ((size_t) (colon - s) >= sizeof(ip))
            return false;
        memcpy(ip, s, (size_t) (colon - s));
        ip[colon - s] = '\0';
        if (inet_pton(AF_INET, ip, &cfg->listen_addr) != 1
            || (ntohl(cfg->listen_addr.s_addr) >> 24) != 127)
            return false;
        s = colon + 1;
    }
    if (!number_parse(s, 65535, &port) || port == 0)
        return false;
    cfg->port = (uint16_t) port;
    return true;
}

static int
conf_handler(void *user, const char *section, const char *name,
             const char *value)
{
    struct broker_config *cfg = user;
    bool ok;

    if (strcmp(section, "broker") != 0)
        return 1;
    if (strcmp(name, "listen") == 0)
        ok = parse_listen(value, cfg);
    else if (strcmp(name, "control_socket") == 0)
        ok = value[0] == '/' && strlen(value) < sizeof(((struct sockaddr_un *) 0)->sun_path)
             && (free(cfg->control_socket),
                 (cfg->control_socket = strdup(value)) != NULL);
    else if (strcmp(name, "state_dir") == 0)
        ok = value[0] == '/' && strlen(value) < 512
             && (free(cfg->state_dir),
                 (cfg->state_dir = strdup(value)) != NULL);
    else if (strcmp(name, "retain_after_close") == 0)
        ok = parse_seconds(value, &cfg->retain_after_close_s);
    else if (strcmp(name, "max_lifetime") == 0)
        ok = parse_seconds(value, &cfg->max_lifetime_s);
    else if (strcmp(name, "refresh_before") == 0)
        ok = parse_seconds(value, &cfg->refresh_before_s);
    else {
        broker_log(LOG_ERR, "[broker] %s: unknown option", name);
        return 0;
    }
    if (!ok)
        broker_log(LOG_ERR, "[broker] %s: invalid value", name);
    return ok;
}

static int
load_config(const char *path, bool must_exist, struct broker_config *cfg)
{
    FILE *f;
    int line;

    cfg->listen_addr.s_addr = htonl(INADDR_LOOPBACK);
    cfg->port = BROKER_DEFAULT_PORT;
    cfg->control_socket = strdup(BROKER_DEFAULT_SOCKET);
    cfg->retain_after_close_s = 0;
    cfg->max_lifetime_s = 12 * 3600;
    cfg->refresh_before_s = 20 * 60;
    if (cfg->control_socket == NULL)
        return -1;
    f = fopen(path, "re");
    if (f == NULL) {
        if (errno == ENOENT && !must_exist)
            return 0;
        broker_log(LOG_ERR, "%s: %s", path, strerror(errno));
        return -1;
    }
    line = ini_parse_file(f, conf_handler, cfg);
    fclose(f);
    if (line != 0) {
        broker_log(LOG_ERR, "%s: line %d: not accepted", path, line);
        return -1;
    }
    return 0;
}

/* The saved records' directory: state_dir=, else beside the control
   socket. NULL (and a log line) when it is not root's alone. */
static void
state_dir(struct broker_config *cfg)
{
    const char *slash = strrchr(cfg->control_socket, '/');
    char why[PATH_MAX + 64];

    if (cfg->state_dir == NULL
        && asprintf(&cfg->state_dir, "%.*s/%s",
                    (int) (slash - cfg->control_socket), cfg->control_socket,
                    BROKER_STATE_DIR)
               < 0)
        cfg->state_dir = NULL;
    if (cfg->state_dir != NULL
        && broker_state_open(cfg->state_dir, why, sizeof(why)) < 0) {
        broker_log(LOG_WARNING, "sessions are not saved for a restart: %s",
                   why);
        free(cfg->state_dir);
        cfg->state_dir = NULL;
    }
}

static void
state_ignored(const char *name, const char *why)
{
    char safe[64];

    pamaws_escape(name, safe, sizeof(safe));
    broker_log(LOG_WARNING, "saved session %s ignored: %s", safe, why);
}

/* ---- The control socket -------------------------------------------------- */

static int
control_listen(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct stat st;
    mode_t old;
    int fd;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    strcpy(addr.sun_path, path);
    /* A stale socket of an earlier run is replaced; nothing else is. */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        (void) unlink(path);
    old = umask(077);
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0
        || chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
        int err = errno;

        umask(old);
        close(fd);
        errno = err;
        return -1;
    }
    umask(old);
    return fd;
}

static int
reply(int fd, struct pamaws_result *answer)
{
    size_t len;
    char *frame = pamaws_frame_build(answer, &len);
    int status = -1;

    if (frame != NULL) {
        status = fd_write_all(fd, frame, len);
        secret_free_n(frame, len);
    }
    pamaws_result_clear(answer);
    return status;
}

static void
serve_request(int fd, const struct broker_config *cfg,
              struct broker_registry *reg, const char *buf, size_t len)
{
    struct broker_request req;
    struct pamaws_result answer = {0};
    char why[256], token[BROKER_TOKEN_CHARS + 1], url[96], number[32];
    char ip[INET_ADDRSTRLEN];
    uint64_t session;
    int64_t now = (int64_t) time(NULL);

    if (broker_request_parse(buf, len, &req, why, sizeof(why)) < 0)
        goto fail;
    if (req.op == BROKER_OP_CLOSE) {
        if (broker_registry_close(reg, req.uid, req.session, now) < 0) {
            snprintf(why, sizeof(why), "no such session");
            broker_request_clear(&req);
            goto fail;
        }
        broker_log(LOG_INFO, "uid %u: session %llu closed",
                   (unsigned) req.uid, (unsigned long long) req.session);
        broker_request_clear(&req);
        (void) pamaws_result_add(&answer, "result", "ok");
        (void) reply(fd, &answer);
        return;
    }
    if (broker_registry_open(reg, &req, now, token, &session, why,
                             sizeof(why)) < 0) {
        broker_request_clear(&req);
        goto fail;
    }
    broker_log_issued(&req, session);
    broker_request_clear(&req);
    inet_ntop(AF_INET, &cfg->listen_addr, ip, sizeof(ip));
    snprintf(url, sizeof(url), "http://%s:%u%s", ip, (unsigned) cfg->port,
             BROKER_URL_PATH);
    snprintf(number, sizeof(number), "%llu", (unsigned long long) session);
    if (pamaws_result_add(&answer, "result", "ok") < 0
        || pamaws_result_add(&answer, "token", token) < 0
        || pamaws_result_add(&answer, "url", url) < 0
        || pamaws_result_add(&answer, "session", number) < 0)
        snprintf(why, sizeof(why), "out of memory");
    else
        why[0] = '\0';
    secret_wipe(token, sizeof(token));
    if (why[0] == '\0') {
        (void) reply(fd, &answer);
        return;
    }
    pamaws_result_clear(&answer);
fail:
    broker_log(LOG_WARNING, "control: request refused: %s", why);
    (void) pamaws_result_add(&answer, "result", "error");
    (void) pamaws_result_add(&answer, "message", why);
    (void) reply(fd, &answer);
}

/* Reads one frame from a root client and answers it. */
static void
serve_control(int listen_fd, const struct broker_config *cfg,
              struct broker_registry *reg)
{
    struct timeval timeout = {.tv_sec = CONTROL_TIMEOUT_S};
    struct ucred peer;
    socklen_t len = sizeof(peer);
    size_t limit = PAMAWS_RESULT_MAX_BYTES + 64, used = 0;
    char *buf;
    ssize_t n;
    int fd;

    fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0
        || peer.uid != 0) {
        broker_log(LOG_WARNING, "control: a client that is not root (uid %d)",
                   (int) peer.uid);
        close(fd);
        return;
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    buf = malloc(limit);
    if (buf == NULL) {
        close(fd);
        return;
    }
    while (used < limit && !pamaws_frame_complete(buf, used)) {
        n = read(fd, buf + used, limit - used);
        if (n <= 0)
            break;
        used += (size_t) n;
    }
    /* Nothing sent: a client asking whether the broker answers
       (pamaws_deliver_probe), not a request to refuse. */
    if (used > 0)
        serve_request(fd, cfg, reg, buf, used);
    secret_free_n(buf, limit);
    close(fd);
}

/* The first port any user may bind: net.ipv4.ip_unprivileged_port_start,
   1024 where it cannot be read. */
static uint64_t
unprivileged_port_start(void)
{
    uint64_t start = 1024;
    char *text = NULL;
    size_t len = 0;
    int fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start",
                  O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (fd_read_bounded(fd, 16, &text, &len) == FD_READ_OK) {
            text[strcspn(text, "\n")] = '\0';
            (void) number_parse(text, 65536, &start);
        }
        free(text);
        close(fd);
    }
    return start;
}

/* One descriptor per HTTP connection and a few more: the soft limit is
   often 1024 (systemd's default), the hard one far higher. */
static void
raise_fd_limit(void)
{
    struct rlimit rl;
    rlim_t want = BROKER_HTTP_CONNECTIONS + 64;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
            broker_log(LOG_NOTICE, "%llu descriptors at most: fewer HTTP"
                       " connections at once",
                       (unsigned long long) rl.rlim_cur);
    }
}

static void
usage(FILE *out)
{
    fprintf(out, "usage: awscredd --foreground [--conf FILE]\n");
}

int
main(int argc, char **argv)
{
    const char *conf = PAMAWS_DEFAULT_CONF;
    bool conf_given = false;
    struct broker_config cfg = {0};
    struct broker_registry *reg;
    struct broker_http *http;
    struct sigaction sa;
    uint64_t open_from;
    int i, fd, status = 1;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--foreground") == 0) {
            foreground = true;
        } else if (strcmp(argv[i], "--conf") == 0 && i + 1 < argc) {
            conf = argv[++i];
            conf_given = true;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!foreground) {
        usage(stderr);
        return 2;
    }
    openlog("awscredd", LOG_PID, LOG_AUTHPRIV);
    /* Secrets stay in memory: no core dumps, no ptrace by the same uid,
       no swap where the limits allow (root has CAP_IPC_LOCK). */
    (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (geteuid() == 0 && mlockall(BROKER_MLOCK_FLAGS) < 0)
        broker_log(LOG_NOTICE, "memory not locked: %s", strerror(errno));
    if (load_config(conf, conf_given, &cfg) < 0)
        return 1;
    raise_fd_limit();
    open_from = unprivileged_port_start();
    if (cfg.port >= open_from)
        broker_log(LOG_WARNING, "listen: any user may bind port %u while"
                   " awscredd is down and answer the sessions' SDKs with"
                   " credentials of her own: use a port below %llu",
                   (unsigned) cfg.port, (unsigned long long) open_from);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    reg = broker_registry_new(&cfg);
    if (reg == NULL)
        goto out;
    broker_registry_set_refresh(reg, broker_refresh_start);
    state_dir(&cfg);
    if (cfg.state_dir != NULL)
        broker_log(LOG_INFO, "%zu saved sessions restored from %s",
                   broker_state_load(cfg.state_dir, reg, state_ignored),
                   cfg.state_dir);
    fd = control_listen(cfg.control_socket);
    if (fd < 0) {
        broker_log(LOG_ERR, "%s: %s", cfg.control_socket, strerror(errno));
        goto out_reg;
    }
    http = broker_http_start(&cfg, reg);
    if (http == NULL) {
        broker_log(LOG_ERR, "cannot listen on port %u", (unsigned) cfg.port);
        goto out_fd;
    }
    broker_log(LOG_INFO, "listening on 127.0.0.1:%u, control socket %s",
               (unsigned) cfg.port, cfg.control_socket);
    while (!stopping) {
        struct pollfd p = {.fd = fd, .events = POLLIN};

        if (poll(&p, 1, 1000) > 0 && (p.revents & POLLIN))
            serve_control(fd, &cfg, reg);
        broker_registry_expire(reg, (int64_t) time(NULL));
    }
    status = 0;
    broker_http_stop(http);
out_fd:
    close(fd);
    (void) unlink(cfg.control_socket);
out_reg:
    /* A refresh still running reports to the registry: kept then. */
    if (broker_refresh_drain(REFRESH_DRAIN_MS))
        broker_registry_free(reg);
    else
        broker_log(LOG_WARNING, "stopping with a refresh still running");
out:
    free(cfg.control_socket);
    free(cfg.state_dir);
    return status;
}
