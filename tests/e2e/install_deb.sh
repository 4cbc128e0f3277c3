#!/bin/sh
# install_deb.sh: the install test. Builds the Debian packages from this
# tree (packaging/build-packages.sh), installs them with dpkg -i, enables
# the module with pam-auth-update, logs a user in over a real sshd whose
# PAM stack includes the system's common-session (so the INSTALLED module
# runs, not the build tree's), then purges the packages and checks that
# nothing is left: no files, no PAM lines, no pam-auth-update state.
#
# It changes the machine (packages, /etc/pam.d, a user), so it runs only
# with AWSCRED_INSTALL_TEST=1 (set by .ci/run), as root, and not when
# configured with --disable-sshd-tests (make distcheck). Whatever happens,
# the exit trap purges the packages, removes the user and the temporary
# PAM service and restores /etc/pam.d/common-* if they still name the
# module.
#
# SPDX-License-Identifier: MIT
set -u
. "$(dirname "$0")/../lib/tap.sh"

[ "${AWSCRED_INSTALL_TEST:-}" = 1 ] \
    || skip_all "installs packages on this machine: set AWSCRED_INSTALL_TEST=1 to run"
[ "${ENABLE_SSHD_TESTS:-yes}" != no ] || skip_all "configured with --disable-sshd-tests"
[ "$(id -u)" = 0 ] || skip_all "needs root (dpkg -i, pam-auth-update, sshd)"
for cmd in dpkg-buildpackage dh pam-auth-update lintian /usr/sbin/sshd ssh ssh-keygen useradd; do
    command -v "$cmd" >/dev/null 2>&1 || skip_all "$cmd is not installed"
done
packages="libpam-awscred awscred libawscred-dev libawscred0"
for p in $packages; do
    if dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q installed; then
        skip_all "$p is already installed here; refusing to replace and purge it"
    fi
