/*
 * mfa.h: the broker and logins with MFA (awscredd/mfa.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCREDD_MFA_H
#define AWSCREDD_MFA_H 1

#include <stddef.h>
#include <stdint.h>

#include "pam_awscred/internal.h"

#define BROKER_MFA_ENDED "MFA session ended: log in again"

struct broker_creds;

/* Before a refresh with the registration's options args: 0 without mfa.
   With mfa, when the login's MFA session (mfa_session, expiration in
   local-clock terms) lasts beyond now: 0 and args->mfa_session set to
   session, borrowing mfa_session's strings, so that the role is assumed
   again from it. Else -1 and why (BROKER_MFA_ENDED): only a new login
   renews. */
int broker_mfa_refresh(struct pamaws_args *args,
                       const struct broker_creds *mfa_session, int64_t now,
                       struct pamaws_mfa_session *session, char *why,
                       size_t size);

#endif
