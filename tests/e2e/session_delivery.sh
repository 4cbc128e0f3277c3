#!/bin/sh
# session_delivery.sh: `awscred session --user U` says which delivery a
# login would get and why, probing the broker's control socket as the
# module would, without registering anything: deliver=keys; auto with no
# socket, a dead socket, and awscredd answering; keys that never expire;
# deliver=endpoint without a broker fails the dry run. Root only (the
# worker runs as the user; the control socket is root's).
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_builddir=$(cd "$top_builddir" && pwd)
. "$(dirname "$0")/../lib/tap.sh"
AWSCRED="$top_builddir/cli/awscred"
WORKER="$top_builddir/pam_awscred/awscred-worker"
BROKER="$top_builddir/awscredd/awscredd"
KEY=ASIADELIVERYTEST0001

[ -x "$AWSCRED" ] && [ -x "$WORKER" ] && [ -x "$BROKER" ] ||
    skip_all "awscred, the worker and awscredd not built"
[ "$(id -u)" = 0 ] ||
    skip_all "needs root (the worker as a user, a root socket)"
command -v python3 >/dev/null || skip_all "python3 is not installed"

tmp=$(mktemp -d)
chmod 755 "$tmp"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
sock=$tmp/broker.sock
expires=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
cat >"$tmp/process.sh" <<EOT
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "$KEY", "SecretAccessKey": "deliverySecret/abcdefghijklmnopqrst+0", "SessionToken": "IQoJdeliveryToken+/==", "Expiration": "$expires"}'
EOT
chmod 755 "$tmp/process.sh"
printf '[default]\ncredential_process = %s\n[profile static]\n' \
    "$tmp/process.sh" >"$tmp/config"
printf '[static]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' >"$tmp/credentials"
printf 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' \
    >>"$tmp/credentials"
chmod 600 "$tmp/config" "$tmp/credentials"
opts="minimum_uid=0 ignore_root=false conf=/nonexistent worker=$WORKER"
opts="$opts config_file=$tmp/config credentials_file=$tmp/credentials"
opts="$opts clock_check=never broker_socket=$sock"

# check_session NAME WANT-STATUS WANT-TEXT [module options...]
check_session() {
    name=$1 want_status=$2 want=$3
    shift 3
    # shellcheck disable=SC2086
    "$AWSCRED" session --user root $opts "$@" >"$tmp/out" 2>&1
    status=$?
    if [ "$status" = "$want_status" ] && grep -qF -- "$want" "$tmp/out"; then
        ok "$name"
    else
        not_ok "$name"
        diag "$tmp/out"
        echo "# exit $status, wanted $want_status and: $want"
    fi
}

plan 8
check_session "deliver=keys: keys, by the option" 0 \
    "awscred session: delivery: keys (deliver=keys)" deliver=keys
check_session "auto without a socket: keys, no broker" 0 \
    "awscred session: delivery: keys (no broker at $sock: No such file or directory)"
check_session "keys that never expire stay keys" 0 \
    "awscred session: delivery: keys (the credentials never expire)" \
    profile=static
check_session "deliver=endpoint without a broker fails the dry run" 255 \
    "awscred session: delivery: none (no broker at $sock:" deliver=endpoint

python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$sock"
check_session "a dead broker's socket: keys, connection refused" 0 \
    "awscred session: delivery: keys (no broker at $sock: Connection refused)"
rm -f "$sock"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[broker]\nlisten = 127.0.0.1:%s\ncontrol_socket = %s\n' "$port" "$sock" \
    >"$tmp/broker.conf"
chmod 600 "$tmp/broker.conf"
"$BROKER" --foreground --conf "$tmp/broker.conf" >"$tmp/broker.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check_session "auto with awscredd answering: endpoint" 0 \
    "awscred session: delivery: endpoint (the broker answers on $sock (deliver=auto))"
check_session "deliver=endpoint with awscredd: endpoint" 0 \
    "awscred session: delivery: endpoint (the broker answers on $sock (deliver=endpoint))" \
    deliver=endpoint
if grep -q "$KEY" "$tmp/broker.log" || [ -e "$tmp/users" ]; then
    not_ok "the probe registered nothing"
    diag "$tmp/broker.log"
else
    ok "the probe registered nothing (no issuance, no token dir)"
fi
finish
