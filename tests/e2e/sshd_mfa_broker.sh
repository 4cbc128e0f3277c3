#!/bin/sh
# sshd_mfa_broker.sh: MFA at SSH login with the broker, through a real
# sshd (OpenSSH runs PAM auth in a forked child): AuthenticationMethods
# publickey,keyboard-interactive:pam, pam_awscred.so mfa in the auth stack
# and deliver=endpoint in the session, a running awscredd, and a loopback
# STS (tests/lib/fault_server.py) that records every call. The user's
# role profile has mfa_serial over long-term keys, so the login makes a
# GetSessionToken session with the code and assumes the role from it; the
# broker's refresh assumes it again from that session (awscredd/mfa.c).
#
# Right code: the session holds the broker's pointer only, and curl inside
# it gets the role's keys; a refresh gives new keys without a new prompt,
# signed with the MFA session's keys. Logout: the token answers 4xx, no
# handle and no process of the login is left. Wrong code: the client is
# told why; auth required refuses, optional logs in without AWS
# credentials and without registering with the broker. Root only; prints
# TAP.
#
# SPDX-License-Identifier: MIT

. "$(dirname "$0")/sshd_lib.sh"
. "$(dirname "$0")/sshd_mfa_lib.sh"

broker_bin=$top_builddir/awscredd/awscredd
mfa_setup awsmfb
test -x "$broker_bin" || skip_all "awscredd not built"
command -v curl > /dev/null || skip_all "curl not installed (the client)"
command -v setpriv > /dev/null || skip_all "setpriv not installed"
home=$T/home-$user
uid=$(id -u "$user")

serial=arn:aws:iam::123456789012:mfa/$user
KEY_LONG=AKIAMFABROKERLONG001
SECRET_LONG=mfaBrokerLong/mfaBrokerLong+mfaBrokerLong0
KEY_SESSION=ASIAMFABROKERSESS001
SECRET_SESSION=mfaBrokerSess/mfaBrokerSess+mfaBrokerSess0
TOKEN_SESSION=FwoGZXIvYXdzEMFAbrokersessiontoken
KEY_ROLE1=ASIAMFABROKERROLE001
KEY_ROLE2=ASIAMFABROKERROLE002
SECRET_ROLE=mfaBrokerRole/mfaBrokerRole+mfaBrokerRole0
DENIED=$(sts_error AccessDenied 'MultiFactorAuthentication failed with invalid MFA one time pass code.')

# The STS answers nothing but the denial while sshd comes up (the probe
# logins type a code too).
start_sts 403 "$DENIED"
# sts_script: GetSessionToken for the code, then AssumeRole with
# KEY_ROLE1, KEY_ROLE2, ROLE3, ... (the last repeats), in the order asked,
# counted from now; the log starts empty. The role lasts 30 min, less
# than refresh_before, so the broker refreshes at the first request.
sts_script() {
    python3 - "$T/sts.json" "$KEY_SESSION" "$SECRET_SESSION" \
        "$TOKEN_SESSION" "$SECRET_ROLE" <<'EOF'
import json, os, sys, time
path, key, secret, token, role_secret = sys.argv[1:]
def iso(s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + s))
creds = ("<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s"
         "</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s"
         "</Expiration></Credentials>")
gst = ("<GetSessionTokenResponse><GetSessionTokenResult>%s"
       "</GetSessionTokenResult></GetSessionTokenResponse>"
       % creds % (key, secret, token, iso(3600)))
roles = ["<AssumeRoleResponse><AssumeRoleResult>%s</AssumeRoleResult>"
         "</AssumeRoleResponse>"
         % creds % ("ASIAMFABROKERROLE%03d" % i, role_secret,
                    "FwoGZXIvYXdzEROLEtoken%d" % i, iso(1800))
         for i in range(1, 41)]
with open(path + ".new", "w") as f:
    json.dump({"routes": [{"method": "POST", "path": "/", "responses":
                           [{"body": b} for b in [gst] + roles]}]}, f)
os.rename(path + ".new", path)
EOF
    : > "$T/sts.log"
}

printf '%s\n' "[default]" "region = eu-west-1" \
    "role_arn = arn:aws:iam::123456789012:role/bastion-dev" \
    "source_profile = base" "mfa_serial = $serial" \
    "endpoint_url = http://127.0.0.1:$sts_port/" "[profile base]" \
    > "$home/.aws/config"
