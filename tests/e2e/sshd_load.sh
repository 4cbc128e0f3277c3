#!/bin/sh
# sshd_load.sh: 50 logins at once through a private sshd with pam_awscred.so
# in system mode. Three rounds, each of all users at once:
#
#   baseline  the same stack without the module: what sshd alone costs
#             under this load
#   moto      static admin keys assume a role per user (a [user NAME]
#             section of pam_awscred.conf picks profile role-NAME) at
#             moto_server's STS; the role session name is the user's name.
#             Every session must hold its own credentials, checked with
#             GetCallerIdentity (assumed-role/role-NAME/NAME, 50 distinct
#             key ids), and no login may wait past the budget
#   hang      an STS that accepts connections and never answers, with the
#             default budget (timeout=5): every login proceeds, without
#             credentials, within the budget
#
# Time is measured twice per login: the ssh's wall time (connection, key
# exchange, authentication, session, `env`), and the module's own time,
# between two pam_exec stamps around it in the session stack. The module
# may take at most timeout= + SLACK: that is the login budget. The wall
# times, median and maximum, are TAP comments: beyond the module they are
# sshd's own queueing for the CPUs under 50 logins (see the baseline), which
# grows with whatever else the machine runs, so they are not asserted.
#
# The moto round has a longer budget (MOTO_BUDGET): on a 2-vCPU machine
# the 50 logins queue for the CPU, sshd's part included, and with
# timeout=5 a few of 50 workers are killed before AssumeRole returns
# (measured; the module then exports nothing and the login proceeds, which
# is the hang round's point).
#
# AWSCRED_LOAD_USERS changes the number of users (default 50). Root only,
# not under sanitizer builds (see sshd_lib.sh); creates and removes its
# users, PAM service file and servers. Prints TAP.
#
# SPDX-License-Identifier: MIT

here=$(dirname "$0")
. "$here/sshd_lib.sh"

sshd_preflight
test -f "$net_module" || skip_all "network module not built"
sshd_setup

N=${AWSCRED_LOAD_USERS:-50}
BUDGET=5          # timeout= of the hang round: the default login budget
MOTO_BUDGET=20    # timeout= of the moto round
SLACK=2           # seconds allowed on top of a budget
LIMIT=90          # an ssh still running after this is killed and fails
t0=$(cut -d' ' -f1 /proc/uptime)
elapsed() { awk -v t0="$t0" '{printf "%.1f", $1 - t0}' /proc/uptime; }

# The two STS servers start first, while the users are being created.
have_moto=
launch_moto && have_moto=1
python3 "$here/sshd_load.py" hang "$T/hang-port" "$T/hang-count" &
bg_pids=$!

users=$(seq -f "awsl$$u%02g" 1 "$N")
# shellcheck disable=SC2086
make_user $users || skip_all "useradd failed"
first=$(echo "$users" | head -n 1)

# The admin's files (root-only): one source of static keys; a role profile
# per user in two configs, one per STS; pam_awscred.conf maps each user to
# their profile.
mkdir -p "$T/sys"
cat > "$T/sys/credentials" <<EOF
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
EOF
chmod 600 "$T/sys/credentials"
write_sys_config() {  # write_sys_config FILE STS-PORT
    for u in $users; do
        printf '[profile role-%s]\nrole_arn = arn:aws:iam::123456789012:role/role-%s\n' "$u" "$u"
        printf 'source_profile = base\nregion = us-east-1\n'
        printf 'endpoint_url = http://127.0.0.1:%s\n' "$2"
    done > "$1"
    chmod 600 "$1"
}
for u in $users; do
    printf '[user %s]\nsystem_profile = role-%s\n' "$u" "$u"
done > "$T/sys/pam_awscred.conf"
chmod 644 "$T/sys/pam_awscred.conf"

# system_pam CONFIG BUDGET: the module in system mode (the clock probe off,
# as write_pam has it: loopback only), between two pam_exec stamps that
# time it: $T/stamps gets "USER before|after UPTIME" (dash and
# /proc/uptime: 10 ms resolution, the cheapest stamp to run).
cat > "$T/stamp" <<EOF
#!/bin/sh
test "\$PAM_TYPE" = open_session || exit 0
read -r up idle < /proc/uptime
echo "\$PAM_USER \$1 \$up" >> "$T/stamps"
EOF
chmod 755 "$T/stamp"
system_pam() {
    write_pam_base
    cat >> "$pamfile" <<EOF
session  optional pam_exec.so quiet $T/stamp before
session  optional $module worker=$worker clock_check=never conf=$T/sys/pam_awscred.conf mode=system system_config=$1 system_credentials=$T/sys/credentials net_module=$net_module timeout=$2
session  optional pam_exec.so quiet $T/stamp after
EOF
}

# MaxStartups: sshd's default (10:30:100) drops unauthenticated
# connections beyond 10; all of them must be let in. The key exchange is
# curve25519, because sntrup761 (the default) costs 0.2 s of CPU per login
# here: the load is meant for the module, not for the key exchange.
write_sshd_config "MaxStartups 500" "MaxSessions 100" "LoginGraceTime 90" \
    "KexAlgorithms curve25519-sha256"
write_pam_base
start_sshd
wait_sshd "$first"
echo "# setup (users, sshd) took $(elapsed) s"

echo "1..11"

