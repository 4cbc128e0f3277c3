#!/bin/sh
# config_diff.sh: compares the config reader with botocore's configloader
# (load_config, raw_config_parse, Session.full_config's merge) on every
# fixture in tests/data/config and on generated files, and shlex_split
# with Python's shlex.split on generated strings. Prints TAP.
#
# Uses the first Python that has botocore (pyenv's, or Debian's
# /usr/bin/python3 with awscli's vendored copy); skips when there is none.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
dump="$top_builddir/tests/unit/cfg_dump"
helper="$top_srcdir/tests/unit/config_diff.py"
fixtures="$top_srcdir/tests/data/config"
generated=${CONFIG_DIFF_FILES:-400}
strings=${CONFIG_DIFF_STRINGS:-3000}
seed=${CONFIG_DIFF_SEED:-20261123}

python=
for candidate in "${PYTHON:-}" python3 /root/.pyenv/shims/python3 \
        /usr/bin/python3; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import botocore.configloader' 2>/dev/null ||
        "$candidate" -c 'import awscli.botocore.configloader' 2>/dev/null
    then
        # The interpreter itself, not a (slow) pyenv shim.
        python=$("$candidate" -c 'import sys; print(sys.executable)')
        break
    fi
done
if [ -z "$python" ]; then
    echo "1..0 # SKIP no python3 with botocore (pip botocore or Debian awscli)"
    exit 0
fi
# configparser decodes with the locale's encoding: make it UTF-8 as the
# CLI sees it in a UTF-8 (or, coerced, C) locale.
PYTHONUTF8=1
export PYTHONUTF8

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0

# compare NAME: runs both sides on $work/list, one TAP line.
compare() {
    differ=0 total=0 errors=0 first= helper_failed=
    "$python" "$helper" dump-list "$work/list" || helper_failed=1
    "$dump" --list "$work/list" || helper_failed=1
    while IFS="$(printf '\t')" read -r config creds out; do
        total=$((total + 1))
        read -r first_line < "$out" || first_line=
        case $first_line in *-error) errors=$((errors + 1)) ;; esac
        if ! cmp -s "$out" "$out.c"; then
            differ=$((differ + 1))
            [ -n "$first" ] || first="$config $creds"
            diff "$out" "$out.c" | sed 's/^/# /' | head -20
        fi
    done < "$work/list"
    n=$((n + 1))
    if [ -n "$helper_failed" ]; then
        echo "not ok $n - $1: the botocore side or cfg_dump failed"
    elif [ "$differ" -eq 0 ]; then
        echo "ok $n - $1: $total compared, $errors parse errors, 0 differ"
    else
            echo "not ok $n - $1: $total compared, $differ differ (first: $first)"
    fi
}

echo "1..5"

# Fixtures, each as a config file and as a credentials file.
: > "$work/list"
for f in "$fixtures"/*.ini; do
    b=$(basename "$f" .ini)
    case $b in nul-*) continue ;; esac  # we reject NUL; configparser keeps it
    printf '%s\t-\t%s\n' "$f" "$work/fx-$b-config" >> "$work/list"
    printf -- '-\t%s\t%s\n' "$f" "$work/fx-$b-credentials" >> "$work/list"
done
compare "fixtures in tests/data/config"

# Generated files, alone and in pairs (config + credentials merge).
mkdir "$work/gen"
"$python" "$helper" gen "$work/gen" "$generated" "$seed"
: > "$work/list"
i=0
while [ $i -lt "$generated" ]; do
    printf '%s\t-\t%s\n' "$work/gen/gen-$i.ini" "$work/g$i" >> "$work/list"
    i=$((i + 1))
done
compare "generated config files"
: > "$work/list"
i=0
while [ $((i + 1)) -lt "$generated" ]; do
    printf '%s\t%s\t%s\n' "$work/gen/gen-$i.ini" "$work/gen/gen-$((i + 1)).ini" \
        "$work/p$i" >> "$work/list"
    i=$((i + 2))
done
compare "generated config + credentials pairs"

# shlex.split on generated strings.
"$python" "$helper" shlex-gen "$work/strings" "$strings" "$seed"
"$python" "$helper" shlex-dump "$work/strings" > "$work/shlex.py"
"$dump" --shlex "$work/strings" > "$work/shlex.c" ||
    echo "cfg_dump failed" >> "$work/shlex.c"
n=$((n + 1))
if cmp -s "$work/shlex.py" "$work/shlex.c"; then
    echo "ok $n - shlex.split: $strings strings, 0 differ"
else
    differ=$(diff "$work/shlex.py" "$work/shlex.c" | grep -c '^<')
    diff "$work/shlex.py" "$work/shlex.c" | head -20 | sed 's/^/# /'
    echo "not ok $n - shlex.split: $strings strings, $differ differ"
fi

# The comparison itself: different files must not compare equal.
n=$((n + 1))
"$python" "$helper" dump "$fixtures/basic.ini" - > "$work/self.py"
"$dump" "$fixtures/nested.ini" - > "$work/self.c"
if [ -s "$work/self.py" ] && ! cmp -s "$work/self.py" "$work/self.c"; then
    echo "ok $n - the comparison tells different files apart"
else
    echo "not ok $n - the comparison tells different files apart"
fi
exit 0
