# SPDX-License-Identifier: MIT
"""audit_line.py: the one rule that reads the issuance line of the module,
`awscred session` and the broker (pam_awscred/audit.c; pam_awscred(8),
DIAGNOSTICS), for the tests of each producer.

    lines(text) -> [{"user": ..., "access_key_id": ..., ...}, ...]

The line is found by its head wherever a log puts it (after syslog's tag
or a producer's prefix); the fields follow as ' name=value', a value in
double quotes with '"' and '\\' backslashed when it needs them. Stricter
than pam_awscred(8) asks of an admin's parser: a field out of order or
unknown, or a line that breaks the rule, raises ValueError rather than
being skipped, so that the producers cannot drift apart.
"""

import re

HEAD = "AWS credentials exported:"
FIELD = re.compile(r' ([a-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^ "]+))')
# Always present, in this order; optional fields follow.
FIXED = ("user", "service", "rhost", "profile", "provider",
         "access_key_id", "expires")
OPTIONAL = ("role", "source_identity", "uid", "tty", "broker", "session")
EXPIRES = re.compile(r"^(-|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00)$")


def parse(rest):
    """The fields after the head, as an ordered dict."""
    fields = {}
    pos = 0
    while pos < len(rest):
        m = FIELD.match(rest, pos)
        if m is None:
            raise ValueError("bad field at %r" % rest[pos:pos + 40])
        value = m.group(2)
        value = (re.sub(r"\\(.)", r"\1", value) if value is not None
                 else m.group(3))
        fields[m.group(1)] = value
        pos = m.end()
    names = list(fields)
    extra = names[len(FIXED):]
    if (tuple(names[:len(FIXED)]) != FIXED
            or [n for n in OPTIONAL if n in extra] != extra):
        raise ValueError("fields out of order: %s" % names)
    if not EXPIRES.match(fields["expires"]):
        raise ValueError("expires is not ISO 8601: %r" % fields["expires"])
    return fields


def lines(text):
    """Every issuance line in text, parsed."""
    return [parse(line.split(HEAD, 1)[1].rstrip("\r"))
            for line in text.splitlines() if HEAD in line]
