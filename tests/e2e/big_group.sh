#!/bin/sh
# big_group.sh: fault row S12.3, [group NAME] sections for groups whose
# /etc/group entry is large. In a private mount namespace (unshare) a copy
# of /etc/group with one extra group, awsbig, whose member list is long
# and names root, is bound over /etc/group; `awscred session`, which does
# what pam_awscred.so does at login, runs for root with a configuration
# whose [group awsbig] section sets the region:
#   - an entry of about 8 KiB (more than the 4 KiB buffer of old): the
#     section applies;
#   - an entry over 1 MiB (the lookup's bound): the group cannot be
#     resolved, which is logged, and the session exports nothing (failing
#     closed: the global settings could hand a broader role).
# Nothing outside the namespace sees the extra group. Root only.
#
# SPDX-License-Identifier: MIT
set -u

. "$(dirname "$0")/ns_lib.sh"
ns_profile AKIABIGGROUPBIGGROUP BigGroupSecret00000000000000000000000000 \
    eu-north-1
printf '[group awsbig]\nregion = sa-east-1\n' >"$tmp/pam_awscred.conf"
chmod 644 "$tmp/pam_awscred.conf"

# $1 members: an /etc/group copy with awsbig (gid 64999) listing root
# $1 times, then the session inside the namespace.
session() {
    cp /etc/group "$tmp/group"
    printf 'awsbig:x:64999:%s\n' \
        "$(yes root | head -n "$1" | paste -sd, -)" >>"$tmp/group"
    unshare --mount sh -c '
        mount --bind "$1/group" /etc/group || exit 91
        "$2" session --user root ignore_root=false conf="$1/pam_awscred.conf" \
            worker="$3" config_file="$1/aws/config" \
            credentials_file="$1/aws/credentials" clock_check=never
    ' sh "$tmp" "$AWSCRED" "$WORKER" >"$tmp/out" 2>&1
}

report() {  # report OK DESCRIPTION
    if [ "$1" = yes ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        sed 's/^/# /' "$tmp/out" | head -20
    fi
    n=$((n + 1))
}

echo "1..4"
n=1
session 1600
status=$?
[ "$status" = 91 ] && skip "cannot bind over /etc/group in the namespace"
size=$(tail -n 1 "$tmp/group" | wc -c)
ok=no
[ "$status" = 0 ] && grep -q "AWS_REGION=sa-east-1" "$tmp/out" && ok=yes
report $ok "an awsbig entry of $size bytes: its section sets the region"
ok=no
grep -q "cannot resolve group" "$tmp/out" || ok=yes
report $ok "and the group resolves without a message"

session 220000
status=$?
size=$(tail -n 1 "$tmp/group" | wc -c)
ok=no
[ "$status" != 0 ] && ! grep -q "AWS_ACCESS_KEY_ID" "$tmp/out" && ok=yes
report $ok "an awsbig entry of $size bytes: nothing exported (status $status)"
ok=no
grep -q "cannot resolve group awsbig: its entry is larger than 1048576 bytes" \
    "$tmp/out" && grep -q "\[group awsbig\] in $tmp/pam_awscred.conf cannot be applied" \
    "$tmp/out" && ok=yes
report $ok "the group and its section are named in the log"
