#!/bin/sh
# man_lint.sh: the manual pages as an admin reads them. Each page passes
# `groff -man -ww -z` without a warning (and `mandoc -T lint` when mandoc
# is installed); the built pam_awscred(8) names the configured worker path,
# not a placeholder; libawscred(3) lists every function libawscred.so
# exports in NAME and declares it in SYNOPSIS, and the Debian symbols file
# lists each (dpkg-gensymbols would add a missing one with a Debian
# revision, which lintian refuses) and nothing the library does not export.
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
built="$top_builddir/man/gen/pam_awscred.8"
lib="$top_builddir/libawscred/.libs/libawscred.so"

. "$(dirname "$0")/../lib/tap.sh"
command -v groff >/dev/null || skip_all "groff not installed"
[ -f "$built" ] || skip_all "man/gen/pam_awscred.8 not built"

pages="$top_srcdir/man/awscred.1 $top_srcdir/man/libawscred.3
$built $top_srcdir/man/pam_awscred.conf.5"
n=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
echo "1..8"
for page in $pages; do
    n=$((n + 1))
    LC_ALL=C.UTF-8 groff -man -ww -z "$page" >"$tmp" 2>&1
    if command -v mandoc >/dev/null; then
        mandoc -T lint -W warning "$page" >>"$tmp" 2>&1
    fi
    if [ -s "$tmp" ]; then
        echo "not ok $n - $(basename "$page") has no warnings"
        sed 's/^/# /' "$tmp"
    else
        echo "ok $n - $(basename "$page") has no warnings"
    fi
done

n=$((n + 1))
if grep -q 'LIBEXECDIR' "$built" \
    || ! grep -q '/awscred\\-worker' "$built"; then
    echo "not ok $n - pam_awscred(8) names the configured worker path"
    grep -n 'awscred\\-worker' "$built" | sed 's/^/# /'
else
    echo "ok $n - pam_awscred(8) names the configured worker path" \
        "($(sed -n 's/^\.I[R]* \(\/[^ ]*\)\/awscred\\-worker.*/\1/p' "$built" |
            head -1))"
fi

n=$((n + 1))
if [ ! -f "$lib" ] || ! command -v nm >/dev/null; then
    echo "ok $n # SKIP libawscred.so or nm missing"
    echo "ok $((n + 1)) # SKIP libawscred.so or nm missing"
    echo "ok $((n + 2)) # SKIP libawscred.so or nm missing"
    exit 0
fi
symbols="$top_srcdir/packaging/debian/libawscred0.symbols"
missing=
unlisted=
for sym in $(nm -D --defined-only "$lib" | awk '{print $3}' |
             sed -n 's/@.*//; /^awscred_/p' | sort -u); do
    sed -n '/^\.SH NAME/,/^\.SH LIBRARY/p' "$top_srcdir/man/libawscred.3" |
        grep -qw "$sym" || missing="$missing NAME:$sym"
    sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' \
        "$top_srcdir/man/libawscred.3" | grep -q "$sym(" ||
        missing="$missing SYNOPSIS:$sym"
    grep -q "^ $sym@" "$symbols" || unlisted="$unlisted $sym"
done
if [ -z "$missing" ]; then
    echo "ok $n - libawscred(3) names and declares every exported function"
else
    echo "not ok $n - libawscred(3) names and declares every exported function"
    echo "# missing:$missing"
fi

n=$((n + 1))
if [ -z "$unlisted" ]; then
    echo "ok $n - libawscred0.symbols lists every exported function"
else
    echo "not ok $n - libawscred0.symbols lists every exported function"
    echo "# missing:$unlisted"
fi

# And the other way: a symbol the file lists but the library no longer
# exports is an ABI break that needs a new soname.
n=$((n + 1))
gone=
for sym in $(sed -n 's/^ \(awscred_[a-z0-9_]*\)@.*/\1/p' "$symbols"); do
    nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' |
        grep -qx "$sym" || gone="$gone $sym"
done
if [ -z "$gone" ]; then
    echo "ok $n - libawscred.so exports everything libawscred0.symbols lists"
else
    echo "not ok $n - libawscred.so exports everything libawscred0.symbols lists"
    echo "# gone:$gone"
fi