# run_logins CASE: all users at once; results in $T/CASE/times
# ("USER EXIT SECONDS"), environments in $T/CASE/env-USER, the module's
# time per login in $T/CASE/module ("USER SECONDS").
run_logins() {
    mkdir -p "$T/$1"
    rm -f "$T/stamps"
    # shellcheck disable=SC2086
    python3 "$here/sshd_load.py" logins "$T/client_key" "$port" "$T/$1" \
        "$LIMIT" $users > "$T/$1/times"
    touch "$T/stamps"
    awk '$2 == "before" {b[$1] = $3} $2 == "after" && ($1 in b) {
             printf "%s %.2f\n", $1, $3 - b[$1]}' "$T/stamps" > "$T/$1/module"
}
# stats FILE: "MEDIAN MAX" of the last column.
stats() {
    awk '{print $NF}' "$1" | sort -n |
        awk '{a[NR] = $1} END {printf "%.2f %.2f\n", a[int((NR + 1) / 2)], a[NR]}'
}
all_logged_in() {  # all_logged_in CASE
    test "$(awk '$2 == 0' "$T/$1/times" | wc -l)" -eq "$N"
}
report() {  # report CASE
    set -- "$1" $(stats "$T/$1/times")
    echo "# $1: $N logins at once: ssh wall time median $2 s, max $3 s"
    if test -s "$T/$1/module"; then
        set -- "$1" $(stats "$T/$1/module")
        echo "# $1: time in pam_awscred's open_session median $2 s, max $3 s"
    fi
    echo "# $1 round done at $(elapsed) s"
}
within() {  # within FILE SECONDS: no line's last column is larger
    awk -v lim="$2" '$NF > lim {bad = 1; print "# " $0 " s"} END {exit bad}' "$1"
}
module_within() {  # module_within CASE SECONDS: N timed logins, none longer
    test "$(wc -l < "$T/$1/module")" -eq "$N" && within "$T/$1/module" "$2"
}
plus() { awk -v a="$1" -v b="$2" -v c="${3:-0}" 'BEGIN {printf "%.2f", a + b + c}'; }

# Baseline: sshd and the same stack without pam_awscred.
run_logins baseline
check "baseline: all $N logins succeed" all_logged_in baseline
report baseline

# Against moto_server.
if test -z "$have_moto"; then
    for i in 1 2 3 4 5; do
        n=$((n + 1)); echo "ok $n # SKIP moto_server or the network module missing"
    done
else
    wait_moto
    write_sys_config "$T/sys/config-moto" "$moto_port"
    system_pam "$T/sys/config-moto" "$MOTO_BUDGET"
    remote "$first" true 2>/dev/null   # moto loads its STS backend
    run_logins moto
    check "moto: all $N logins succeed" all_logged_in moto
    report moto
    missing=
    for u in $users; do
        grep -q '^AWS_ACCESS_KEY_ID=ASIA' "$T/moto/env-$u" &&
            grep -q '^AWS_SESSION_TOKEN=.' "$T/moto/env-$u" &&
            grep -q '^AWS_CREDENTIAL_EXPIRATION=20' "$T/moto/env-$u" ||
            missing="$missing $u"
    done
    check "moto: every session has temporary credentials" test -z "$missing"
    test -n "$missing" && echo "# without:$missing"
    # shellcheck disable=SC2086
    python3 "$here/sshd_load.py" whoami "http://127.0.0.1:$moto_port" \
        "$T/moto" $users > "$T/moto/whoami" 2> "$T/err-whoami"
    check "moto: each session is its own user's role (GetCallerIdentity)" \
        awk -v want="$N" '
            $2 == "arn:aws:sts::123456789012:assumed-role/role-" $1 "/" $1 { good++; next }
            { print "# " $1 ": " $2 }
            END { exit good != want }' "$T/moto/whoami"
    check "moto: $N distinct access key ids" \
        test "$(awk '$3 != "-" {print $3}' "$T/moto/whoami" | sort -u | wc -l)" -eq "$N"
    lim=$(plus "$MOTO_BUDGET" "$SLACK")
    check "moto: pam_awscred took at most $lim s (timeout=$MOTO_BUDGET) in every login" \
        module_within moto "$lim"
    stop_moto
fi

# Against an STS that never answers.
for i in $(seq 1 50); do
    test -s "$T/hang-port" && break
    sleep 0.1
done
write_sys_config "$T/sys/config-hang" "$(cat "$T/hang-port")"
system_pam "$T/sys/config-hang" "$BUDGET"
run_logins hang
check "hang: all $N logins succeed" all_logged_in hang
report hang
check "hang: no session has credentials" \
    sh -c "! grep -l '^AWS_ACCESS_KEY_ID=' '$T'/hang/env-* >&2"
held=$(cat "$T/hang-count" 2>/dev/null || echo 0)
echo "# the hanging STS accepted $held connections"
test "$held" -lt "$N" &&
    echo "# (the other workers were still starting when the deadline killed them)"
check "hang: the workers reached the hanging STS" test "$held" -gt 0
lim=$(plus "$BUDGET" "$SLACK")
check "hang: pam_awscred took at most $lim s (timeout=$BUDGET) in every login" \
    module_within hang "$lim"

check "no secret in the sshd log" \
    sh -c "! grep -q 'wJalrXUtnFEMI' '$T/sshd.log'"

if test $failed -ne 0; then
    echo "# sshd log (last 60 lines):"
    tail -n 60 "$T/sshd.log" | diag
    for f in "$T"/err-* "$T"/*/err-*; do
        test -s "$f" && { echo "# $f:"; head -n 5 "$f" | diag; }
    done
fi
echo "# removing $N users"
exit 0
