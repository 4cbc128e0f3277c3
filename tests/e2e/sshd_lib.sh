# sshd_lib.sh: shared by the tests that log in through a private sshd
# (sshd_login.sh, sshd_load.sh). Sourced, not run. The sourcing script sets
# top_builddir (or runs from the build tree) and then calls, in order:
#
#   sshd_preflight            skips unless root, sshd, ssh, useradd, a built
#                             module and worker, and no sanitizer build
#   sshd_setup                temporary directory, keys, cleanup trap
#   make_user NAME...         test users with the client key
#   write_pam "OPTIONS"       the PAM service file naming the module
#                             (write_pam_base: the stack without it)
#   write_sshd_config [LINE...] and start_sshd; then wait_sshd USER
#   remote USER COMMAND...    one ssh login
#   start_moto / stop_moto    moto_server on a loopback port (moto_port);
#                             start_moto is launch_moto, then wait_moto
#
# and the TAP helpers of tests/lib/tap.sh (ok, not_ok, check, diag,
# skip_all, finish). Everything created (users, their groups, the PAM
# service file, /run/sshd when it was missing, the temporary directory, the
# servers started) is removed by the exit trap; bg_pids may name more
# processes to end there.
#
# SPDX-License-Identifier: MIT

: "${top_builddir:=$(pwd)}"
. "$(dirname "$0")/../lib/tap.sh"
name=sshd-awscred-$$
pamfile=/etc/pam.d/$name
T=
test_users=
created_run_sshd=
sshd_pid=
moto_pid=
bg_pids=

# The conditions every sshd test needs; sets sshd_bin, module, worker and
# net_module.
sshd_preflight() {
    test "$ENABLE_SSHD_TESTS" = no && skip_all "--disable-sshd-tests"
    test "$(id -u)" = 0 || skip_all "needs root (creates users and $pamfile)"
    sshd_bin=$(command -v sshd || echo /usr/sbin/sshd)
    test -x "$sshd_bin" || skip_all "sshd not installed (apt install openssh-server)"
    command -v ssh >/dev/null || skip_all "ssh client not installed"
    command -v useradd >/dev/null || skip_all "useradd not available"
    test -e "$pamfile" && skip_all "$pamfile already exists; not touching it"
    module=$top_builddir/pam_awscred/.libs/pam_awscred.so
    worker=$top_builddir/pam_awscred/awscred-worker
    net_module=$top_builddir/libawscred/.libs/awscred-net.so
    test -f "$module" && test -x "$worker" || skip_all "module or worker not built"
    grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null &&
        skip_all "sanitizer build: the system sshd cannot load an ASan module"
    return 0
}

sshd_cleanup() {
    for p in $bg_pids $moto_pid $sshd_pid; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    # Only names make_user created; 4 at a time, as there.
    test -n "$test_users" &&
        printf '%s\n' $test_users | xargs -P 4 -n 1 userdel 2>/dev/null
    rm -f "$pamfile"
    test -n "$created_run_sshd" && rmdir /run/sshd 2>/dev/null
    test -n "$T" && rm -rf "$T"
}

# The temporary directory $T (mode 755: homes live under it), the client and
# host keys, and the exit trap.
sshd_setup() {
    T=$(mktemp -d /tmp/awscred-sshd.XXXXXX) || exit 1
    chmod 755 "$T"
    trap sshd_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    ssh-keygen -q -t ed25519 -N '' -f "$T/client_key" || exit 1
    ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" || exit 1
}

# A free loopback port.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Users with the client key, a home $T/home-NAME with ~/.ssh and ~/.aws,
# and an unusable (not locked) password. Fails, creating nothing, when one
# of the names exists already. useradd runs 4 at a time (it waits for the
# passwd lock), and one Python process makes the homes: both cost seconds
# for the 50 users of sshd_load.sh.
make_user() {
    test -z "$(getent passwd "$@")" || return 1
    test_users="$test_users $*"
    printf '%s\n' "$@" |
        xargs -P 4 -I '{}' useradd -M -d "$T/home-{}" -s /bin/sh -U -p '*' '{}' ||
        return 1
    python3 - "$T" "$@" <<'EOF'
import os, pwd, sys
top = sys.argv[1]
with open(os.path.join(top, "client_key.pub")) as f:
    key = f.read()
for user in sys.argv[2:]:
    pw = pwd.getpwnam(user)
    home = os.path.join(top, "home-" + user)
    for path, mode in ((home, 0o755), (home + "/.ssh", 0o700),
                       (home + "/.aws", 0o700)):
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        os.chown(path, pw.pw_uid, pw.pw_gid)
    path = home + "/.ssh/authorized_keys"
    with open(path, "w") as f:
        f.write(key)
    os.chmod(path, 0o600)
    os.chown(path, pw.pw_uid, pw.pw_gid)
EOF
}

