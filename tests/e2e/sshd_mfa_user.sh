#!/bin/sh
# sshd_mfa_user.sh: MFA at SSH login in user mode through a real sshd
# (AuthenticationMethods publickey,keyboard-interactive:pam; OpenSSH runs
# PAM auth in a forked child). The user's own ~/.aws has long-term keys
# and mfa_serial; a loopback STS (tests/lib/fault_server.py) records the
# GetSessionToken it gets; ssh answers the prompt through SSH_ASKPASS.
# Right code: the session has the session token's keys and no handle.
# Wrong code, code already used, throttled STS: the client sees one clear
# message; auth required refuses, optional logs in without AWS
# credentials. Root only; prints TAP.
#
# SPDX-License-Identifier: MIT

. "$(dirname "$0")/sshd_lib.sh"
. "$(dirname "$0")/sshd_mfa_lib.sh"

mfa_setup awsmfu
home=$T/home-$user

KEY_LONG=AKIAMFAUSERLONGKEY01
KEY_SESSION=ASIAMFAUSERSESSION01
creds="<Credentials><AccessKeyId>$KEY_SESSION</AccessKeyId><SecretAccessKey>mfaUserSecret/mfaUserSecret+mfaUserSecret00</SecretAccessKey><SessionToken>FwoGZXIvYXdzEMFAusertoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
STS_OK="<GetSessionTokenResponse><GetSessionTokenResult>$creds</GetSessionTokenResult></GetSessionTokenResponse>"
start_sts 200 "$STS_OK"

serial=arn:aws:iam::123456789012:mfa/$user
printf '%s\n' "[default]" "region = eu-west-1" "mfa_serial = $serial" \
    "endpoint_url = http://127.0.0.1:$sts_port/" > "$home/.aws/config"
printf '%s\n' "[default]" "aws_access_key_id = $KEY_LONG" \
    "aws_secret_access_key = mfaLongSecret/mfaLongSecret+mfaLongSecret0" \
    > "$home/.aws/credentials"
chmod 600 "$home/.aws/config" "$home/.aws/credentials"
chown "$user:" "$home/.aws/config" "$home/.aws/credentials"
opts="worker=$worker net_module=$net_module clock_check=never mfa"
opts="$opts mfa_dir=$T/mfa mfa_session_duration=3600"
mfa_stack required
start_kbd_sshd
wait_mfa_prompt "$user"

echo 1..12
: > "$T/sts.log"
mfa_login "$user" 123456 > "$T/env.out"
check "right code: the session has the MFA session's key" \
    grep -qx "AWS_ACCESS_KEY_ID=$KEY_SESSION" "$T/env.out"
check "the prompt names the device of the user's profile" \
    grep -q "AWS MFA code for $serial:" "$T/prompts"
sts_got() {
    grep -q "\"body\": \"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2F$user&TokenCode=123456\"" \
        "$T/sts.log" && grep -q "Credential=$KEY_LONG/" "$T/sts.log"
}
check "STS got GetSessionToken, signed with the long-term key" sts_got
check "neither the handle nor the code in the session" \
    sh -c "! grep -q AWSCRED_MFA '$T/env.out'"
check "no handle left in mfa_dir" sh -c "test -z \"\$(ls -A '$T/mfa')\""

sts_answers 403 "$(sts_error AccessDenied 'MultiFactorAuthentication failed with invalid MFA one time pass code.')"
refused "wrong code" "AWS: the MFA code for $serial was not accepted"
sts_answers 403 "$(sts_error AccessDenied 'MultiFactorAuthentication failed, unable to validate MFA code.')"
refused "expired or used code" "(wrong, expired or already used)"
sts_answers 400 "$(sts_error Throttling 'Rate exceeded')"
refused "throttled STS" "AWS STS is throttling"
mfa_stack optional
sts_answers 403 "$(sts_error AccessDenied 'MultiFactorAuthentication failed with invalid MFA one time pass code.')"
mfa_login "$user" 654321 > "$T/env3.out"
check "optional, wrong code: logged in without AWS credentials" \
    sh -c "grep -q '^USER=$user\$' '$T/env3.out' && ! grep -q '^AWS' '$T/env3.out'"
test $failed = 0 || { diag "$T/ssh.err"; diag "$T/prompts"; diag "$T/sshd.log"; }
exit $failed
