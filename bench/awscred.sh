# awscred.sh: sourced by the bench scripts once builddir is set. Sets
# $awscred, the program to time, $libdirs, to put after an `env -i`, and
# $preload, for bench/harness.c's -e (the command alone).
# In a build tree cli/awscred is libtool's wrapper script (the command
# links libawscred.so): time the program itself, finding libawscred.so
# as an installed one would, not the shell script in front of it.
# SPDX-License-Identifier: MIT
# $preload opens the library by its path, as the loader finds an installed
# one through ld.so.cache: with LD_LIBRARY_PATH it first probes 20
# hwcaps subdirectories of .libs (40 failed system calls, 4 % of an
# export), and set for the harness it would slow the floors' and the
# peers' libc search alike.
awscred=$builddir/cli/awscred
libdirs= preload=
if test -x "$builddir/cli/.libs/awscred"; then
    awscred=$builddir/cli/.libs/awscred
    libdirs="LD_LIBRARY_PATH=$builddir/libawscred/.libs"
    preload="LD_PRELOAD=$builddir/libawscred/.libs/libawscred.so.0"
    LD_LIBRARY_PATH=$builddir/libawscred/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi
