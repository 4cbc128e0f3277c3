/*
 * endpoint_dump.c: prints the regional endpoints partition.c gives, one
 * line per input line "SERVICE REGION FIPS DUALSTACK" (service sts, sso,
 * sso-oidc or signin; flags 0 or 1), as "SERVICE REGION FIPS DUALSTACK
 * URL", for tests/unit/endpoints_diff.py to compare with botocore's
 * endpoint rule sets.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

static const struct {
    const char *name;
    const struct net_service *svc;
} services[] = {
    {"sts", &net_sts},
    {"sso", &net_sso},
    {"sso-oidc", &net_sso_oidc},
    {"signin", &net_signin},
};

int
main(void)
{
    char line[256], name[32], region[128];
    const struct net_service *svc;
    int fips, dualstack;
    char *url;

    while (fgets(line, sizeof(line), stdin) != NULL) {
        if (sscanf(line, "%31s %127s %d %d", name, region, &fips, &dualstack)
            != 4)
            return 2;
        svc = NULL;
        for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
            if (strcmp(name, services[i].name) == 0)
                svc = services[i].svc;
        if (svc == NULL)
            return 2;
        url = net_service_url_for(svc, region, fips != 0, dualstack != 0);
        if (url == NULL)
            return 1;
        printf("%s %s %d %d %s\n", name, region, fips, dualstack, url);
        free(url);
    }
    return 0;
}
