#!/bin/sh
# The components of libawscred depend on each other in one direction only:
# a folder of libawscred/ (config, resolve, providers, net, netmod, cache,
# clock, util; the files at the top are "context") is a node, and each
# directory-qualified #include "folder/x.h" of a file in another folder is
# an edge (doc/design.md). TAP: one test, not ok with the cycle found.
# Usage: include_cycles.sh [source tree]   (default: $top_srcdir or .)
srcdir=${1:-${top_srcdir:-.}}
lib=$srcdir/libawscred

echo 1..1
edges=$(cd "$lib" && grep -H '^#include "[a-z_]*/[a-z_]*\.h"' \
            $(find . -name '*.[ch]' | sort) |
        sed -n 's|^\./\([^:]*\):#include "\([a-z_]*\)/.*|\1 \2|p' |
        while read -r file to; do
            case $file in */*) from=${file%%/*} ;; *) from=context ;; esac
            [ -d "$to" ] && [ "$from" != "$to" ] && echo "$from $to"
        done | sort -u)
# tsort reports a cycle on stderr ("tsort: -: input contains a loop:").
if loops=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null) && [ -z "$loops" ]
then
    echo "ok 1 - no include cycle between the folders of libawscred/"
else
    echo "not ok 1 - include cycle between the folders of libawscred/"
    printf '%s\n' "$loops" | sed 's/^/# /'
    printf '%s\n' "$edges" | sed 's/^/# edge: /'
fi
