#!/bin/sh
# The awscred command itself: --help, --version, usage errors,
# the fish format, global options on either side of the command, --debug
# without secrets, and that a static `awscred export` never loads libcurl
# (LD_DEBUG=files lists every object the dynamic linker maps, dlopen'ed
# ones included), nor does an assume-role cache hit (it hashes the cache
# key in the core); with HOME set it does not ask the passwd database
# (strace; skipped without it). Prints TAP.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_builddir:=.}"
. "$(dirname "$0")/../lib/tap.sh"
awscred=$top_builddir/cli/awscred
[ -x "$awscred" ] || skip_all "$awscred is not built"
T=$(mktemp -d /tmp/awscred-cli.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
cat > "$T/credentials" <<'CREDS'
[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = SECRETDEV
CREDS
cat > "$T/config" <<'CONFIG'
[profile role]
role_arn = arn:aws:iam::123456789012:role/demo
source_profile = dev
CONFIG
# The AWS CLI's cache entry for that role: the file name is botocore's
# SHA-1 of {"RoleArn": "arn:aws:iam::123456789012:role/demo"}.
mkdir -p "$T/.aws/cli/cache"
cat > "$T/.aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json" <<'ENTRY'
{"Credentials": {"AccessKeyId": "ASIACACHED", "SecretAccessKey": "SECRETCACHED",
 "SessionToken": "TOKENCACHED", "Expiration": "2099-01-01T00:00:00Z"}}
ENTRY

run() {
    env -i HOME="$T" AWS_CONFIG_FILE="$T/config" \
        AWS_SHARED_CREDENTIALS_FILE="$T/credentials" "$@"
}

plan 15
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

# A cache hit needs no network module: one that does not exist is fine,
# and the real one is not mapped.
run AWSCRED_NET_MODULE=/nonexistent/awscred-net.so \
    "$awscred" export --profile role --format env > "$T/out" 2> "$T/err"
check "an assume-role cache hit without the network module" \
    grep -qx 'export AWS_ACCESS_KEY_ID=ASIACACHED' "$T/out"
module=$top_builddir/libawscred/.libs/awscred-net.so
run AWSCRED_NET_MODULE="$module" LD_DEBUG=files \
    "$awscred" export --profile role > "$T/out" 2> "$T/ld"
check "an assume-role cache hit succeeds" test -s "$T/out"
check "an assume-role cache hit maps neither libcurl nor OpenSSL" \
    sh -c "grep -q 'file=libc.so' '$T/ld' && ! grep -Eq 'file=(libcurl|libssl|libcrypto|awscred-net)' '$T/ld'"

# HOME is "~", as botocore's expanduser: no NSS lookup of the user (it
# was about 8 % of a static export), so neither nsswitch.conf nor passwd.
# In a build tree cli/awscred is libtool's wrapper script, whose own
# commands read passwd: trace the program behind it.
program=$awscred libpath=
if [ -x "$top_builddir/cli/.libs/awscred" ]; then
    program=$top_builddir/cli/.libs/awscred
    libpath=$top_builddir/libawscred/.libs
fi
if command -v strace > /dev/null 2>&1; then
    run env ${libpath:+LD_LIBRARY_PATH=$libpath} \
        strace -f -qq -e trace=open,openat,connect -o "$T/trace" \
        "$program" export --profile dev > /dev/null 2>&1
    check "with HOME set, export does not look the user up (NSS)" \
        sh -c "grep -q credentials '$T/trace' && ! grep -Eq 'nsswitch|/etc/passwd|nscd' '$T/trace'"
else
    ok "with HOME set, export does not look the user up # SKIP strace not installed"
fi
finish
