/*
 * fault_server_c.h: drives tests/lib/fault_server.py from C tests.
 *
 *   struct fault_server fs;
 *   fault_server_start(&fs);               port in fs.port
 *   fault_server_script(&fs, "{\"routes\": [...]}");
 *   ... requests to http://127.0.0.1:<fs.port>/ ...
 *   fault_server_requests(&fs)             how many requests were logged
 *   fault_server_log(&fs)                  the JSON-lines log (static buf)
 *   fault_server_stop(&fs);
 *
 * Returns -1 from fault_server_start when python3 or the script is
 * missing; tests then skip.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef FAULT_SERVER_C_H
#define FAULT_SERVER_C_H 1

#include <sys/types.h>

struct fault_server {
    char dir[64];        /* temp directory with script, log, port file */
    char script[128];
    char log[128];
    pid_t pid;
    int port;
};

int fault_server_start(struct fault_server *fs);
void fault_server_script(struct fault_server *fs, const char *json);
unsigned fault_server_requests(struct fault_server *fs);
const char *fault_server_log(struct fault_server *fs);
void fault_server_stop(struct fault_server *fs);

#endif