printf '%s\n' "[base]" "aws_access_key_id = $KEY_LONG" \
    "aws_secret_access_key = $SECRET_LONG" > "$home/.aws/credentials"
chmod 600 "$home/.aws/config" "$home/.aws/credentials"
chown "$user:" "$home/.aws/config" "$home/.aws/credentials"

# awscredd, beside its control socket in $T/broker (the token files go to
# $T/broker/users/UID, which the user must reach).
mkdir -m 755 "$T/broker"
printf '%s\n' "[broker]" "listen = 127.0.0.1:$(free_port)" \
    "control_socket = $T/broker/b.sock" "refresh_before = 3600s" \
    > "$T/broker.conf"
"$broker_bin" --foreground --conf "$T/broker.conf" > "$T/broker.log" 2>&1 &
broker_pid=$!
bg_pids="$bg_pids $broker_pid"
listening() {
    grep -q 'listening on' "$T/broker.log" ||
        { kill -0 "$broker_pid" 2>/dev/null && return 1; }
}
for _ in $(seq 200); do listening && break; sleep 0.1; done
grep -q 'listening on' "$T/broker.log" ||
    { diag "$T/broker.log"; skip_all "awscredd did not start"; }

opts="worker=$worker net_module=$net_module clock_check=never mfa"
opts="$opts mfa_dir=$T/mfa mfa_session_duration=3600"
opts="$opts deliver=endpoint broker_socket=$T/broker/b.sock"
mfa_stack required
start_kbd_sshd
wait_mfa_prompt "$user"

# What runs inside the session: its environment, the token and URL, then
# the broker's answers to curl (as any SDK asks: the token file's content
# as Authorization) until they carry the key $1, 90 s at most; then it
# stays logged in until the file $2 exists.
cat > "$T/inside.sh" <<'EOF'
env | sed 's/^/ENV /'
tok=$(cat "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") || exit 1
echo "TOKEN $tok"
echo "URL $AWS_CONTAINER_CREDENTIALS_FULL_URI"
get() {
    curl -s -m 20 -H "Authorization: $tok" \
        "$AWS_CONTAINER_CREDENTIALS_FULL_URI" | tr -d '\n'
    echo
}
echo "SERVED $(get)"
end=$(($(date +%s) + 90))
while test "$(date +%s)" -lt $end; do
    body=$(get)
    case $body in *"$1"*) echo "SERVED $body"; break ;; esac
    sleep 0.5
done
echo DONE
# Logged in until the test has looked from outside (120 s at most).
end=$(($(date +%s) + 120))
until test -e "$2" || test "$(date +%s)" -ge $end; do sleep 0.5; done
EOF
chmod 644 "$T/inside.sh"

echo 1..18
sts_script
mfa_login "$user" 123456 sh "$T/inside.sh" "$KEY_ROLE2" "$T/logout" \
    > "$T/out" &
login_pid=$!
until_ok() {  # until_ok COMMAND...: true once COMMAND is, within 120 s
    end=$(($(date +%s) + 120))
    until "$@"; do
        test "$(date +%s)" -lt $end || return 1
        sleep 0.5
    done
}
inside_done() { grep -q '^DONE$' "$T/out" || ! kill -0 $login_pid 2>/dev/null; }
until_ok inside_done
sed -n 's/^ENV //p' "$T/out" > "$T/env.out"
token=$(sed -n 's/^TOKEN //p' "$T/out")
url=$(sed -n 's/^URL //p' "$T/out")
as_user_status() {  # what the broker answers the user outside the session
    setpriv --reuid="$uid" --regid="$uid" --clear-groups \
        curl -s -m 20 -o /dev/null -w '%{http_code}' \
        -H "Authorization: $token" "$url"
}
has_pointer() {
    grep -q "^AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:" \
        "$T/env.out" &&
        grep -qx "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$T/broker/users/$uid/token" \
            "$T/env.out" && test -n "$token"
}
check "right code: the session points at the broker" has_pointer
check "the prompt names the device of the user's profile" \
    grep -q "AWS MFA code for $serial:" "$T/prompts"
