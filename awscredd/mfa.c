/*
 * mfa.c: the broker and logins with MFA (pam_awscred's mfa). Their
 * credentials came from a code the user typed once: resolving them again
 * without one would hand out credentials that never saw MFA (the user's
 * long-term keys, a credential_process, a role the admin's source may
 * assume without MFA). So a registration whose module options say mfa is
 * resolved again only from its MFA session: user mode's role profile
 * over long-term keys got its role from a GetSessionToken session
 * (mfa_session_duration=), which the module registered with the login;
 * the role is assumed again from that session (the worker's
 * --from-mfa-session), without a new code, until the session expires.
 * Without one (system mode, a profile without a role, a broker restarted
 * since: the session is never saved) or after it, the credentials are
 * served until they expire, then every request gets BROKER_MFA_ENDED.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>

#include "awscredd/broker.h"
#include "awscredd/mfa.h"

int
broker_mfa_refresh(struct pamaws_args *args,
                   const struct broker_creds *mfa_session, int64_t now,
                   struct pamaws_mfa_session *session, char *why, size_t size)
{
    if (!args->config.mfa)
        return 0;
    if (mfa_session->access_key_id == NULL
        || mfa_session->expiration <= now) {
        snprintf(why, size, "%s", BROKER_MFA_ENDED);
        return -1;
    }
    *session = (struct pamaws_mfa_session){
        mfa_session->access_key_id, mfa_session->secret_access_key,
        mfa_session->session_token, mfa_session->expiration};
    args->mfa_session = session;
    return 0;
}
