#!/bin/sh
# sshd_login.sh: a real login through a real sshd with pam_awscred.so in its
# session stack. Starts a private sshd on a loopback port under a symlinked
# name, so OpenSSH 9.2 (service name = __progname) reads its own
# /etc/pam.d/<name>; creates test users with keys; logs in with ssh and
# checks the remote environment, in user mode and in system mode, that
# a user whose AWS files are broken still logs in, and that a login under a
# shifted clock shows the clock warning on the user's terminal.
#
# Root only (it adds users and a PAM service file); everything it creates
# is removed on exit. Prints TAP.
#
# SPDX-License-Identifier: MIT

. "$(dirname "$0")/sshd_lib.sh"

sshd_preflight
sshd_setup
good=awse2e-g$$
broken=awse2e-b$$
make_user "$good" "$broken" || skip_all "useradd failed"

KEY_GOOD=AKIAE2EGOODUSER00001
SECRET_GOOD=e2eGoodUserSecret/e2eGoodUserSecret+e2eGo
cat > "$T/home-$good/.aws/credentials" <<EOF
[default]
aws_access_key_id = $KEY_GOOD
aws_secret_access_key = $SECRET_GOOD
EOF
cat > "$T/home-$good/.aws/config" <<EOF
[default]
region = eu-west-1
EOF
# Broken: world-writable credentials, refused by the worker's file checks.
cat > "$T/home-$broken/.aws/credentials" <<EOF
[default]
aws_access_key_id = AKIAE2EBROKENUSER001
aws_secret_access_key = $SECRET_GOOD
EOF
chown -R "$good:$good" "$T/home-$good/.aws"
chown -R "$broken:$broken" "$T/home-$broken/.aws"
chmod 600 "$T/home-$good/.aws/credentials" "$T/home-$good/.aws/config"
chmod 666 "$T/home-$broken/.aws/credentials"

# The admin's files for system mode: root-only.
KEY_SYS=AKIAE2ESYSTEMMODE001
mkdir -p "$T/sys"
cat > "$T/sys/credentials" <<EOF
[fleet]
aws_access_key_id = $KEY_SYS
aws_secret_access_key = $SECRET_GOOD
EOF
printf '[profile fleet]\nregion = us-east-2\n' > "$T/sys/config"
chmod 600 "$T/sys/credentials" "$T/sys/config"

write_pam ""

write_sshd_config
start_sshd
wait_sshd "$good"

echo "1..14"

# User mode: the user's own ~/.aws.
remote "$good" env > "$T/env-good" 2>"$T/err-good"
check "user mode: login succeeds" test $? -eq 0
check "user mode: AWS_ACCESS_KEY_ID is the user's" \
    grep -qx "AWS_ACCESS_KEY_ID=$KEY_GOOD" "$T/env-good"
check "user mode: secret and region exported" \
    sh -c "grep -qx 'AWS_SECRET_ACCESS_KEY=$SECRET_GOOD' '$T/env-good' &&
           grep -qx 'AWS_REGION=eu-west-1' '$T/env-good'"

# A broken profile never blocks the login.
remote "$broken" env > "$T/env-broken" 2>"$T/err-broken"
check "broken files: login still succeeds" test $? -eq 0
check "broken files: nothing exported" \
    sh -c "! grep -q '^AWS_' '$T/env-broken'"

# The admin's dry run reads the same service file and masks the secrets.
"$top_builddir/cli/awscred" session --user "$good" --service "$name" \
    > "$T/dry-run" 2>"$T/err-dry-run"
check "awscred session: the same key id, masked" \
    sh -c "grep -qx 'AWS_ACCESS_KEY_ID=\*\{16\}0001' '$T/dry-run' &&
           grep -qx 'AWS_REGION=eu-west-1' '$T/dry-run' &&
           ! grep -q '$SECRET_GOOD' '$T/dry-run'"

# System mode: the admin's files, the same for every user.
write_pam "mode=system system_config=$T/sys/config" \
    "system_credentials=$T/sys/credentials system_profile=fleet"
remote "$good" env > "$T/env-sys" 2>"$T/err-sys"
check "system mode: login succeeds" test $? -eq 0
check "system mode: the admin's credentials" \
    sh -c "grep -qx 'AWS_ACCESS_KEY_ID=$KEY_SYS' '$T/env-sys' &&
           grep -qx 'AWS_REGION=us-east-2' '$T/env-sys'"
remote "$broken" env > "$T/env-sys-broken" 2>/dev/null
check "system mode: also for the user with broken files" \
    grep -qx "AWS_ACCESS_KEY_ID=$KEY_SYS" "$T/env-sys-broken"

