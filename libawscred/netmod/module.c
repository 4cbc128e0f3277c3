/*
 * module.c: the one exported symbol of awscred-net.so, and the small
 * helpers its files share (errors, wiping).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmod/modimpl.h"

enum awscred_status
mod_error(struct awscred_error *err, enum awscred_status status,
          const char *where, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return status;
    memset(err, 0, sizeof(*err));
    err->status = status;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    if (where != NULL)
        snprintf(err->where, sizeof(err->where), "%s", where);
    return status;
}

/* The table the core looks up with dlsym(NET_MODULE_SYMBOL). */
__attribute__((visibility("default")))
const struct net_ops awscred_net_module_v1 = {
    .abi = NET_MODULE_ABI,
    .init_status = mod_http_init_status,
    .http = mod_http,
    .digest_hex = mod_digest_hex,
    .sigv4_sign = mod_sigv4_sign,
    .xml_parse = mod_xml_parse,
    .dpop_proof = mod_dpop_proof,
};
