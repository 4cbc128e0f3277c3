#!/bin/sh
# dns_hang.sh: fault row D4.10, a resolver that never answers, in a private
# mount and network namespace (tests/e2e/hang_ns.sh). `awscred export` of
# an assume-role profile must still end within the network deadline with
# an error naming the endpoint, and the resolver thread must not keep it
# alive. Root only.
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${AWSCRED_NET_MODULE:=$top_builddir/libawscred/.libs/awscred-net.so}"
export AWSCRED_NET_MODULE
AWSCRED="$top_builddir/cli/awscred"
BOUND_S=15

. "$(dirname "$0")/../lib/tap.sh"
[ -x "$AWSCRED" ] || skip_all "$AWSCRED not built"
. "$top_srcdir/tests/e2e/hang_ns.sh"
hang_ns_require

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/config" <<'CONF'
[profile role]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
[profile base]
aws_access_key_id = AKIAEXAMPLEBASE
aws_secret_access_key = base-secret
CONF

hang_ns_run "$tmp" \
    env -i PATH=/usr/bin:/bin HOME="$tmp" AWS_CONFIG_FILE="$tmp/config" \
    AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    AWS_ENDPOINT_URL_STS=https://sts.hang.test/ AWS_REGION=us-east-1 \
    AWSCRED_NET_MODULE="$AWSCRED_NET_MODULE" \
    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
    "$AWSCRED" export --profile role
ns=$?

hang_ns_report "$tmp" "$ns" 4
if [ "$status" != 124 ] && [ "$ms" -lt $((BOUND_S * 1000)) ]; then
    echo "ok 2 - export ends within ${BOUND_S} s (${ms} ms)"
else
    echo "not ok 2 - export ends within ${BOUND_S} s (${ms} ms, status $status)"
fi
if [ "$status" = 255 ] && ! [ -s "$tmp/stdout" ]; then
    echo "ok 3 - exit status 255 and nothing on stdout, as the CLI for a connection failure"
else
    echo "not ok 3 - exit status 255 and nothing on stdout (status $status)"
fi
if grep -q 'on endpoint URL: "https://sts.hang.test/"' "$tmp/stderr"; then
    echo "ok 4 - the error names the endpoint: $(grep -m1 . "$tmp/stderr")"
else
    echo "not ok 4 - the error names the endpoint"
    sed 's/^/# /' "$tmp/stderr"
fi
