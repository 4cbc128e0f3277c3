#!/bin/sh
# sshd_mfa.sh: MFA at SSH login through a real sshd (OpenSSH runs PAM auth
# in a forked child): AuthenticationMethods publickey,keyboard-interactive:pam,
# pam_awscred.so with mfa in the auth and session stacks, a loopback STS
# (tests/lib/fault_server.py) answering AssumeRole, and ssh answering the
# MFA prompt through SSH_ASKPASS (sshd_mfa_lib.sh). Right code: the
# session has the role's keys and neither the handle nor the code; the
# handles' directory is empty after. Wrong code: the login is refused (auth
# required) and the client is told why. Root only; prints TAP.
#
# SPDX-License-Identifier: MIT

. "$(dirname "$0")/sshd_lib.sh"
. "$(dirname "$0")/sshd_mfa_lib.sh"

mfa_setup awsmfa

KEY_ROLE=ASIAMFAROLEKEY000001
STS_OK="<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>$KEY_ROLE</AccessKeyId><SecretAccessKey>mfaRoleSecret/mfaRoleSecret+mfaRoleSecret0</SecretAccessKey><SessionToken>FwoGZXIvYXdzEMFAtoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
STS_DENIED=$(sts_error AccessDenied "MultiFactorAuthentication failed with invalid MFA one time pass code.")
start_sts 200 "$STS_OK"

printf '%s\n' "[profile bastion]" "region = eu-west-1" \
    "role_arn = arn:aws:iam::123456789012:role/bastion-users" \
    "source_profile = base" "endpoint_url = http://127.0.0.1:$sts_port/" \
    "[profile base]" > "$T/sys-config"
printf '%s\n' "[base]" "aws_access_key_id = AKIAMFABASEKEY000001" \
    "aws_secret_access_key = mfaBaseSecret/mfaBaseSecret+mfaBaseSecret00" \
    > "$T/sys-credentials"
chmod 600 "$T/sys-config" "$T/sys-credentials"
opts="worker=$worker net_module=$net_module clock_check=never mode=system"
opts="$opts system_config=$T/sys-config system_credentials=$T/sys-credentials"
opts="$opts system_profile=bastion mfa mfa_dir=$T/mfa"
{
    echo "# Written by pam_awscred's tests/e2e/sshd_mfa.sh; removed when it ends."
    echo "auth     required $module $opts mfa_serial=arn:aws:iam::123456789012:mfa/%u"
    echo "account  required pam_permit.so"
    echo "session  required pam_permit.so"
    echo "session  optional $module $opts"
} > "$pamfile"
start_kbd_sshd
wait_mfa_prompt "$user"

echo 1..7
: > "$T/sts.log"
mfa_login "$user" 123456 > "$T/env.out"
check "right code: the session has the role's key" \
    grep -qx "AWS_ACCESS_KEY_ID=$KEY_ROLE" "$T/env.out"
check "the prompt names the MFA device" \
    grep -q "AWS MFA code for arn:aws:iam::123456789012:mfa/$user:" \
    "$T/prompts"
sts_got() {
    grep -q "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2F$user&" \
        "$T/sts.log" && grep -q "&TokenCode=123456\"" "$T/sts.log"
}
check "STS got SerialNumber and TokenCode" sts_got
check "neither the handle nor the code in the session" \
    sh -c "! grep -q AWSCRED_MFA '$T/env.out'"
check "no handle left in mfa_dir" sh -c "test -z \"\$(ls -A '$T/mfa')\""
sts_answers 403 "$STS_DENIED"
if mfa_login "$user" 654321 > "$T/env2.out"; then
    not_ok "wrong code: the login is refused"
    diag "$T/env2.out"
else
    ok "wrong code: the login is refused"
fi
check "wrong code: the client sees why" \
    grep -qF "AWS: the MFA code for arn:aws:iam::123456789012:mfa/$user was not accepted" \
    "$T/ssh.err"
test $failed = 0 || { diag "$T/ssh.err"; diag "$T/sshd.log"; }
exit $failed
