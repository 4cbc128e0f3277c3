#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""aws_v2.py: runs Debian's AWS CLI v2 (/usr/bin/aws, 2.9.19) with its
service clients pointed at AWS_ENDPOINT_URL_<SERVICE> (e.g.
AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO), which that version cannot
take from the environment (doc/credential-chain.md section 0).

Usage: /usr/bin/python3 tests/lib/aws_v2.py configure export-credentials ...
Must run under Debian's /usr/bin/python3 (awscli lives in its dist-packages).
"""

import os
import sys

import awscli.clidriver

# Debian's package loads its vendored botocore twice, as awscli.botocore and
# as botocore; the CLI's session is the latter. Patch both.
import awscli.botocore.session  # noqa: E402
import botocore.session  # noqa: E402


def _patch(session_class):
    create_client = session_class.create_client

    def create_client_with_endpoint(self, service_name, *args, **kwargs):
        env = "AWS_ENDPOINT_URL_" + service_name.upper().replace("-", "_")
        url = os.environ.get(env)
        if url and not args and kwargs.get("endpoint_url") is None:
            kwargs["endpoint_url"] = url
            # The global endpoint's signing region, which the CLI uses
            # when no region is configured.
            if kwargs.get("region_name") is None:
                kwargs["region_name"] = "us-east-1"
        return create_client(self, service_name, *args, **kwargs)

    session_class.create_client = create_client_with_endpoint


_patch(botocore.session.Session)
if awscli.botocore.session.Session is not botocore.session.Session:
    _patch(awscli.botocore.session.Session)

if __name__ == "__main__":
    sys.exit(awscli.clidriver.main())
