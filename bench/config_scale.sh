#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/config_scale.sh: the config reader at scale. A credentials file of
# N plain profiles is read by `awscred export` (the last profile) and by a
# minimal C scan that reads the same file and counts its lines; printed as
# ratios of instructions (callgrind, steady on a loaded machine, unlike
# wall time) and awscred's peak heap (massif) against the input's size.
# Then a 50 MB credentials file, which must be read (exit 0).
#
# Usage: bench/config_scale.sh [BUILDDIR] [PROFILES]   (defaults: ., 100000)
# Needs valgrind, cc and a built awscred.
set -eu

builddir=$(cd "${1:-.}" && pwd)
profiles=${2:-100000}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$srcdir/bench/awscred.sh"
for need in "$awscred" "$(command -v valgrind || echo valgrind)" \
    "$(command -v cc || echo cc)"; do
    [ -x "$need" ] || { echo "bench/config_scale.sh: missing $need" >&2; exit 77; }
done
work=$(mktemp -d /tmp/awscred-bench-cfg.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# The floor: read(2) the whole file and count its newlines.
cat >"$work/scan.c" <<'SCAN'
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int
main(int argc, char **argv)
{
    static char buf[65536];
    unsigned long lines = 0, bytes = 0;
    ssize_t n;
    int fd = open(argv[argc - 1], O_RDONLY | O_CLOEXEC);

    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++, bytes++)
            lines += buf[i] == '\n';
    printf("%lu %lu\n", lines, bytes);
    return fd < 0;
}
SCAN
cc -O2 -o "$work/scan" "$work/scan.c"

generate() {  # generate FILE COUNT
    awk -v n="$2" 'BEGIN {
        for (i = 0; i < n; i++)
            printf "[p%07d]\naws_access_key_id = AKIA%016d\naws_secret_access_key = %040d\n", i, i, i
    }' >"$1"
}

run_export() {  # run_export FILE COMMAND-PREFIX...
    file=$1
    shift
    env -i $libdirs HOME="$work" AWS_CONFIG_FILE=/dev/null \
        AWS_SHARED_CREDENTIALS_FILE="$file" "$@" "$awscred" export \
        --profile "$(tail -n 3 "$file" | sed -n 's/^\[\(.*\)\]$/\1/p')" >/dev/null
}

instructions() {  # instructions OUTFILE: the total callgrind collected
    sed -n 's/^summary: \([0-9]*\).*/\1/p' "$1"
}

generate "$work/creds" "$profiles"
size=$(wc -c <"$work/creds")
run_export "$work/creds" valgrind -q --tool=callgrind \
    --callgrind-out-file="$work/cg.awscred"
valgrind -q --tool=callgrind --callgrind-out-file="$work/cg.scan" \
    "$work/scan" "$work/creds" >/dev/null
run_export "$work/creds" valgrind -q --tool=massif \
    --massif-out-file="$work/massif"
ours=$(instructions "$work/cg.awscred")
floor=$(instructions "$work/cg.scan")
heap=$(sed -n 's/^mem_heap_B=//p' "$work/massif" | sort -n | tail -n 1)
echo "# $profiles profiles, $size bytes"
echo "instructions: awscred $ours, minimal scan $floor," \
    "ratio $(echo "scale=2; $ours / $floor" | bc)"
echo "peak heap: $heap bytes, $(echo "scale=2; $heap / $size" | bc)x the input"

# 50 MB: read, as the AWS CLI reads it.
generate "$work/big" 500000
if run_export "$work/big"; then
    echo "50 MB file ($(wc -c <"$work/big") bytes): read"
else
    echo "50 MB file: refused"
    exit 1
fi
