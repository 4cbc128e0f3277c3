# awscred.sh: sourced by the bench scripts once builddir is set. Sets
# $awscred, the program to time, and $libdirs, to put after an `env -i`.
# In a build tree cli/awscred is libtool's wrapper script (the command
# links libawscred.so): time the program itself, finding libawscred.so
# as an installed one would, not the shell script in front of it.
# SPDX-License-Identifier: MIT
awscred=$builddir/cli/awscred
libdirs=
if test -x "$builddir/cli/.libs/awscred"; then
    awscred=$builddir/cli/.libs/awscred
    libdirs="LD_LIBRARY_PATH=$builddir/libawscred/.libs"
    LD_LIBRARY_PATH=$builddir/libawscred/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi
