/*
 * mfa.h: the broker and logins with MFA (awscredd/mfa.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCREDD_MFA_H
#define AWSCREDD_MFA_H 1

#include <stddef.h>

#include "pam_awscred/internal.h"

#define BROKER_MFA_ENDED "MFA session ended: log in again"

/* Before a refresh with the registration's options args: -1 and why
   (BROKER_MFA_ENDED) when the login had mfa, which only a new login can
   renew; else 0. */
int broker_mfa_refresh(const struct pamaws_args *args, char *why,
                       size_t size);

#endif
