#!/bin/sh
# build-packages.sh: builds the Debian packages (and, with --rpm, the RPMs)
# of pam_awscred from a source tree, the way a distribution would: from the
# release tarball that `make dist` makes, never from the tree itself.
#
#   packaging/build-packages.sh [--rpm | --rpm-only] [--no-lintian] [OUTDIR]
#
# Steps: configure a scratch VPATH build of the tree, `make dist`, unpack
# the tarball next to its Debian name (pam-awscred_VERSION.orig.tar.gz),
# copy packaging/debian to debian/ in the unpacked tree, then
# `dpkg-buildpackage -us -uc` (source and binaries) and lintian on the
# result (errors and warnings fail the build). Debian wants debian/ at the
# top of the source tree; copying it into the unpacked tarball keeps the
# shared tree clean and builds exactly what a release contains.
# The .debs, the .dsc and the lintian report land in OUTDIR (default
# ./packages). DEB_BUILD_OPTIONS is passed through (nocheck skips
# `make check` inside the package build).
#
# With --rpm it also runs `rpmbuild -ba packaging/rpm/pam_awscred.spec`
# on the same tarball (with --nodeps: the BuildRequires name Fedora
# packages, which a Debian rpm database does not know; and with --nocheck:
# the Debian build just ran the same suite on the same tarball) and puts
# the RPMs in OUTDIR/rpm. --rpm-only builds the RPMs alone (their %check
# runs the suite, unless DEB_BUILD_OPTIONS has nocheck).
#
# Missing build dependencies are named before anything is built
# (dpkg-checkbuilddeps on packaging/debian/control; rpmbuild for the RPMs),
# with the apt-get line that installs them.
#
# SPDX-License-Identifier: MIT
set -eu

usage() {
    echo "usage: $0 [--rpm | --rpm-only] [--no-lintian] [OUTDIR]" >&2
    exit 2
}

want_deb=yes
want_rpm=no
want_lintian=yes
outdir=
for arg in "$@"; do
    case "$arg" in
        --rpm) want_rpm=yes ;;
        --rpm-only) want_rpm=yes; want_deb=no ;;
        --no-lintian) want_lintian=no ;;
        -*) usage ;;
        *) [ -z "$outdir" ] || usage; outdir=$arg ;;
    esac
done

srcdir=$(cd "$(dirname "$0")/.." && pwd)

# Name what is missing before a long build fails on it.
if [ "$want_deb" = yes ]; then
    for cmd in dpkg-buildpackage dpkg-checkbuilddeps; do
        command -v "$cmd" >/dev/null || {
            echo "$0: $cmd is missing: apt-get install dpkg-dev" >&2; exit 1; }
    done
    if ! missing=$(dpkg-checkbuilddeps "$srcdir/packaging/debian/control" 2>&1); then
        echo "$0: $missing" >&2
        echo "$0: install them with: apt-get install" \
            "$(echo "$missing" | sed 's/.*dependencies: //; s/([^)]*)//g; s/ *| *[^ ]*//g')" >&2
        exit 1
    fi
    if [ "$want_lintian" = yes ] && ! command -v lintian >/dev/null; then
        echo "$0: lintian is missing: apt-get install lintian (or --no-lintian)" >&2
        exit 1
    fi
fi
if [ "$want_rpm" = yes ] && ! command -v rpmbuild >/dev/null; then
    echo "$0: rpmbuild is missing: apt-get install rpm" >&2
    exit 1
fi
mkdir -p "${outdir:=packages}"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pam_awscred-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# A fresh checkout has no configure yet: bootstrap it as a developer would.
if [ ! -x "$srcdir/configure" ]; then
    (cd "$srcdir" && autoreconf -fi)
fi

echo "== make dist (scratch build in $work/dist)"
mkdir "$work/dist"
(cd "$work/dist" && "$srcdir/configure" -q --disable-sshd-tests --disable-moto-tests \
    && make -s dist-gzip) >"$work/dist.log" 2>&1 || { cat "$work/dist.log" >&2; exit 1; }
tarball=$(ls "$work"/dist/pam_awscred-*.tar.gz)
version=${tarball##*/pam_awscred-}
version=${version%.tar.gz}

if [ "$want_deb" = yes ]; then
    # The Debian changelog must describe this upstream version.
    debversion=$(dpkg-parsechangelog -l "$srcdir/packaging/debian/changelog" -S Version)
    case "$debversion" in
        "$version"-*) ;;
        *) echo "$0: packaging/debian/changelog is at $debversion but the tarball is $version" >&2
           exit 1 ;;
    esac

    echo "== dpkg-buildpackage for pam-awscred $debversion"
    cp "$tarball" "$work/pam-awscred_$version.orig.tar.gz"
    tar -C "$work" -xzf "$tarball"
    mv "$work/pam_awscred-$version" "$work/pam-awscred-$version"
    cp -R "$srcdir/packaging/debian" "$work/pam-awscred-$version/debian"
    (cd "$work/pam-awscred-$version" && dpkg-buildpackage -us -uc) >"$work/build.log" 2>&1 \
        || { tail -n 80 "$work/build.log" >&2; cp "$work/build.log" "$outdir/"; exit 1; }
    cp "$work/build.log" "$outdir/"
    changes=$(ls "$work"/pam-awscred_"$debversion"_*.changes)
    for f in "$work"/*.deb "$work"/*.dsc "$work"/*.debian.tar.* "$work"/*.orig.tar.gz \
             "$work"/*.buildinfo "$changes"; do
        cp "$f" "$outdir/"
    done
    ls -1 "$outdir"/*.deb

    if [ "$want_lintian" = yes ]; then
        echo "== lintian"
        lintian_rc=0
        lintian --fail-on error,warning "$outdir/${changes##*/}" \
            >"$outdir/lintian.txt" 2>&1 || lintian_rc=$?
        cat "$outdir/lintian.txt"
        [ "$lintian_rc" -eq 0 ] || { echo "$0: lintian found errors or warnings" >&2; exit 1; }
        echo "lintian: no errors, no warnings"
    fi
fi

if [ "$want_rpm" = yes ]; then
    echo "== rpmbuild -ba packaging/rpm/pam_awscred.spec"
    mkdir -p "$outdir/rpm"
    rpm_check=
    case " ${DEB_BUILD_OPTIONS:-} " in *" nocheck "*) rpm_check=--nocheck ;; esac
    [ "$want_deb" = no ] || rpm_check=--nocheck
    # shellcheck disable=SC2086 # empty or one word
    rpmbuild -ba --nodeps $rpm_check \
        --define "_topdir $work/rpmbuild" \
        --define "_sourcedir $work/dist" \
        --define "_rpmdir $outdir/rpm" \
        --define "_srcrpmdir $outdir/rpm" \
        "$srcdir/packaging/rpm/pam_awscred.spec" >"$work/rpm.log" 2>&1 \
        || { tail -n 80 "$work/rpm.log" >&2; cp "$work/rpm.log" "$outdir/"; exit 1; }
    cp "$work/rpm.log" "$outdir/"
    find "$outdir/rpm" -name '*.rpm' | sort
fi