# The PAM service file: a stack that lets a key login through, and then
# pam_awscred.so with the given options (write_pam_base: without it).
write_pam_base() {
    cat > "$pamfile" <<EOF
# Written by pam_awscred's tests/e2e/$(basename "$0"); removed when it ends.
auth     required pam_deny.so
account  required pam_permit.so
session  required pam_permit.so
EOF
}
write_pam() {  # write_pam "module options"
    write_pam_base
    # Tests talk to loopback only: the login clock probe (clock_check=auto
    # asks the real regional STS endpoint) stays off unless a case sets its
    # own clock options against a local server; the host's clock record
    # then lives in the test's directory.
    case "$*" in
    *clock_*|*sntp_server*) clock="clock_state=$T/clock-state" ;;
    *) clock=clock_check=never ;;
    esac
    echo "session  optional $module worker=$worker $clock $*" >> "$pamfile"
}

# The private sshd's configuration; each argument is one more line.
write_sshd_config() {
    port=$(free_port)
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
    for line in "$@"; do
        echo "$line" >> "$T/sshd_config"
    done
}

# Runs sshd under the name $name, so that it reads /etc/pam.d/$name.
start_sshd() {
    if ! test -d /run/sshd; then
        mkdir -p /run/sshd && chmod 755 /run/sshd && created_run_sshd=1
    fi
    ln -s "$sshd_bin" "$T/$name"
    "$T/$name" -D -f "$T/sshd_config" -E "$T/sshd.log" &
    sshd_pid=$!
}

remote() {  # remote user command...
    u=$1; shift
    ssh -i "$T/client_key" -p "$port" -o BatchMode=yes -o ConnectTimeout=5 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o LogLevel=ERROR "$u@127.0.0.1" "$@"
}

# Waits until USER can log in; skips the whole test if sshd never comes up.
wait_sshd() {
    sshd_until logs_in "$1"
}
logs_in() {
    remote "$1" true 2>/dev/null
}

# Runs COMMAND... until it succeeds, for 10 s at most; skips the whole test
# if sshd never comes up (or is gone).
sshd_until() {
    tries=0
    until "$@"; do
        tries=$((tries + 1))
        if test $tries -ge 20 || ! kill -0 "$sshd_pid" 2>/dev/null; then
            echo "1..0 # SKIP private sshd did not come up"
            diag "$T/sshd.log"
            exit 0
        fi
        sleep 0.5
    done
}

# moto_server on a loopback port: launch_moto starts it (sets moto and
# moto_port; returns 1 when moto_server or the network module is missing,
# or --disable-moto-tests), wait_moto waits until it answers (up to 30 s),
# start_moto does both.
launch_moto() {
    moto=$(command -v moto_server || echo /root/.pyenv/shims/moto_server)
    if test "$ENABLE_MOTO_TESTS" = no || ! test -x "$moto" ||
            ! test -f "$net_module"; then
        return 1
    fi
    moto_port=$(free_port)
    "$moto" -H 127.0.0.1 -p "$moto_port" > "$T/moto.log" 2>&1 &
    moto_pid=$!
}
wait_moto() {
    python3 - "http://127.0.0.1:$moto_port/moto-api/" <<'EOF'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        break
    except Exception:
        time.sleep(0.1)
EOF
}
start_moto() {
    launch_moto && wait_moto
}
stop_moto() {
    if test -n "$moto_pid"; then
        kill "$moto_pid" 2>/dev/null
        wait "$moto_pid" 2>/dev/null
    fi
    moto_pid=
}
