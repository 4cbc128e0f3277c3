#!/bin/sh
# fuzz.sh: builds the fuzz targets with clang's libFuzzer and runs each
# for FUZZ_SECONDS; called by `make fuzz` (tests/fuzz/local.mk), which
# passes the compiler, flags, core sources and libraries in the environment.
#
#   fuzz.sh SRCDIR WORKDIR TARGET...
#
# WORKDIR (in the build tree) receives the objects, the binaries
# fuzz_<target>, the growing corpora corpus/<target>/, crash inputs
# crashes/<target>-*, one log per target and summary.txt. Each target
# runs with TMPDIR inside WORKDIR, so nothing is written elsewhere.
# Exits 1 when any target crashed, leaked or timed out.
#
# SPDX-License-Identifier: MIT
set -u
srcdir=$1 work=$2
shift 2
cc=${FUZZ_CC:-clang}
seconds=${FUZZ_SECONDS:-60}
san='-fsanitize=address,undefined -fno-sanitize-recover=undefined'
cflags="-g -O1 -fno-omit-frame-pointer $san"
# AM_CPPFLAGS's quoted directory macros do not survive the trip through
# the environment; the targets never install or load anything, so point
# them nowhere.
cflags="$cflags -DPKGLIBDIR=\"/nonexistent/fuzz\" -DLIBEXECDIR=\"/nonexistent/fuzz\""
cflags="$cflags -DSYSCONFDIR=\"/nonexistent/fuzz\""

mkdir -p "$work/obj" "$work/crashes" || exit 1
probe="$work/probe.c"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$probe"
if ! $cc -fsanitize=fuzzer "$probe" -o "$work/probe" 2>/dev/null; then
    echo "fuzz.sh: $cc cannot build libFuzzer targets;" \
        "install clang and libclang-rt-14-dev" >&2
    exit 2
fi

# Extra sources a target needs besides the core library.
target_sources() {
    case $1 in
    sts_xml)
        echo libawscred/netmod/module.c libawscred/netmod/digest.c \
            libawscred/netmod/sigv4.c libawscred/netmod/http.c \
            libawscred/netmod/xml.c libawscred/netmod/dpop.c ;;
    worker_result) echo pam_awscred/result.c ;;
    worker_request) echo pam_awscred/request.c ;;
    pam_options)
        echo pam_awscred/options.c pam_awscred/result.c pam_awscred/text.c \
            pam_awscred/attrib.c ;;
    broker_control)
        echo awscredd/control.c awscredd/registry.c awscredd/state.c \
            pam_awscred/result.c pam_awscred/options.c pam_awscred/text.c \
            pam_awscred/attrib.c ;;
    *) ;;
    esac
}

# The largest input libFuzzer makes up. Seeds may be larger (they still
# run whole in `make check`); targets that write files stay small to
# keep executions per second up.
target_max_len() {
    case $1 in
    config | pam_options) echo 8192 ;;
    *) echo 16384 ;;
    esac
}

# The core, once, as an archive with coverage instrumentation.
objects=
for src in $FUZZ_CORE_SOURCES; do
    case $src in *.c) ;; *) continue ;; esac
    obj="$work/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
    if [ ! -f "$obj" ] || [ "$srcdir/$src" -nt "$obj" ]; then
        echo "  CC (fuzz) $src"
        # shellcheck disable=SC2086
        $cc $cflags -fsanitize=fuzzer-no-link $FUZZ_CPPFLAGS \
            -c "$srcdir/$src" -o "$obj" || exit 1
    fi
    objects="$objects $obj"
done
rm -f "$work/libcore-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$work/libcore-fuzz.a" $objects || exit 1

status=0
printf '%-16s %12s %9s %7s %7s %8s %s\n' target executions exec/s cov ft corpus result \
    >"$work/summary.txt"
for t in "$@"; do
    bin="$work/fuzz_$t"
    extra=
    for s in $(target_sources "$t"); do extra="$extra $srcdir/$s"; done
    echo "  CCLD (fuzz) $bin"
    # shellcheck disable=SC2086
    if ! $cc $cflags -fsanitize=fuzzer $FUZZ_CPPFLAGS "$srcdir/tests/fuzz/fuzz_$t.c" \
        $extra "$work/libcore-fuzz.a" $FUZZ_LIBS -o "$bin"; then
        printf '%-16s %12s %9s %7s %7s %8s %s\n' "$t" - - - - - "BUILD FAILED" \
            >>"$work/summary.txt"
        status=1
        continue
    fi
    mkdir -p "$work/corpus/$t" "$work/tmp/$t"
    dict=
    [ -f "$srcdir/tests/fuzz/$t.dict" ] && dict="-dict=$srcdir/tests/fuzz/$t.dict"
    echo "  FUZZ $t for ${seconds}s"
    # shellcheck disable=SC2086
    TMPDIR="$work/tmp/$t" "$bin" -max_total_time="$seconds" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -max_len="$(target_max_len "$t")" $dict \
        -artifact_prefix="$work/crashes/$t-" \
        "$work/corpus/$t" "$srcdir/tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1
    rc=$?
    result=ok
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc, see $work/$t.log)"
        status=1
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$work/$t.log" | head -5
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
    last=$(grep -E '^#[0-9]+' "$work/$t.log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
    printf '%-16s %12s %9s %7s %7s %8s %s\n' "$t" "${execs:--}" "${rate:--}" \
        "${cov:--}" "${ft:--}" "${corp:--}" "$result" >>"$work/summary.txt"
done
cat "$work/summary.txt"
exit $status
