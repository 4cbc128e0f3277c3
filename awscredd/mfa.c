/*
 * mfa.c: the broker and logins with MFA (pam_awscred's mfa). Their
 * credentials came from a code the user typed once: resolving them again
 * without one would hand out credentials that never saw MFA (the user's
 * long-term keys, a credential_process, a role the admin's source may
 * assume without MFA). So a registration whose module options say mfa is
 * not resolved again: its credentials are served until they expire (a
 * GetSessionToken session lasts mfa_session_duration=), then every request
 * gets BROKER_MFA_ENDED.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>

#include "awscredd/broker.h"
#include "awscredd/mfa.h"

int
broker_mfa_refresh(const struct pamaws_args *args, char *why, size_t size)
{
    if (!args->config.mfa)
        return 0;
    snprintf(why, size, "%s", BROKER_MFA_ENDED);
    return -1;
}
