#!/usr/bin/env bash
# Installs the Debian packages listed in .ci/packages (root with apt-get
# only; otherwise says so and assumes they are there). AWSCRED_SKIP_INSTALL=1
# skips it. Used by run-tests.sh and demo.sh.
set -u
cd "$(dirname "$0")/.."
[ "${AWSCRED_SKIP_INSTALL:-0}" = 1 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "not root or no apt-get: assuming the packages in .ci/packages are installed"
    exit 0
fi
missing=$(xargs -a .ci/packages dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>&1 |
    awk '$1 != "ii" {print}' | wc -l)
status=0
if [ "$missing" != 0 ]; then
    echo "installing packages from .ci/packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null &&
        xargs -a .ci/packages apt-get install -y -qq --no-install-recommends >/dev/null
    status=$?
fi
# npm: Debian's package, unless the installed nodejs brings its own (the
# NodeSource build does, and conflicts with Debian's npm). The JS SDK tests
# skip with a reason without it.
if [ "$status" = 0 ] && ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends npm >/dev/null ||
        echo "npm not installable: the JS SDK tests will skip"
fi
exit "$status"
