#!/bin/sh
# sshd_login.sh: a real login through a real sshd with pam_awscred.so in its
# session stack. Starts a private sshd on a loopback port under a symlinked
# name, so OpenSSH 9.2 (service name = __progname) reads its own
# /etc/pam.d/<name>; creates test users with keys; logs in with ssh and
# checks the remote environment, in user mode and in system mode, and that
# a user whose AWS files are broken still logs in.
#
# Root only (it adds users and a PAM service file); everything it creates
# is removed on exit. Prints TAP.
#
# SPDX-License-Identifier: MIT

: "${top_builddir:=$(pwd)}"
name=sshd-awscred-$$
pamfile=/etc/pam.d/$name

skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

test "$ENABLE_SSHD_TESTS" = no && skip_all "--disable-sshd-tests"
test "$(id -u)" = 0 || skip_all "needs root (creates users and $pamfile)"
sshd_bin=$(command -v sshd || echo /usr/sbin/sshd)
test -x "$sshd_bin" || skip_all "sshd not installed (apt install openssh-server)"
command -v ssh >/dev/null || skip_all "ssh client not installed"
command -v useradd >/dev/null || skip_all "useradd not available"
test -e "$pamfile" && skip_all "$pamfile already exists; not touching it"
module=$top_builddir/pam_awscred/.libs/pam_awscred.so
worker=$top_builddir/pam_awscred/awscred-worker
test -f "$module" && test -x "$worker" || skip_all "module or worker not built"
grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null &&
    skip_all "sanitizer build: the system sshd cannot load an ASan module"

T=$(mktemp -d /tmp/awscred-sshd.XXXXXX) || exit 1
chmod 755 "$T"
good=awse2e-g$$
broken=awse2e-b$$
created_run_sshd=
sshd_pid=
moto_pid=

cleanup() {
    if test -n "$moto_pid"; then
        kill "$moto_pid" 2>/dev/null
        wait "$moto_pid" 2>/dev/null
    fi
    if test -n "$sshd_pid"; then
        kill "$sshd_pid" 2>/dev/null
        wait "$sshd_pid" 2>/dev/null
    fi
    for u in "$good" "$broken"; do
        if id "$u" >/dev/null 2>&1; then
            userdel "$u" 2>/dev/null
        fi
    done
    rm -f "$pamfile"
    test -n "$created_run_sshd" && rmdir /run/sshd 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() {  # check "description" command...
    desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
diag() { sed 's/^/# /' "$@"; }

# A free loopback port.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)

# Users with a key, a home under $T and an unusable (not locked) password.
ssh-keygen -q -t ed25519 -N '' -f "$T/client_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" || exit 1
make_user() {
    useradd -M -d "$T/home-$1" -s /bin/sh -U -p '*' "$1" || return 1
    mkdir -p "$T/home-$1/.ssh" "$T/home-$1/.aws"
    cp "$T/client_key.pub" "$T/home-$1/.ssh/authorized_keys"
    chmod 700 "$T/home-$1/.ssh" "$T/home-$1/.aws"
    chmod 600 "$T/home-$1/.ssh/authorized_keys"
    chmod 755 "$T/home-$1"
    chown -R "$1:$1" "$T/home-$1"
}
make_user "$good" && make_user "$broken" || { echo "1..0 # SKIP useradd failed"; exit 0; }

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

write_pam() {  # write_pam "module options"
    cat > "$pamfile" <<EOF
# Written by pam_awscred's tests/e2e/sshd_login.sh; removed when it ends.
auth     required pam_deny.so
account  required pam_permit.so
session  required pam_permit.so
session  optional $module worker=$worker $*
EOF
}
write_pam ""

cat > "$T/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile $T/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
PermitUserEnvironment no
StrictModes yes
AcceptEnv none
EOF

if ! test -d /run/sshd; then
    mkdir -p /run/sshd && chmod 755 /run/sshd && created_run_sshd=1
fi
ln -s "$sshd_bin" "$T/$name"
"$T/$name" -D -f "$T/sshd_config" -E "$T/sshd.log" &
sshd_pid=$!

remote() {  # remote user command...
    u=$1; shift
    ssh -i "$T/client_key" -p "$port" -o BatchMode=yes -o ConnectTimeout=5 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o LogLevel=ERROR "$u@127.0.0.1" "$@"
}

tries=0
until remote "$good" true 2>/dev/null; do
    tries=$((tries + 1))
    if test $tries -ge 20 || ! kill -0 "$sshd_pid" 2>/dev/null; then
        echo "1..0 # SKIP private sshd did not come up"
        diag "$T/sshd.log"
        exit 0
    fi
    sleep 0.5
done

echo "1..12"

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
moto=$(command -v moto_server || echo /root/.pyenv/shims/moto_server)
net_module=$top_builddir/libawscred/.libs/awscred-net.so
if test "$ENABLE_MOTO_TESTS" = no || ! test -x "$moto" || ! test -f "$net_module"; then
    n=$((n + 1)); echo "ok $n # SKIP moto_server or the network module missing"
    n=$((n + 1)); echo "ok $n # SKIP moto_server or the network module missing"
else
    moto_port=$(free_port)
    "$moto" -H 127.0.0.1 -p "$moto_port" > "$T/moto.log" 2>&1 &
    moto_pid=$!
    for i in $(seq 1 60); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$moto_port/moto-api/', timeout=1)" 2>/dev/null && break
        sleep 0.5
    done
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
    kill "$moto_pid" 2>/dev/null
    wait "$moto_pid" 2>/dev/null
    moto_pid=
fi

# No secret in sshd's own log.
check "no secret in the sshd log" \
    sh -c "! grep -q '$SECRET_GOOD' '$T/sshd.log'"

if test $failed -ne 0; then
    echo "# sshd log:"
    diag "$T/sshd.log"
    for f in "$T"/err-* "$T"/caller; do test -f "$f" && diag "$f"; done
fi
exit 0