# System mode with a role: static admin keys assume a role per user at
# moto_server's STS; the role session name is the user's name.
if ! start_moto; then
    n=$((n + 1)); echo "ok $n # SKIP moto_server or the network module missing"
    n=$((n + 1)); echo "ok $n # SKIP moto_server or the network module missing"
else
    printf '[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >> "$T/sys/credentials"
    printf '[profile perrole]\nrole_arn = arn:aws:iam::123456789012:role/fleet\nsource_profile = base\nregion = us-east-1\nendpoint_url = http://127.0.0.1:%s\n' "$moto_port" >> "$T/sys/config"
    write_pam "mode=system system_config=$T/sys/config" \
        "system_credentials=$T/sys/credentials system_profile=perrole" \
        "net_module=$net_module timeout=20"
    remote "$good" env > "$T/env-role" 2>"$T/err-role"
    check "system mode role: temporary credentials exported" \
        sh -c "grep -q '^AWS_ACCESS_KEY_ID=ASIA' '$T/env-role' &&
               grep -q '^AWS_SESSION_TOKEN=.' '$T/env-role' &&
               grep -q '^AWS_CREDENTIAL_EXPIRATION=20' '$T/env-role'"
    # Whose credentials are these? Ask the same STS with the AWS CLI.
    env -i PATH=/usr/bin:/bin HOME="$T" AWS_DEFAULT_REGION=us-east-1 \
        $(grep -E '^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)=' "$T/env-role") \
        /usr/bin/aws sts get-caller-identity \
        --endpoint-url "http://127.0.0.1:$moto_port" \
        --query Arn --output text > "$T/caller" 2>&1
    check "system mode role: role session name is the user name" \
        grep -q "assumed-role/fleet/$good\$" "$T/caller"
    stop_moto
fi

# The clock: sshd and the worker 10 minutes slow under
# libfaketime (the module starts the worker with an environment built from
# scratch, so a worker= wrapper carries the shift, as a host-wide skew
# would), a loopback server with the true Date as clock_url. sshd shows
# PAM's messages (like the motd) on interactive logins with a terminal
# only, hence -tt (ssh takes options after the destination too) and the
# shell's commands on stdin.
faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if ! test -f "$faketime_lib" || ! test -f "$net_module"; then
    n=$((n + 1)); echo "ok $n # SKIP libfaketime or the network module missing"
    n=$((n + 1)); echo "ok $n # SKIP libfaketime or the network module missing"
else
    python3 "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/clock_server.py" \
        > "$T/clock.port" &
    bg_pids="$bg_pids $!"
    for i in $(seq 1 50); do
        test -s "$T/clock.port" && break
        sleep 0.1
    done
    read -r _ clock_port _ < "$T/clock.port"
    shift_env="FAKETIME=-10m FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=$faketime_lib"
    printf '#!/bin/sh\nexec env %s %s "$@"\n' "$shift_env" "$worker" \
        > "$T/slow-worker"
    chmod 755 "$T/slow-worker"
    kill "$sshd_pid" && wait "$sshd_pid" 2>/dev/null
    rm -f "$T/$name"
    write_pam "worker=$T/slow-worker net_module=$net_module" \
        "clock_url=http://127.0.0.1:$clock_port/"
    write_sshd_config
    export FAKETIME=-10m FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$faketime_lib"
    start_sshd
    unset FAKETIME FAKETIME_DONT_FAKE_MONOTONIC LD_PRELOAD
    for i in $(seq 1 20); do  # not wait_sshd: the plan is printed already
        remote "$good" true 2>/dev/null && break
        sleep 0.5
    done
    printf 'echo key=$AWS_ACCESS_KEY_ID\nexit\n' |
        remote "$good" -tt > "$T/tty-clock" 2>"$T/err-clock"
    check "clock 10 min slow: the warning is on the user's terminal" \
        grep -q 'System clock is \(9 min 59\|10 min [01]\) s behind http://127.0.0.1:' \
        "$T/tty-clock"
    check "clock 10 min slow: credentials exported all the same" \
        grep -q "key=$KEY_GOOD" "$T/tty-clock"
fi

# No secret in sshd's own log.
check "no secret in the sshd log" \
    sh -c "! grep -q '$SECRET_GOOD' '$T/sshd.log'"

if test $failed -ne 0; then
    echo "# sshd log:"
    diag "$T/sshd.log"
    for f in "$T"/err-* "$T"/caller "$T"/tty-clock; do
        test -f "$f" && diag "$f"
    done
fi
exit 0
