#!/bin/sh
# session_escape.sh: `awscred session` prints what the module would log,
# escaped: a credential_process whose stderr holds ESC (\033) and the C1
# CSI (U+009B, bytes \302\233) reaches the admin's terminal as \x1b and
# \xc2\x9b, with valid UTF-8 kept. Root only (the session runs the worker
# as the user, here root, on files in a temporary directory).
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
AWSCRED="$top_builddir/cli/awscred"
WORKER="$top_builddir/pam_awscred/awscred-worker"

. "$(dirname "$0")/../lib/tap.sh"
[ -x "$AWSCRED" ] && [ -x "$WORKER" ] ||
    skip_all "awscred and the worker not built"
[ "$(id -u)" = 0 ] || skip_all "needs root to run the worker as a user"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '#!/bin/sh\nprintf '"'"'caf\\303\\251 \\033[2J\\302\\23331m boom\\n'"'"' >&2\nexit 1\n' \
    >"$tmp/helper.sh"
printf '[default]\ncredential_process = /bin/sh %s/helper.sh\n' "$tmp" \
    >"$tmp/config"
: >"$tmp/credentials"
chmod 600 "$tmp/config" "$tmp/credentials"
"$AWSCRED" session --user root minimum_uid=0 ignore_root=false conf=/nonexistent \
    worker="$WORKER" config_file="$tmp/config" \
    credentials_file="$tmp/credentials" clock_check=never \
    >"$tmp/out" 2>&1
status=$?

echo "1..3"
if [ "$status" = 255 ]; then
    echo "ok 1 - the failing helper fails the dry run"
else
    echo "not ok 1 - the failing helper fails the dry run (status $status)"
fi
# grep -F: the escaped form, backslashes and all; é kept as UTF-8.
if grep -qF 'café \x1b[2J\xc2\x9b31m boom' "$tmp/out"; then
    echo "ok 2 - the helper's message is printed with ESC and CSI escaped"
else
    echo "not ok 2 - the helper's message is printed with ESC and CSI escaped"
    od -c "$tmp/out" | sed 's/^/# /'
fi
if LC_ALL=C grep -q "$(printf '\033')\|$(printf '\302\233')" "$tmp/out"; then
    echo "not ok 3 - no raw ESC or CSI on the terminal"
else
    echo "ok 3 - no raw ESC or CSI on the terminal"
fi