done

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/awscred-install.XXXXXX")
chmod 755 "$work"
user=awscredit$$
service=awscred-install-test-$$
sshd_pid=
state_files="/etc/pam.d/common-session /etc/pam.d/common-session-noninteractive \
/etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-password"
mkdir "$work/pam-backup"
for f in $state_files /var/lib/pam/*; do
    [ -f "$f" ] && cp -p "$f" "$work/pam-backup/$(echo "$f" | tr / _)"
done

# shellcheck disable=SC2317,SC2086 # called by the trap; one word per package
cleanup() {
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
    for p in $packages; do
        if dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q installed; then
            dpkg --purge $packages >/dev/null 2>&1
            break
        fi
    done
    for f in $state_files /var/lib/pam/*; do
        b="$work/pam-backup/$(echo "$f" | tr / _)"
        if [ -f "$b" ] && grep -q awscred "$f" 2>/dev/null; then
            cp -p "$b" "$f"
        fi
    done
    rm -f "/etc/pam.d/$service" "/etc/pam.d/$service-nonint"
    id "$user" >/dev/null 2>&1 && userdel -r "$user" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# check_quiet NAME COMMAND...: check, the command's output a diag when it
# fails
check_quiet() {
    name=$1
    shift
    if "$@" >"$work/out" 2>&1; then ok "$name"; else not_ok "$name"; diag "$work/out"; fi
}

# 1-2. Build from a clean tarball (or take the .debs already built in
# $AWSCRED_INSTALL_DEBS), then lintian.
if [ -n "${AWSCRED_INSTALL_DEBS:-}" ]; then
    mkdir "$work/debs"
    # the source files too: lintian reads the whole .changes
    cp "$AWSCRED_INSTALL_DEBS"/*.deb "$AWSCRED_INSTALL_DEBS"/*.changes \
        "$AWSCRED_INSTALL_DEBS"/*.buildinfo "$AWSCRED_INSTALL_DEBS"/*.dsc \
        "$AWSCRED_INSTALL_DEBS"/*.debian.tar.* \
        "$AWSCRED_INSTALL_DEBS"/*.orig.tar.gz "$work/debs/"
    ok "using the .debs in $AWSCRED_INSTALL_DEBS"
elif DEB_BUILD_OPTIONS="nocheck parallel=2" "$srcdir/packaging/build-packages.sh" --no-lintian \
        "$work/debs" >"$work/build.out" 2>&1; then
    ok "packaging/build-packages.sh builds the .debs"
else
    not_ok "packaging/build-packages.sh builds the .debs"
    sed 's/^/# /' "$work/build.out" | tail -n 60
    finish
fi
check_quiet "lintian: no errors, no warnings" \
    lintian --fail-on error,warning "$work"/debs/pam-awscred_*.changes

# 3. Install.
debs=
for p in $packages; do debs="$debs $(ls "$work"/debs/"$p"_*.deb)"; done
# shellcheck disable=SC2086 # one word per .deb
# libcjson is dlopen()ed (libawscred/util/json.c): no shlibs dependency.
check_quiet "libawscred0 depends on libcjson1" \
    sh -c "dpkg-deb -f '$work'/debs/libawscred0_*.deb Depends | grep -q libcjson1"
check_quiet "dpkg -i installs the four packages" dpkg -i $debs

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
module=/usr/lib/$multiarch/security/pam_awscred.so
for f in "$module" "/usr/lib/$multiarch/pam_awscred/awscred-worker" /usr/bin/awscred /usr/include/awscred.h \
         "/usr/lib/$multiarch/pam_awscred/awscred-net.so" /usr/share/pam-configs/awscred \
         /usr/lib/tmpfiles.d/pam_awscred.conf /etc/security/pam_awscred.conf; do
    [ -f "$f" ] || echo "missing: $f"
done >"$work/missing"
if [ -s "$work/missing" ]; then
    not_ok "the module, worker, command, library, config and profile are in place"
    sed 's/^/# /' "$work/missing"
else
    ok "the module, worker, command, library, config and profile are in place"
fi
worker_mode=$(stat -c %a "/usr/lib/$multiarch/pam_awscred/awscred-worker" 2>/dev/null)
check_quiet "the worker is installed 0711 (unreadable to users: not dumpable from exec) [$worker_mode]" \
    test "$worker_mode" = 711
if grep -q pam_awscred /etc/pam.d/common-session; then
    not_ok "installing does not enable the module (profile is Default: no)"
else
    ok "installing does not enable the module (profile is Default: no)"
fi
# Tests talk to loopback only: no login clock probe of the real STS
# endpoint (a conffile edit, which the purge below must remove too).
printf '\n; added by tests/e2e/install_deb.sh\nclock_check = never\n' \
    >> /etc/security/pam_awscred.conf
check_quiet "pam-auth-update --enable awscred" pam-auth-update --enable awscred
check_quiet "common-session now runs pam_awscred.so" \
    grep -Eq '^session[[:space:]]+optional[[:space:]]+pam_awscred\.so' /etc/pam.d/common-session

# 4. Log in over sshd. The PAM service is the name sshd runs under, so a
# symlink gives it a private /etc/pam.d file that includes the real
# common-* stacks (without pam_loginuid, which containers refuse).
useradd -m -s /bin/sh "$user" && usermod -p '*' "$user"
home=$(getent passwd "$user" | cut -d: -f6)
mkdir -p "$home/.ssh" "$home/.aws"
ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
cp "$work/user_key.pub" "$home/.ssh/authorized_keys"
key_id=AKIAINSTALLTEST$$
cat >"$home/.aws/credentials" <<EOF
[default]
aws_access_key_id = $key_id
aws_secret_access_key = install/test/secret/not/real
EOF
chmod 700 "$home/.ssh" "$home/.aws"
chmod 600 "$home/.aws/credentials" "$home/.ssh/authorized_keys"
chown -R "$user:" "$home"
cat >"/etc/pam.d/$service" <<'EOF'
@include common-auth
@include common-account
@include common-session
EOF
ln -s /usr/sbin/sshd "$work/$service"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p /run/sshd
cat >"$work/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $work/host_key
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $user
PidFile none
EOF
"$work/$service" -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
i=0
while [ $i -lt 50 ] && ! grep -q 'Server listening' "$work/sshd.log"; do
    sleep 0.1
    i=$((i + 1))
done
if timeout 30 ssh -q -i "$work/user_key" -p "$port" -o BatchMode=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        "$user@127.0.0.1" env >"$work/session.env" 2>"$work/ssh.err" \
        && grep -qx "AWS_ACCESS_KEY_ID=$key_id" "$work/session.env"; then
    ok "ssh login gets AWS_ACCESS_KEY_ID from the installed module"
else
    not_ok "ssh login gets AWS_ACCESS_KEY_ID from the installed module"
    grep -v SECRET "$work/session.env" 2>/dev/null | sed 's/^/# env: /'
    sed 's/^/# ssh: /' "$work/ssh.err"
    sed 's/^/# sshd: /' "$work/sshd.log" | tail -n 20
fi
if grep -qx 'AWS_SECRET_ACCESS_KEY=install/test/secret/not/real' "$work/session.env"; then
    ok "the session has the secret key too"
else
    not_ok "the session has the secret key too"
fi
kill "$sshd_pid" 2>/dev/null
wait "$sshd_pid" 2>/dev/null
sshd_pid=

# What pam-auth-update covers (Session-Interactive-Only: yes): the line is
# in common-session only, so services that include
# common-session-noninteractive (Debian's sudo, cron, systemd --user) get
# nothing, and the installed dry run says so for each.
if grep -q pam_awscred /etc/pam.d/common-session-noninteractive; then
    not_ok "common-session-noninteractive does not run pam_awscred.so"
else
    ok "common-session-noninteractive does not run pam_awscred.so"
fi
check_quiet "awscred session --service $service finds the line in common-session" \
    sh -c '/usr/bin/awscred session --user "$1" --service "$2" 2>&1 |
           grep -q "session line at /etc/pam.d/common-session:"' \
    sh "$user" "$service"
printf '@include common-auth\n@include common-session-noninteractive\n' \
    >"/etc/pam.d/$service-nonint"
/usr/bin/awscred session --user "$user" --service "$service-nonint" \
    >"$work/out" 2>&1
status=$?
rm -f "/etc/pam.d/$service-nonint"
if [ "$status" = 255 ] && grep -q "would get no AWS credentials" "$work/out"; then
    ok "a service with common-session-noninteractive gets nothing, and the dry run fails"
else
    not_ok "a service with common-session-noninteractive gets nothing, and the dry run fails (status $status)"
    sed 's/^/# /' "$work/out"
fi
for s in sshd login su sudo sudo-i cron systemd-user; do
    [ -f "/etc/pam.d/$s" ] || [ -f "/usr/lib/pam.d/$s" ] || continue
    /usr/bin/awscred session --user "$user" --service "$s" >/dev/null \
        2>"$work/out"
    echo "# coverage: $s: exit $? ($(grep -o 'session line at [^,]*\|would get no AWS credentials' "$work/out" | head -1))"
done

# 5. Purge and look for leftovers.
for p in $packages; do
    dpkg-query -L "$p" 2>/dev/null
done | sort -u >"$work/files"
# shellcheck disable=SC2086
check_quiet "dpkg --purge removes the packages" dpkg --purge $packages
leftovers() {
    while read -r f; do
        # Directories are shared with other packages; files must be gone.
        if [ -e "$f" ] && [ ! -d "$f" ]; then echo "left behind: $f"; fi
    done <"$work/files"
    grep -l awscred /etc/pam.d/common-* /var/lib/pam/* 2>/dev/null | sed 's/^/still names awscred: /'
    for f in /etc/security/pam_awscred.conf /usr/share/pam-configs/awscred \
             "/usr/lib/$multiarch/pam_awscred"; do
        [ -e "$f" ] && echo "left behind: $f"
    done
    return 0
}
leftovers >"$work/leftovers"
if [ -s "$work/leftovers" ]; then
    not_ok "nothing is left after the purge"
    sed 's/^/# /' "$work/leftovers"
else
    ok "nothing is left after the purge"
fi
for f in $state_files; do
    b="$work/pam-backup/$(echo "$f" | tr / _)"
    [ -f "$b" ] && ! cmp -s "$b" "$f" && echo "$f"
done >"$work/changed"
if [ -s "$work/changed" ]; then
    not_ok "/etc/pam.d/common-* are as before the test"
    sed 's/^/# changed: /' "$work/changed"
else
    ok "/etc/pam.d/common-* are as before the test"
fi
finish
