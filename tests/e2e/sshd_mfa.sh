#!/bin/sh
# sshd_mfa.sh: MFA at SSH login through a real sshd (OpenSSH runs PAM auth
# in a forked child): AuthenticationMethods publickey,keyboard-interactive:pam,
# pam_awscred.so with mfa in the auth and session stacks, a loopback STS
# (tests/lib/fault_server.py) answering AssumeRole, and ssh answering the
# MFA prompt through SSH_ASKPASS. Right code: the session has the role's
# keys and neither the handle nor the code; the handles' directory is empty
# after. Wrong code: the login is refused (auth required). Root only; prints
# TAP.
#
# SPDX-License-Identifier: MIT

. "$(dirname "$0")/sshd_lib.sh"

sshd_preflight
test -f "$net_module" || skip_all "network module not built"
sshd_setup
user=awsmfa-$$
make_user "$user" || skip_all "useradd failed"

KEY_ROLE=ASIAMFAROLEKEY000001
STS_OK="<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>$KEY_ROLE</AccessKeyId><SecretAccessKey>mfaRoleSecret/mfaRoleSecret+mfaRoleSecret0</SecretAccessKey><SessionToken>FwoGZXIvYXdzEMFAtoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
STS_DENIED="<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message></Error></ErrorResponse>"
sts_answers() {  # sts_answers STATUS BODY
    printf '{"default": {"status": %s, "body": "%s"}}\n' "$1" "$2" \
        > "$T/sts.json"
}
sts_answers 200 "$STS_OK"
python3 "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/fault_server.py" \
    --script "$T/sts.json" --port-file "$T/sts.port" --log "$T/sts.log" &
bg_pids=$!
for _ in $(seq 50); do test -s "$T/sts.port" && break; sleep 0.1; done
test -s "$T/sts.port" || skip_all "the loopback STS did not start"
sts_port=$(cat "$T/sts.port")

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
write_sshd_config "AuthenticationMethods publickey,keyboard-interactive:pam"
# sshd takes a keyword's first value: turn the harness's "no" around.
sed -i 's/^KbdInteractiveAuthentication no$/KbdInteractiveAuthentication yes/' \
    "$T/sshd_config"
start_sshd

# ssh reads the prompt's answer from SSH_ASKPASS, forced, without a tty.
printf '%s\n' '#!/bin/sh' 'echo "$*" >> "$(dirname "$0")/prompts"' \
    'cat "$(dirname "$0")/code"' > "$T/askpass"
chmod 755 "$T/askpass"
login() {  # login CODE: the remote environment on stdout
    echo "$1" > "$T/code"
    SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none \
        setsid -w ssh -i "$T/client_key" -p "$port" -o ConnectTimeout=5 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o NumberOfPasswordPrompts=1 -o LogLevel=ERROR \
        "$user@127.0.0.1" env < /dev/null 2> "$T/ssh.err"
}
# Waits for sshd: the first login that reaches the prompt.
tries=0
: > "$T/prompts"
until test -s "$T/prompts"; do
    tries=$((tries + 1))
    if test $tries -gt 20 || ! kill -0 "$sshd_pid" 2>/dev/null; then
        echo "1..0 # SKIP private sshd did not come up"
        diag "$T/sshd.log"
        exit 0
    fi
    login 123456 > /dev/null
    test -s "$T/prompts" || sleep 0.5
done

echo 1..6
: > "$T/prompts"
: > "$T/sts.log"
login 123456 > "$T/env.out"
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
if login 654321 > "$T/env2.out"; then
    not_ok "wrong code: the login is refused"
    diag "$T/env2.out"
else
    ok "wrong code: the login is refused"
fi
test $failed = 0 || { diag "$T/ssh.err"; diag "$T/sshd.log"; }
exit $failed
