#!/usr/bin/env bash
# demo.sh: a real PAM login that gets AWS credentials.
#
#   sudo ./demo.sh [PROFILE]
#
# Installs the build dependencies (.ci/packages), builds the tree, creates
# a temporary user whose ~/.aws holds the example profiles of demo/, and
# opens a PAM session for that user through the real libpam with a service
# file that says what an admin puts in /etc/pam.d/sshd:
#
#   session optional pam_awscred.so profile=PROFILE
#
# It prints the AWS_* variables the session got (secrets masked), then
# removes the user. /etc/pam.d is not touched. The demo's profiles need no
# network, so its line says clock_check=never: nothing is asked of the
# network and no host clock record is written under /run/awscred
# (`awscred clock` shows the clock check on its own).
set -eu
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
profile=${1:-default}
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (it creates a temporary user)" >&2; exit 1; }

.ci/install-packages.sh
if [ ! -x _build/demo/pam-login ] || [ ! -f _build/pam_awscred/.libs/pam_awscred.so ]; then
    echo "building (once) in _build/ ..."
    [ -x configure ] || autoreconf -fi >/dev/null 2>&1
    mkdir -p _build
    (cd _build && { [ -f Makefile ] || ../configure -q; } && make -j"$(nproc)" >/dev/null)
fi

T=$(mktemp -d /tmp/awscred-demo.XXXXXX)
chmod 755 "$T"
user=awsdemo$$
cleanup() { userdel "$user" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
useradd -M -d "$T/home" -s /bin/sh -U "$user"
install -d -m 700 -o "$user" -g "$user" "$T/home" "$T/home/.aws"
install -m 600 -o "$user" -g "$user" demo/config demo/credentials "$T/home/.aws/"
mkdir "$T/pam.d"
cat > "$T/pam.d/awscred-demo" <<PAM
session optional $top/_build/pam_awscred/.libs/pam_awscred.so profile=$profile conf=$T/none clock_check=never worker=$top/_build/pam_awscred/awscred-worker
PAM
echo "user $user logs in; ~/.aws of that user:"
sed 's/^/  /' "$T/home/.aws/config"
echo "PAM service file:"
sed 's/^/  /' "$T/pam.d/awscred-demo"
"$top/_build/demo/pam-login" "$T/pam.d" awscred-demo "$user"
