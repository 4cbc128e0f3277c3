#!/bin/sh
# export.sh: `awscred export` against `aws configure export-credentials`
# (Debian's AWS CLI v2, /usr/bin/aws) on the same static profile, in one
# run: mean wall time per call and peak resident memory of each, and the
# ratios. The target: awscred >= 200 times faster.
#
#   bench/export.sh [BUILDDIR] [AWS_RUNS] [AWSCRED_RUNS]
#
# Uses hyperfine when installed (apt-get install hyperfine), otherwise a
# timed loop; peak memory comes from GNU time (/usr/bin/time -f %M, the
# "Maximum resident set size" of time -v). Also shows that a static
# resolution maps no libcurl (LD_DEBUG=files).
#
# Then awscred against the dynamic C floor: a dynamically linked C program
# that reads the same credentials file and prints it, both started by
# bench/harness.c (fork, exec, wait) in turn, FLOOR_RUNS times each;
# medians and the ratio (goal <= 1.2x); in a build tree the command gets
# its libawscred.so as an installed one would be found ($preload,
# bench/awscred.sh), the floor nothing. With valgrind installed, also
# both programs' instruction counts (callgrind: repeatable under load) and
# the shared objects each maps.
# SPDX-License-Identifier: MIT

builddir=$(cd "${1:-.}" && pwd) || exit 1
srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 1
aws_runs=${2:-20}
our_runs=${3:-1000}
. "$srcdir/bench/awscred.sh"
aws=/usr/bin/aws
test -x "$awscred" || { echo "export.sh: build awscred first ($awscred)" >&2; exit 1; }
test -x "$aws" || { echo "export.sh: $aws missing (apt-get install awscli)" >&2; exit 1; }
test -x /usr/bin/time || { echo "export.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

. "$srcdir/bench/profile.sh"
run_env="env -i HOME=$T PATH=/usr/bin:/bin AWS_CONFIG_FILE=$T/config AWS_SHARED_CREDENTIALS_FILE=$T/credentials AWS_EC2_METADATA_DISABLED=true"
ours_cmd="$awscred export --profile bench"
theirs_cmd="$aws configure export-credentials --profile bench"
ours="$run_env $libdirs $ours_cmd"
theirs="$run_env $theirs_cmd"

# Same output first: a benchmark of different work would mean nothing.
$ours > "$T/ours" && $theirs > "$T/theirs" && cmp -s "$T/ours" "$T/theirs" || {
    echo "export.sh: outputs differ" >&2; exit 1; }

# Mean wall time in microseconds of $2 runs of command $1.
mean_us() {
    cmd=$1 runs=$2
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$runs" ]; do
        $cmd > /dev/null || exit 1
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $(( (end - start) / runs / 1000 ))
}

if command -v hyperfine > /dev/null 2>&1; then
    # hyperfine itself runs in the clean environment, so neither tool is
    # timed with the cost of an extra env(1) exec on top.
    $run_env "$(command -v hyperfine)" -N --warmup 3 --export-json "$T/h.json" \
        --runs "$aws_runs" "$theirs_cmd" > /dev/null
    aws_us=$(python3 -c 'import json,sys;print(int(json.load(open(sys.argv[1]))["results"][0]["mean"]*1e6))' "$T/h.json")
    $run_env $libdirs "$(command -v hyperfine)" -N --warmup 20 --export-json "$T/h.json" \
        --runs "$our_runs" "$ours_cmd" > /dev/null
    our_us=$(python3 -c 'import json,sys;print(int(json.load(open(sys.argv[1]))["results"][0]["mean"]*1e6))' "$T/h.json")
    how=hyperfine
else
    mean_us "$theirs" 2 > /dev/null   # warm the page cache
    mean_us "$ours" 20 > /dev/null
    aws_us=$(mean_us "$theirs" "$aws_runs")
    our_us=$(mean_us "$ours" "$our_runs")
    how="timed loop (install hyperfine for finer numbers)"
fi

# Largest peak RSS (KiB) of 5 runs.
peak_kib() {
    max=0
    for _ in 1 2 3 4 5; do
        kib=$(/usr/bin/time -f %M $1 2>&1 >/dev/null | tail -n 1)
        [ "$kib" -gt "$max" ] && max=$kib
    done
    echo "$max"
}
aws_kib=$(peak_kib "$theirs")
our_kib=$(peak_kib "$ours")

curl_maps=$(LD_DEBUG=files $ours 2>&1 >/dev/null | grep -c 'file=libcurl')

echo "awscred export vs aws configure export-credentials, static profile ($how)"
printf '  %-34s %10s us/call  %8s KiB peak RSS\n' \
    "aws ($aws_runs runs)" "$aws_us" "$aws_kib" \
    "awscred ($our_runs runs)" "$our_us" "$our_kib"
awk -v a="$aws_us" -v o="$our_us" -v am="$aws_kib" -v om="$our_kib" 'BEGIN {
    printf "  wall time ratio: %.0fx faster (target >= 200x)\n", a / o
    printf "  peak memory ratio: %.1fx smaller\n", am / om }'
echo "  libcurl loaded by a static awscred export: $([ "$curl_maps" -eq 0 ] && echo no || echo YES)"

cc -O2 -o "$T/floor" "$srcdir/bench/floor.c" \
    && cc -O2 -o "$T/harness" "$srcdir/bench/harness.c" || exit 1
echo "awscred export vs the dynamic C floor (read the file, print)"
$run_env "$T/harness" "${FLOOR_RUNS:-2000}" "$T/floor" -- ${preload:+-e $preload} $ours_cmd \
    > "$T/floor.out" || exit 1
awk '{ ms[NR] = $1; n = $4 } END {
    printf "  floor %.3f ms, awscred %.3f ms (medians of %d), ratio %.2fx" \
           " (goal <= 1.2x)\n", ms[1], ms[2], n, ms[2] / ms[1] }' "$T/floor.out"

# Instructions, the dynamic linker's included, and the shared objects
# initialised (ld.so and libc for the floor): what the gap is made of.
if command -v valgrind > /dev/null 2>&1; then
    instr() {  # instr ENV COMMAND...
        e=$1; shift
        $run_env $e valgrind --tool=callgrind --callgrind-out-file=/dev/null \
            "$@" 2>&1 > /dev/null | sed -n 's/.*Collected : //p'
    }
    objects() {  # objects ENV COMMAND...
        e=$1; shift
        $run_env $e LD_DEBUG=files "$@" 2>&1 > /dev/null |
            grep -c 'calling init:'
    }
    fi=$(instr "" "$T/floor") oi=$(instr "$preload" $ours_cmd)
    awk -v f="$fi" -v o="$oi" -v fo="$(objects "" "$T/floor")" \
        -v oo="$(objects "$preload" $ours_cmd)" 'BEGIN {
        printf "  instructions: floor %d, awscred %d (%.2fx);" \
               " shared objects initialised: %d and %d\n", f, o, o / f, fo, oo }'
fi
