#!/bin/sh
# The awscred command itself (issue 2): --help, --version, usage errors,
# the fish format, global options on either side of the command, --debug
# without secrets, and that a static `awscred export` never loads libcurl
# (LD_DEBUG=files lists every object the dynamic linker maps, dlopen'ed
# ones included). Prints TAP.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_builddir:=.}"
awscred=$top_builddir/cli/awscred
if [ ! -x "$awscred" ]; then
    echo "1..0 # SKIP $awscred is not built"
    exit 0
fi
T=$(mktemp -d /tmp/awscred-cli.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
cat > "$T/credentials" <<'CREDS'
[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = SECRETDEV
CREDS
: > "$T/config"

n=0 failed=0
check() {  # check NAME COMMAND...: ok when COMMAND succeeds
    name=$1
    shift
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        failed=$((failed + 1))
    fi
}
run() {
    env -i HOME="$T" AWS_CONFIG_FILE="$T/config" \
        AWS_SHARED_CREDENTIALS_FILE="$T/credentials" "$@"
}

echo "1..11"
check "--version names the program" \
    sh -c "'$awscred' --version | grep -q '^awscred [0-9]'"
check "--help lists export and list" \
    sh -c "'$awscred' --help | grep -q '^  export' && '$awscred' --help | grep -q '^  list'"
run "$awscred" frobnicate > "$T/out" 2> "$T/err"
check "unknown command exits 252" test $? -eq 252
run "$awscred" export --profile dev --format bogus > "$T/out" 2> "$T/err"
check "bad --format exits 252 with nothing on stdout" \
    sh -c "test $? -eq 252 && test ! -s '$T/out'"

run AWS_ACCESS_KEY_ID=AK AWS_SECRET_ACCESS_KEY=SK AWS_SESSION_TOKEN=TOK \
    AWS_CREDENTIAL_EXPIRATION=2031-02-03T04:05:06Z \
    "$awscred" export --format fish > "$T/out"
printf '%s\n' 'set -gx AWS_ACCESS_KEY_ID "AK"' \
    'set -gx AWS_SECRET_ACCESS_KEY "SK"' 'set -gx AWS_SESSION_TOKEN "TOK"' \
    'set -gx AWS_CREDENTIAL_EXPIRATION "2031-02-03T04:05:06+00:00"' > "$T/want"
check "fish format" cmp -s "$T/out" "$T/want"

run "$awscred" --profile dev export --format env > "$T/before"
run "$awscred" export --format env --profile dev > "$T/after"
printf '%s\n' 'export AWS_ACCESS_KEY_ID=AKIDDEV' \
    'export AWS_SECRET_ACCESS_KEY=SECRETDEV' > "$T/want"
check "global options before the command" cmp -s "$T/before" "$T/want"
check "global options after the command" cmp -s "$T/after" "$T/want"

run "$awscred" --debug export --profile dev > /dev/null 2> "$T/err"
check "--debug logs to stderr" test -s "$T/err"
check "--debug logs no secret" sh -c "! grep -q SECRETDEV '$T/err'"

run "$awscred" export --profile nope > "$T/out" 2> "$T/err"
check "failure: exit 253, stdout empty" \
    sh -c "test $? -eq 253 && test ! -s '$T/out'"

run LD_DEBUG=files "$awscred" export --profile dev > /dev/null 2> "$T/ld"
check "a static export maps no libcurl" \
    sh -c "grep -q 'file=libc.so' '$T/ld' && ! grep -q 'file=libcurl' '$T/ld'"
[ "$failed" -eq 0 ]
