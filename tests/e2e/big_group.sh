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
#     closed: the global settings could hand a broader role);
#   - root in 1100 groups (over the module's 1024), in system mode with
#     system_user=nobody: root's groups cannot be listed, so no [group]
#     section can be decided: logged, nothing exported.
# Nothing outside the namespace sees the extra group. Root only.
#
# SPDX-License-Identifier: MIT
set -u

. "$(dirname "$0")/ns_lib.sh"
ns_profile AKIABIGGROUPBIGGROUP BigGroupSecret00000000000000000000000000 \
    eu-north-1
printf '[group awsbig]\nregion = sa-east-1\n' >"$tmp/pam_awscred.conf"
# System mode as nobody, who must reach the admin's files.
chmod 755 "$tmp"
mkdir -m 755 "$tmp/sys"
cp "$tmp/aws/config" "$tmp/aws/credentials" "$tmp/sys/"
chmod 644 "$tmp/sys/config" "$tmp/sys/credentials"
printf 'mode = system\nsystem_user = nobody\nsystem_config = %s\nsystem_credentials = %s\n[group awsg7]\nregion = sa-east-1\n' \
    "$tmp/sys/config" "$tmp/sys/credentials" >"$tmp/system.conf"
chmod 644 "$tmp/pam_awscred.conf" "$tmp/system.conf"

# /etc/group copies: awsbig (gid 64999) listing root $1 times; or $1
# groups awsgN listing root. Each has the marker group awsnsmark.
groups_big() {
    { cat /etc/group; echo "awsnsmark:x:64998:"
      printf 'awsbig:x:64999:%s\n' "$(yes root | head -n "$1" | paste -sd, -)"
    } >"$tmp/group"
}
groups_many() {
    { cat /etc/group; echo "awsnsmark:x:64998:"
      seq 1 "$1" | awk '{ printf "awsg%d:x:%d:root\n", $1, 60000 + $1 }'
    } >"$tmp/group"
}

# The session for root with conf $1, in the namespace. A useradd or
# groupadd outside (other tests) renames a new /etc/group into place,
# which detaches our bind mount (Linux >= 3.18): such a run (93) is
# repeated.
session() {
    for try in 1 2 3 4 5; do
        unshare --mount sh -c '
            mount --bind "$1/group" /etc/group || exit 91
            "$2" session --user root minimum_uid=0 ignore_root=false \
                conf="$4" worker="$3" config_file="$1/aws/config" \
                credentials_file="$1/aws/credentials" clock_check=never
            status=$?
            grep -q "^awsnsmark:" /etc/group || exit 93
            exit $status
        ' sh "$tmp" "$AWSCRED" "$WORKER" "$1" >"$tmp/out" 2>&1
        status=$?
        [ "$status" = 93 ] || return "$status"
    done
    return "$status"
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

echo "1..6"
n=1
groups_big 1600
session "$tmp/pam_awscred.conf"
status=$?
[ "$status" = 91 ] && skip_all "cannot bind over /etc/group in the namespace"
size=$(tail -n 1 "$tmp/group" | wc -c)
ok=no
[ "$status" = 0 ] && grep -q "AWS_REGION=sa-east-1" "$tmp/out" && ok=yes
report $ok "an awsbig entry of $size bytes: its section sets the region"
ok=no
grep -q "cannot resolve group" "$tmp/out" || ok=yes
report $ok "and the group resolves without a message"

groups_big 220000
session "$tmp/pam_awscred.conf"
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

groups_many 1100
session "$tmp/system.conf"
status=$?
ok=no
[ "$status" != 0 ] && ! grep -q "AWS_ACCESS_KEY_ID" "$tmp/out" && ok=yes
report $ok "root in 1100 groups, system mode: nothing exported (status $status)"
ok=no
grep -q "cannot get the groups of user root" "$tmp/out" &&
    grep -q "\[group awsg7\] in $tmp/system.conf cannot be applied" \
    "$tmp/out" && ok=yes
report $ok "the groups and the section are named in the log"
