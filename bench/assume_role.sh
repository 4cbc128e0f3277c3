#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/assume_role.sh: a two-hop assume-role profile (static keys ->
# hop1 -> hop2) against moto_server on loopback, resolved by `awscred
# export` and by AWS CLI v2 (`aws configure export-credentials`, Debian's
# /usr/bin/aws through tests/lib/aws_v2.py so it can reach the local STS):
# first fetch (empty ~/.aws/cli/cache) and cache hit, side by side, with
# the number of STS requests each made (counted in moto's request log).
# Cache hits are timed by bench/harness.c, both tools in turn (a shell's
# `date` around one call timed its own forks: 12 ms for a 0.8 ms hit).
# Then whether a cache hit maps libcurl or libssl (LD_DEBUG=files).
#
# Usage: bench/assume_role.sh [BUILDDIR] [RUNS]   (defaults: ., 5)
# Needs moto_server, /usr/bin/aws and a built awscred. Prints medians.
set -eu

builddir=$(cd "${1:-.}" && pwd)
runs=${2:-5}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$srcdir/bench/awscred.sh"
module="$builddir/libawscred/.libs/awscred-net.so"
moto=$(command -v moto_server || echo /root/.pyenv/shims/moto_server)

for need in "$awscred" "$module" "$moto" /usr/bin/aws; do
    [ -e "$need" ] || { echo "bench/assume_role.sh: missing $need" >&2; exit 77; }
done

work=$(mktemp -d /tmp/awscred-bench-ar.XXXXXX)
cc -O2 -o "$work/harness" "$srcdir/bench/harness.c" || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$moto" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; rm -rf "$work"' EXIT INT TERM
i=0
until curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "moto_server did not start" >&2; exit 1; }
    sleep 0.1
done

mkdir -p "$work/home/.aws"
cat >"$work/home/.aws/credentials" <<'EOF'
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
EOF
cat >"$work/home/.aws/config" <<'EOF'
[profile hop1]
role_arn = arn:aws:iam::123456789012:role/hop1
source_profile = base
[profile hop2]
role_arn = arn:aws:iam::123456789012:role/hop2
source_profile = hop1
EOF

run_env() {
    # An endpoint override needs a region (botocore's NoRegionError).
    env -i $libdirs PATH="$PATH" HOME="$work/home" LANG=C.UTF-8 \
        AWS_DEFAULT_REGION=us-east-1 \
        AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port" \
        AWS_EC2_METADATA_DISABLED=true AWSCRED_NET_MODULE="$module" "$@"
}

tool_awscred() { run_env "$awscred" --profile hop2 export >/dev/null; }
tool_aws() {
    run_env /usr/bin/python3 "$srcdir/tests/lib/aws_v2.py" \
        configure export-credentials --profile hop2 >/dev/null
}

sts_requests() { grep -c '"POST / ' "$work/moto.log" || true; }
now_ms() { date +%s%3N; }

# first TOOL: a fetch with an empty cache each time (tens of ms or more,
# so a shell's timing is good enough); prints "<median ms> <requests>"
first() {
    tool=$1 times="" reqs=0 n=0
    while [ $n -lt "$runs" ]; do
        rm -rf "$work/home/.aws/cli"
        before=$(sts_requests)
        t0=$(now_ms)
        "tool_$tool"
        t1=$(now_ms)
        reqs=$(( $(sts_requests) - before ))
        times="$times $((t1 - t0))"
        n=$((n + 1))
    done
    median=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$median $reqs"
}

# Warm moto up (its first request is slow) without counting it.
tool_awscred
printf '%-36s %10s %14s\n' "two-hop assume role ($runs runs)" "median ms" "STS requests"
for tool in awscred aws; do
    name=$tool
    if [ "$tool" = aws ]; then name="aws (CLI v2 2.9.19)"; fi
    set -- $(first $tool)
    printf '%-36s %10s %14s\n' "$name first fetch" "$1" "$2"
done

# Cache hits: the cache is warm (the CLI's last fetch, the same keys
# for both tools), the two timed in turn, awscred 20 times a round.
before=$(sts_requests)
run_env "$work/harness" "$runs" -n 20 "$awscred" --profile hop2 export \
    -- /usr/bin/python3 "$srcdir/tests/lib/aws_v2.py" \
    configure export-credentials --profile hop2 > "$work/hits"
hit_reqs=$(( $(sts_requests) - before ))
awk -v reqs="$hit_reqs" '{ ms[NR] = $1; p10[NR] = $2; n[NR] = $4 } END {
    printf "%-36s %10s %14s\n", "awscred cache hit (" n[1] " runs)", ms[1], reqs " in all"
    printf "%-36s %10s\n", "aws (CLI v2 2.9.19) cache hit (" n[2] ")", ms[2]
    printf "cache hit: awscred %.3f ms (p10 %.3f; goal <= 2 ms), %.0fx faster than the CLI\n",
        ms[1], p10[1], ms[2] / ms[1] }' "$work/hits"

# A cache hit (the cache is warm from the runs above) maps neither libcurl
# nor OpenSSL's TLS library: only the network module loads them.
maps=$(run_env env LD_DEBUG=files "$awscred" --profile hop2 export 2>&1 \
    >/dev/null | grep -c 'file=lib\(curl\|ssl\)' || true)
echo "libcurl or libssl mapped by an awscred cache hit: $([ "$maps" -eq 0 ] && echo no || echo "YES ($maps)")"
