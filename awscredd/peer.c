/*
 * peer.c: who is calling, from the kernel. An HTTP client on loopback is
 * a TCP socket of some process on this host; inet_diag finds that socket
 * by its 4-tuple and tells its owner's uid (the uid that created it). The
 * broker believes nothing else about a caller.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "awscredd/broker.h"

int
broker_peer_uid(const struct sockaddr_in *client,
                const struct sockaddr_in *server, uid_t *uid)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
    } msg;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    struct timeval timeout = {.tv_sec = 1};
    union {
        char bytes[8192];
        struct nlmsghdr align;
    } answer;
    struct nlmsghdr *nlh;
    ssize_t n;
    int fd, status = -1, err = ENOENT;

    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -1;
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    memset(&msg, 0, sizeof(msg));
    msg.nlh.nlmsg_len = sizeof(msg);
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST;
    msg.req.sdiag_family = AF_INET;
    msg.req.sdiag_protocol = IPPROTO_TCP;
    msg.req.idiag_states = ~0u;
    msg.req.id.idiag_sport = client->sin_port;
    msg.req.id.idiag_dport = server->sin_port;
    msg.req.id.idiag_src[0] = client->sin_addr.s_addr;
    msg.req.id.idiag_dst[0] = server->sin_addr.s_addr;
    msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *) &kernel,
               sizeof(kernel)) != (ssize_t) sizeof(msg)) {
        err = errno;
        goto out;
    }
    n = recv(fd, answer.bytes, sizeof(answer.bytes), 0);
    if (n < 0) {
        err = errno;
        goto out;
    }
    for (nlh = &answer.align; NLMSG_OK(nlh, (size_t) n);
         nlh = NLMSG_NEXT(nlh, n)) {
        const struct inet_diag_msg *m = NLMSG_DATA(nlh);

        if (nlh->nlmsg_type == NLMSG_ERROR)
            break;
        if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY
            || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
            continue;
        /* The exact socket asked for, not its accepted twin. */
        if (m->idiag_family != AF_INET
            || m->id.idiag_sport != client->sin_port
            || m->id.idiag_dport != server->sin_port
            || m->id.idiag_src[0] != client->sin_addr.s_addr
            || m->id.idiag_dst[0] != server->sin_addr.s_addr)
            continue;
        *uid = (uid_t) m->idiag_uid;
        status = 0;
        break;
    }
out:
    close(fd);
    if (status < 0)
        errno = err;
    return status;
}
