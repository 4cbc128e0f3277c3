# SPDX-License-Identifier: MIT
"""Regional endpoints of STS, SSO, SSO-OIDC and signin: partition.c (through
tests/unit/endpoint_dump) against botocore's endpoint rule sets evaluated by
botocore's own EndpointProvider, for every region botocore's partitions.json
lists, a few it does not (an unknown region goes to "aws"), and each of
FIPS x dual-stack. STS is asked as the AWS CLI v2 asks it (regional, not
the legacy global endpoint); its no-region case is sts.c's, in test_sts.c.

Usage: endpoints_diff.py ENDPOINT_DUMP. Prints TAP; skips without botocore.
"""
import itertools
import subprocess
import sys

try:
    import botocore.session
    from botocore.endpoint_provider import EndpointProvider
except ImportError:
    print("1..0 # SKIP botocore is not installed")
    sys.exit(0)

SERVICES = ["sts", "sso", "sso-oidc", "signin"]
EXTRA = ["mars-east-1", "ap-southeast-99", "cn-south-9", "us-gov-north-9",
         "us-iso-north-9", "us-isob-north-9", "eu-isoe-north-9",
         "us-isof-north-9", "eusc-de-north-9", "local", "xx-yy-zz"]


def main():
    dump = sys.argv[1]
    loader = botocore.session.get_session().get_component("data_loader")
    partitions = loader.load_data("partitions")
    regions = sorted({r for p in partitions["partitions"]
                      for r in p["regions"]} | set(EXTRA))
    print("1..%d" % (len(SERVICES) + 1))
    cases, want = [], {}
    for svc in SERVICES:
        provider = EndpointProvider(
            loader.load_service_model(svc, "endpoint-rule-set-1"),
            partitions)
        for region, fips, ds in itertools.product(regions, (0, 1), (0, 1)):
            params = {"Region": region, "UseFIPS": bool(fips),
                      "UseDualStack": bool(ds)}
            if svc == "sts":
                params["UseGlobalEndpoint"] = False
            key = "%s %s %d %d" % (svc, region, fips, ds)
            cases.append(key)
            want[key] = provider.resolve_endpoint(**params).url
    p = subprocess.run([dump], input="".join(c + "\n" for c in cases),
                       capture_output=True, text=True)
    got = {}
    for line in p.stdout.splitlines():
        key, _, url = line.rpartition(" ")
        got[key] = url
    n = 0
    for svc in SERVICES:
        n += 1
        mine = [c for c in cases if c.startswith(svc + " ")]
        bad = [c for c in mine if got.get(c) != want[c]]
        print("%s %d - %s: %d regions x FIPS x dual-stack, %d differ"
              % ("not ok" if bad else "ok", n, svc, len(mine) // 4,
                 len(bad)))
        for c in bad[:10]:
            print("# %s: botocore %s, awscred %s" % (c, want[c], got.get(c)))
    n += 1
    print("%s %d - the comparison covers FIPS and dual-stack hosts"
          % ("ok" if sum("-fips." in u for u in want.values()) > 100
             and sum(".api." in u for u in want.values()) > 100
             else "not ok", n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
