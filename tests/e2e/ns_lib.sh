# ns_lib.sh: sourced by the tests that run `awscred session` (what
# pam_awscred.so does at login) as root in a private mount namespace
# (readonly_root.sh, big_group.sh). Skips unless the programs are built
# and unshare --mount works as root; sets AWSCRED, WORKER, the TAP helpers
# of tests/lib/tap.sh and $tmp (removed at exit). ns_profile KEY SECRET
# REGION writes a static [default] profile into $tmp/aws/config and
# $tmp/aws/credentials.
# SPDX-License-Identifier: MIT
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
AWSCRED="$top_builddir/cli/awscred"
WORKER="$top_builddir/pam_awscred/awscred-worker"

. "$(dirname "$0")/../lib/tap.sh"
[ -x "$AWSCRED" ] && [ -x "$WORKER" ] ||
    skip_all "awscred and the worker not built"
[ "$(id -u)" = 0 ] || skip_all "needs root for unshare --mount and the session"
command -v unshare >/dev/null || skip_all "unshare (util-linux) is needed"
unshare --mount true 2>/dev/null ||
    skip_all "unshare --mount is not permitted here"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

ns_profile() {
    mkdir -m 700 "$tmp/aws"
    printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
        "$1" "$2" >"$tmp/aws/credentials"
    printf '[default]\nregion = %s\n' "$3" >"$tmp/aws/config"
    chmod 600 "$tmp/aws/credentials" "$tmp/aws/config"
}