no_secrets() {
    ! grep -q -e '^AWS_ACCESS_KEY_ID=' -e '^AWS_SECRET_ACCESS_KEY=' \
        -e '^AWS_SESSION_TOKEN=' -e AWSCRED_MFA -e 123456 \
        -e "$KEY_SESSION" -e "$SECRET_SESSION" -e "$TOKEN_SESSION" \
        -e "$SECRET_ROLE" -e "$SECRET_LONG" "$T/env.out"
}
check "no keys, no MFA session, no handle, no code in the session" no_secrets
served() {  # served N KEY: the Nth answer curl got has KEY
    sed -n 's/^SERVED //p' "$T/out" | sed -n "$1p" |
        grep -q "\"AccessKeyId\": *\"$2\""
}
check "curl in the session gets the role's keys from the broker" \
    served 1 "$KEY_ROLE1"
check "a refresh: new keys in the same session" served 2 "$KEY_ROLE2"
check "with no new prompt" test "$(wc -l < "$T/prompts")" = 1

# The STS's calls: GetSessionToken with the code, the role from the
# session at login, and the broker's refresh from the same session.
sts_calls() {  # sts_calls CHECK: CHECK on the calls; prints them if not
    python3 - "$T/sts.log" "$1" "$user" "$KEY_LONG" "$KEY_SESSION" \
        "$TOKEN_SESSION" <<'EOF'
import json, sys
path, what, user, long_key, key, token = sys.argv[1:]
with open(path) as f:
    calls = [json.loads(line) for line in f if line.strip()]
def signed(c, k):
    return "Credential=%s/" % k in c["headers"].get("authorization", "")
def no_code(c):
    return "TokenCode" not in c["body"] and "SerialNumber" not in c["body"]
def from_session(c):
    return (c["body"].startswith("Action=AssumeRole&") and no_code(c)
            and signed(c, key)
            and c["headers"].get("x-amz-security-token") == token)
serial = "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2F" + user
if what == "code":
    ok = (len(calls) >= 1
          and calls[0]["body"].startswith("Action=GetSessionToken&")
          and "DurationSeconds=3600&" in calls[0]["body"]
          and serial + "&" in calls[0]["body"]
          and calls[0]["body"].endswith("&TokenCode=123456")
          and signed(calls[0], long_key))
elif what == "login":
    ok = len(calls) >= 2 and from_session(calls[1])
elif what == "refresh":
    ok = len(calls) >= 3 and all(from_session(c) for c in calls[1:])
else:
    ok = len(calls) == 0
if not ok:
    for c in calls:
        print("# %s | %s" % (c["body"][:160],
                             c["headers"].get("authorization", "")[:60]))
sys.exit(0 if ok else 1)
EOF
}
check "STS: GetSessionToken with SerialNumber and the code, long-term key" \
    sts_calls code
check "STS: the login's role assumed from the MFA session, no code" \
    sts_calls login
check "STS: the refresh re-assumed the role from the MFA session, no code" \
    sts_calls refresh

check "while logged in, the user's token works outside the session too" \
    test "$(as_user_status)" = 200

# Logout. sshd closes the PAM session after the client has gone: poll.
touch "$T/logout"
wait $login_pid
no_process() { ! pgrep -u "$uid" > /dev/null; }
check "logout: no process of the login remains" until_ok no_process
forgotten() { case $(as_user_status) in 4??) true ;; *) false ;; esac; }
check "logout: the broker forgot the session (its URL answers 4xx)" \
    until_ok forgotten
no_handle() { test -d "$T/mfa" && test -z "$(ls -A "$T/mfa")"; }
check "logout: no handle left in mfa_dir" no_handle

# Wrong code, auth required: refused, and told why.
sts_answers 403 "$DENIED"
: > "$T/sts.log"
refused "wrong code" "AWS: the MFA code for $serial was not accepted"

# Wrong code, auth optional: a login without AWS credentials, and no
# registration with the broker.
mfa_stack optional
before=$(grep -c "$user" "$T/broker.log")
mfa_login "$user" 654321 > "$T/env3.out"
check "optional, wrong code: logged in without AWS credentials" \
    sh -c "grep -q '^USER=$user\$' '$T/env3.out' && ! grep -q '^AWS' '$T/env3.out'"
check "optional, wrong code: the broker did not hear of it" \
    test "$(grep -c "$user" "$T/broker.log")" = "$before"
# Each MFA auth asks whether the broker answers (it connects, sends
# nothing): not a refused request in the broker's log.
check "the broker's log has no refused control request" \
    sh -c "! grep -q 'control: request refused' '$T/broker.log'"
test $failed = 0 || {
    diag "$T/out"; diag "$T/ssh.err"; diag "$T/prompts"; diag "$T/sshd.log"
    diag "$T/broker.log"
}
exit $failed
