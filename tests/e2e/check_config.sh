#!/bin/sh
# check_config.sh: `awscred check-config FILE` reports every mistake in a
# pam_awscred.conf, each with its file, line, the bad text and what is
# accepted (a wrong word for a flag, a unit the timeout does not take, a
# misspelt option with the nearest name, an unknown section, two syntax
# errors, not only the first) and exits 253; a clean file and the shipped
# example exit 0; a missing file is a problem. The module reads the file
# the same way: `awscred session` prints the same lines.
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
AWSCRED="$top_builddir/cli/awscred"

. "$(dirname "$0")/../lib/tap.sh"
[ -x "$AWSCRED" ] || skip_all "awscred not built"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
conf="$tmp/pam_awscred.conf"
cat >"$conf" <<'EOT'
; an admin's first try
[global]
strict = ture
timeout = 5s
profle = dev
minimum_uid = 1000
nonsense line
[usr alice]
profile = alice
[user bob
region = eu-west-1
[user carol]
clock_check = sometimes
debug
[group staff]
conf = /etc/other.conf
EOT
chmod 644 "$conf"

n=0
expect() {  # expect DESCRIPTION TEXT: TEXT is a line of $tmp/out
    n=$((n + 1))
    if grep -qxF -- "awscred check-config: $2" "$tmp/out"; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        echo "# wanted: $2"
        sed 's/^/# /' "$tmp/out"
    fi
}
status() {  # status DESCRIPTION GOT WANTED
    n=$((n + 1))
    if [ "$2" = "$3" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1 (status $2, wanted $3)"
        sed 's/^/# /' "$tmp/out"
    fi
}

echo "1..15"
"$AWSCRED" check-config "$conf" >"$tmp/out" 2>&1
status "a file with mistakes fails the check" $? 253
expect "a wrong word for a flag: line, text, accepted words" \
    "$conf:3: invalid value 'ture' for strict (true/false/yes/no/on/off/1/0), ignored"
expect "a unit the timeout does not take" \
    "$conf:4: invalid value '5s' for timeout (seconds such as 5 or 2.5, or milliseconds such as 750ms, at most 300 s), ignored"
expect "a misspelt option, with the nearest name" \
    "$conf:5: unknown option profle (did you mean profile?), ignored"
expect "a line that is not name = value" \
    "$conf:7: 'nonsense line' is neither a section, a comment nor name = value"
expect "an unknown section" \
    "$conf:8: '[usr alice]' is an unknown section (accepted: [global], [user NAME], [group NAME]); its lines are ignored"
expect "a section header without its bracket" \
    "$conf:10: '[user bob' is a section header without ']'"
expect "a bad value in a [user] section, checked without that user" \
    "$conf:13: invalid value 'sometimes' for clock_check (auto/always/never), ignored"
expect "a second syntax error is reported too" \
    "$conf:14: 'debug' is neither a section, a comment nor name = value"
expect "an option the file may not set" \
    "$conf:16: option conf is accepted only as a module argument, ignored"
expect "the count" "$conf: 9 problems"

printf '[global]\nstrict = yes\ntimeout = 2.5\n[user alice]\nprofile = dev\n' \
    >"$tmp/good.conf"
"$AWSCRED" check-config "$tmp/good.conf" >"$tmp/out" 2>&1
status "a clean file passes" $? 0
"$AWSCRED" check-config "$top_srcdir/etc/pam_awscred.conf" >"$tmp/out" 2>&1
status "the shipped example passes" $? 0
"$AWSCRED" check-config "$tmp/missing.conf" >"$tmp/out" 2>&1
status "a missing file is a problem" $? 253

# The module's reader says the same at a login; minimum_uid above every
# uid: no worker runs.
"$AWSCRED" session --user root conf="$conf" minimum_uid=4294967295 \
    >"$tmp/out" 2>&1
n=$((n + 1))
if grep -qF "error: $conf:5: unknown option profle (did you mean profile?)" \
    "$tmp/out"; then
    echo "ok $n - a login reports the same line"
else
    echo "not ok $n - a login reports the same line"
    sed 's/^/# /' "$tmp/out"
fi
