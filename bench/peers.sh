#!/bin/sh
# peers.sh: the README's benchmark table in one interleaved run. The same
# static profile resolved by `awscred export`, by the AWS CLI v2
# (`aws configure export-credentials`, Debian's /usr/bin/aws), by botocore
# (a Python process: Session(profile).get_credentials()), by the JS SDK v3
# (a node process: fromNodeProviderChain) and by two C floors (a static
# and a dynamic program that read the credentials file and print it), all
# started by bench/harness.c in turn, round after round, so that each sees
# the same machine load. Prints each one's median and p10 and its ratio
# to awscred. Then botocore in-process (after its import, per resolution).
#
#   bench/peers.sh [BUILDDIR] [ROUNDS]      (defaults: ., 15)
#
# The JS SDK comes from JSSDK_DIR (default /tmp/awscred-jssdk), made with
#   npm install --prefix /tmp/awscred-jssdk @aws-sdk/credential-providers
# and is left out when missing; botocore from the python3 on PATH.
# SPDX-License-Identifier: MIT

builddir=$(cd "${1:-.}" && pwd) || exit 1
rounds=${2:-15}
srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 1
. "$srcdir/bench/awscred.sh"
aws=/usr/bin/aws
jssdk=${JSSDK_DIR:-/tmp/awscred-jssdk}
# the interpreter itself, not a pyenv shim in front of it
python=$(python3 -c "import sys; print(sys.executable)")
node=$(command -v node)
test -x "$awscred" || { echo "peers.sh: build awscred first ($awscred)" >&2; exit 1; }

. "$srcdir/bench/profile.sh"
cat > "$T/resolve_botocore.py" <<'EOF'
import sys
import time
import botocore.session

def resolve():
    c = botocore.session.Session(profile="bench").get_credentials()
    return c.get_frozen_credentials().access_key

if len(sys.argv) > 1:  # in-process: median of N resolutions after import
    n = int(sys.argv[1])
    ms = []
    for _ in range(n):
        t = time.perf_counter()
        resolve()
        ms.append((time.perf_counter() - t) * 1e3)
    print("%.3f" % sorted(ms)[n // 2])
else:
    print(resolve())
EOF
cat > "$T/jssdk.js" <<'EOF'
const { fromNodeProviderChain } = require("@aws-sdk/credential-providers");
fromNodeProviderChain({ profile: "bench" })()
  .then((c) => console.log(c.accessKeyId))
  .catch((e) => { console.error(String(e)); process.exit(1); });
EOF
cc -O2 -o "$T/harness" "$srcdir/bench/harness.c" \
    && cc -O2 -o "$T/floor-dynamic" "$srcdir/bench/floor.c" \
    && cc -O2 -static -o "$T/floor-static" "$srcdir/bench/floor.c" || exit 1

run_env="env -i HOME=$T PATH=/usr/bin:/bin AWS_CONFIG_FILE=$T/config
    AWS_SHARED_CREDENTIALS_FILE=$T/credentials AWS_EC2_METADATA_DISABLED=true
    NODE_PATH=$jssdk/node_modules"
# Each peer must give the same key first: timing different work would
# mean nothing.
set -- -n 20 ${preload:+-e $preload} "$awscred" export --profile bench
names="awscred"
$run_env $libdirs "$awscred" export --profile bench | grep -q AKIAIOSFODNN7EXAMPLE \
    || { echo "peers.sh: awscred failed" >&2; exit 1; }
for peer in aws botocore jssdk; do
    case $peer in
    aws) cmd="$aws configure export-credentials --profile bench"
         test -x "$aws" || { echo "peers.sh: no $aws, left out"; continue; } ;;
    botocore) cmd="$python $T/resolve_botocore.py" ;;
    jssdk) cmd="$node $T/jssdk.js"
           test -d "$jssdk/node_modules/@aws-sdk/credential-providers" \
               || { echo "peers.sh: no JS SDK in $jssdk, left out"; continue; } ;;
    esac
    if $run_env $cmd 2>/dev/null | grep -q AKIAIOSFODNN7EXAMPLE; then
        set -- "$@" -- $cmd
        names="$names $peer"
    else
        echo "peers.sh: $peer cannot resolve the profile, left out"
    fi
done
set -- "$@" -- -n 20 "$T/floor-dynamic" -- -n 20 "$T/floor-static"
names="$names floor-dynamic floor-static"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
$run_env "$T/harness" "$rounds" "$@" > "$T/out" || exit 1
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$names" | tr ' ' '\n' | paste - "$T/out" | awk '
    NR == 1 { ours = $2 }
    { printf "  %-14s median %10.3f ms  p10 %10.3f ms  (%d runs)  %8.2fx awscred\n",
             $1, $2, $3, $5, $2 / ours }'
in_process=$($run_env "$python" "$T/resolve_botocore.py" 200)
awk -v b="$in_process" -v o="$(head -n 1 "$T/out" | cut -d' ' -f1)" 'BEGIN {
    printf "  botocore in-process (after import, median of 200): %.3f ms, %.1fx awscred export\n", b, b / o }'
