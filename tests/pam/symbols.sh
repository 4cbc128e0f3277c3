#!/bin/sh
# symbols.sh: pam_awscred.so exports the PAM entry points and nothing else,
# loads with RTLD_NOW (as libpam does), and links no libcurl, OpenSSL or
# libawscred (those live in the worker). Prints TAP.
# SPDX-License-Identifier: MIT
: "${top_builddir:=.}"
so=$top_builddir/pam_awscred/.libs/pam_awscred.so
if ! test -f "$so"; then
    echo "1..0 # SKIP $so not built"
    exit 0
fi
command -v nm >/dev/null || { echo "1..0 # SKIP nm not installed"; exit 0; }
echo 1..3
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
