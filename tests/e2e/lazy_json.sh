#!/bin/sh
# libcjson is loaded on first use (libawscred/util/json.c): a static
# `awscred export` never maps it and works even where it cannot be loaded,
# while a provider that reads JSON (credential_process) says which library
# it could not load and for whom, before it runs the command; with the
# library in place the same profile and an assume-role cache hit work.
# A broken libcjson is a file of that soname first on LD_LIBRARY_PATH.
# Prints TAP.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_builddir:=.}"
. "$(dirname "$0")/../lib/tap.sh"
program=$top_builddir/cli/.libs/awscred
[ -x "$program" ] || skip_all "$program is not built"
soname=$(sed -n 's/^#define CJSON_SONAME "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
soname=${soname:-libcjson.so.1}   # a build from before configure found it
libpath=$(cd "$top_builddir/libawscred/.libs" && pwd)
T=$(mktemp -d /tmp/awscred-lazyjson.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
cat > "$T/credentials" <<'CREDS'
[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = SECRETDEV
CREDS
cat > "$T/helper" <<EOF2
#!/bin/sh
touch "$T/helper-ran"
echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "S"}'
EOF2
chmod 755 "$T/helper"
cat > "$T/config" <<CONFIG
[profile proc]
credential_process = $T/helper
[profile role]
role_arn = arn:aws:iam::123456789012:role/demo
source_profile = dev
CONFIG
# The AWS CLI's cache entry for that role (botocore's SHA-1 of
# {"RoleArn": "arn:aws:iam::123456789012:role/demo"}).
mkdir -p "$T/.aws/cli/cache" "$T/broken"
cat > "$T/.aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json" <<'ENTRY'
{"Credentials": {"AccessKeyId": "ASIACACHED", "SecretAccessKey": "SECRETCACHED",
 "SessionToken": "TOKENCACHED", "Expiration": "2099-01-01T00:00:00Z"}}
ENTRY
echo "not a shared object" > "$T/broken/$soname"

run() {  # run LD_LIBRARY_PATH ARGS...: the command in a clean environment
    dirs=$1
    shift
    env -i HOME="$T" PATH=/usr/bin:/bin AWS_CONFIG_FILE="$T/config" \
        AWS_SHARED_CREDENTIALS_FILE="$T/credentials" \
        AWS_EC2_METADATA_DISABLED=true LD_LIBRARY_PATH="$dirs" \
        ${LD_DEBUG:+LD_DEBUG=$LD_DEBUG} "$program" "$@"
}

plan 7
LD_DEBUG=files run "$libpath" export --profile dev > "$T/out" 2> "$T/ld"
check "a static export maps no $soname" \
    sh -c "grep -q AKIDDEV '$T/out' && grep -q 'file=libc.so' '$T/ld' && ! grep -q 'file=libcjson' '$T/ld'"
run "$T/broken:$libpath" export --profile dev > "$T/out" 2> "$T/err"
check "a static export works where $soname cannot be loaded" \
    grep -q AKIDDEV "$T/out"
run "$T/broken:$libpath" export --profile proc > "$T/out" 2> "$T/err"
check "credential_process without $soname fails with exit 253" test $? -eq 253
check "... naming the library and the provider" \
    grep -q "JSON support ($soname) could not be loaded: .*(needed by custom-process)" "$T/err"
check "... and does not run the command" test ! -e "$T/helper-ran"
run "$libpath" export --profile proc > "$T/out" 2> "$T/err"
check "credential_process with $soname" grep -q AKIDPROC "$T/out"
LD_DEBUG=files run "$libpath" export --profile role > "$T/out" 2> "$T/ld"
check "an assume-role cache hit loads $soname and reads the entry" \
    sh -c "grep -q ASIACACHED '$T/out' && grep -q 'file=libcjson' '$T/ld'"
finish
