# SPDX-License-Identifier: MIT
"""tap.py: TAP output for the Python test scripts (tests/e2e/*.py).

    t = Tap(); print("1..N"); t.ok(cond, "name", diag); t.skip(name, why)
"""

import sys


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        """One test line; diag is printed as '#' comments on failure."""
        self.n += 1
        if not cond:
            self.failed += 1
            for line in str(diag or "").splitlines():
                print("# " + line)
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name))
        sys.stdout.flush()

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why))
        sys.stdout.flush()
