#!/bin/sh
# symbols.sh: pam_awscred.so exports the PAM entry points and nothing else,
# loads with RTLD_NOW (as libpam does), and links no libcurl, OpenSSL or
# libawscred (those live in the worker). libawscred.so exports exactly the
# functions its installed headers declare, and the awscred command links
# it rather than a copy of the library. Where configure found libinih.a,
# neither the module nor the command maps libinih.so. libcjson is
# dlopen()ed on first use (libawscred/util/json.c): none of them, nor
# the worker, links it. Prints TAP.
# SPDX-License-Identifier: MIT
: "${top_builddir:=.}"
so=$top_builddir/pam_awscred/.libs/pam_awscred.so
if ! test -f "$so"; then
    echo "1..0 # SKIP $so not built"
    exit 0
fi
command -v nm >/dev/null || { echo "1..0 # SKIP nm not installed"; exit 0; }
echo 1..8
exported=$(nm -D --defined-only "$so" | awk '{print $3}' | sort | tr '\n' ' ')
want="pam_sm_authenticate pam_sm_close_session pam_sm_open_session pam_sm_setcred "
if test "$exported" = "$want"; then
    echo "ok 1 - exports exactly: $want"
else
    echo "not ok 1 - exports: $exported"
fi
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
    echo "ok 2 # SKIP sanitizer build: python cannot load an ASan module"
elif python3 -c 'import ctypes, os, sys; ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW)' "$so" 2>/dev/null; then
    echo "ok 2 - dlopen RTLD_NOW"
else
    echo "not ok 2 - dlopen RTLD_NOW failed"
fi
needed=$(objdump -p "$so" 2>/dev/null | awk '/NEEDED/ {print $2}' | tr '\n' ' ')
case $needed in
*curl*|*ssl*|*crypto*|*awscred*) echo "not ok 3 - links $needed" ;;
*) echo "ok 3 - needs only: $needed" ;;
esac

# The public promise: what libawscred.so exports is what awscred.h and
# awscred-clock.h declare (no test hook, nothing internal).
lib=$top_builddir/libawscred/.libs/libawscred.so
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
exports=$(nm -D --defined-only "$lib" 2>/dev/null | awk '{print $3}' |
    sed -n 's/@.*//; /^awscred_/p' | sort -u | tr '\n' ' ')
declared=$(cat "$top_srcdir"/libawscred/awscred*.h |
    grep -o 'awscred_[a-z0-9_]*(' | tr -d '(' | grep -v '_fn$' | sort -u |
    tr '\n' ' ')
if test -z "$exports"; then
    echo "not ok 4 - libawscred.so exports nothing ($lib)"
elif test "$exports" = "$declared"; then
    echo "ok 4 - libawscred.so exports what its headers declare"
else
    echo "not ok 4 - libawscred.so exports differ from the headers"
    echo "# exported: $exports"
    echo "# declared: $declared"
fi

# The command uses the installed interface: libawscred.so is NEEDED and
# none of the library's code is linked into the program a second time.
cli=$top_builddir/cli/.libs/awscred
test -f "$cli" || cli=$top_builddir/cli/awscred
if objdump -p "$cli" 2>/dev/null | grep -q 'NEEDED.*libawscred\.so'; then
    echo "ok 5 - awscred links libawscred.so"
else
    echo "not ok 5 - awscred does not link libawscred.so"
fi
own=$(nm --defined-only "$cli" 2>/dev/null |
    awk '$3 ~ /^(awscred_|cfg_|resolve_|provider_|net_|cache_|clock_note|ctx_)/ {print $3}' |
    tr '\n' ' ')
if test -z "$own"; then
    echo "ok 6 - awscred defines none of the library's functions"
else
    echo "not ok 6 - awscred defines library functions: $own"
fi

# libinih from its archive (configure.ac): one shared object less at every
# start of the command and every load of the module.
archive=$(sed -n 's/^INIH_LIBS = //p' "$top_builddir/Makefile" 2>/dev/null)
case $archive in
*.a)
    linked=$(for f in "$so" "$cli"; do objdump -p "$f" 2>/dev/null |
        awk -v f="${f##*/}" '/NEEDED.*libinih/ {print f}'; done | tr '\n' ' ')
    if test -z "$linked"; then
        echo "ok 7 - module and command link libinih from $archive"
    else
        echo "not ok 7 - libinih.so is NEEDED by: $linked"
    fi ;;
*) echo "ok 7 # SKIP libinih is linked as $archive (no libinih.a)" ;;
esac

# libcjson on first use only: a static resolution never maps it.
worker=$top_builddir/pam_awscred/awscred-worker
linked=$(for f in "$so" "$cli" "$lib" "$worker"; do objdump -p "$f" 2>/dev/null |
    awk -v f="${f##*/}" '/NEEDED.*libcjson/ {print f}'; done | tr '\n' ' ')
if test -z "$linked"; then
    echo "ok 8 - module, worker, command and libawscred.so do not link libcjson"
else
    echo "not ok 8 - libcjson is NEEDED by: $linked"
fi
