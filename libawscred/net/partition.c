/*
 * partition.c: the AWS partitions as botocore's data/partitions.json
 * describes them (1.43.11), for the endpoint rule sets' aws.partition
 * function (botocore/endpoint_provider.py): a region's partition is the
 * one listing it, else the one whose regionRegex matches, else "aws".
 * And the regional endpoints of STS, SSO, SSO-OIDC and signin with
 * their FIPS and dual-stack variants, as the rule sets of those services
 * (botocore/data/<service>/<version>/endpoint-rule-set-1.json) give them.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "net/net.h"

/* regionRegex is ^(<prefix>)\-\w+\-\d+$ for every partition; the
   prefixes are "|"-separated here. */
static const struct net_partition partitions[] = {
    {"aws", "us|eu|ap|sa|ca|me|af|il|mx", "amazonaws.com", "api.aws"},
    {"aws-cn", "cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
    {"aws-eusc", "eusc-de", "amazonaws.eu", "api.amazonwebservices.eu"},
    {"aws-iso", "us-iso", "c2s.ic.gov", "api.aws.ic.gov"},
    {"aws-iso-b", "us-isob", "sc2s.sgov.gov", "api.aws.scloud"},
    {"aws-iso-e", "eu-isoe", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"},
    {"aws-iso-f", "us-isof", "csp.hci.ic.gov", "api.aws.hci.ic.gov"},
    {"aws-us-gov", "us-gov", "amazonaws.com", "api.aws"},
};

/* The regions partitions.json lists that the patterns do not match. */
static const struct {
    const char *region;
    size_t partition;
} listed[] = {
    {"aws-global", 0},     {"aws-cn-global", 1},    {"aws-iso-global", 3},
    {"aws-iso-b-global", 4}, {"aws-iso-e-global", 5},
    {"aws-iso-f-global", 6}, {"aws-us-gov-global", 7},
};

/* s matches \w+\-\d+$ (Python's \w on ASCII: letters, digits, _). */
static bool
word_dash_digits(const char *s)
{
    const char *dash = strrchr(s, '-');

    if (dash == NULL || dash == s || dash[1] == '\0')
        return false;
    for (const char *p = s; p < dash; p++)
        if (!isalnum((unsigned char) *p) && *p != '_')
            return false;
    for (const char *p = dash + 1; *p != '\0'; p++)
        if (!isdigit((unsigned char) *p))
            return false;
    return true;
}

static bool
pattern_matches(const char *prefixes, const char *region)
{
    size_t n;

    for (const char *p = prefixes; *p != '\0'; p += n + (p[n] == '|')) {
        n = strcspn(p, "|");
        if (strncmp(region, p, n) == 0 && region[n] == '-'
            && word_dash_digits(region + n + 1))
            return true;
    }
    return false;
}

const struct net_partition *
net_partition_of(const char *region)
{
    size_t i;

    for (i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
        if (strcmp(region, listed[i].region) == 0)
            return &partitions[listed[i].partition];
    for (i = 0; i < sizeof(partitions) / sizeof(partitions[0]); i++)
        if (pattern_matches(partitions[i].prefixes, region))
            return &partitions[i];
    return &partitions[0];
}

/* ---- Service endpoints ------------------------------------------------ */

const struct net_service net_sts = {"sts", "sts-fips", true, false,
                                    "https://sts.amazonaws.com"};
const struct net_service net_sso = {"portal.sso", "portal.sso-fips", true,
                                    false, NULL};
const struct net_service net_sso_oidc = {"oidc", "oidc-fips", true, false,
                                         NULL};
const struct net_service net_signin = {"signin", "signin-fips", false, true,
                                       NULL};

/* signin's own host names in the three commercial partitions. */
static char *
signin_host(const char *partition, const char *region)
{
    if (strcmp(partition, "aws") == 0)
        return xasprintf("https://%s.signin.aws.amazon.com", region);
    if (strcmp(partition, "aws-cn") == 0)
        return xasprintf("https://%s.signin.amazonaws.cn", region);
    if (strcmp(partition, "aws-us-gov") == 0)
        return xasprintf("https://%s.signin.amazonaws-us-gov.com", region);
    return NULL;
}

char *
net_service_url_for(const struct net_service *s, const char *region,
                    bool fips, bool dualstack)
{
    const struct net_partition *p = net_partition_of(region);
    const char *prefix = fips ? s->fips_prefix : s->prefix;
    char *url;

    if (!fips && !dualstack && s->global_url != NULL
        && strcmp(region, "aws-global") == 0)
        return xstrdup(s->global_url);
    if (!fips && !dualstack && s->signin_hosts) {
        url = signin_host(p->name, region);
        if (url != NULL)
            return url;
    }
    /* The GovCloud FIPS endpoints of these services are the plain ones. */
    if (fips && !dualstack && s->gov_fips_is_plain
        && strcmp(p->name, "aws-us-gov") == 0)
        prefix = s->prefix;
    return xasprintf("https://%s.%s.%s", prefix, region,
                     dualstack ? p->dual_stack_dns_suffix : p->dns_suffix);
}

void
net_endpoint_variant(const struct resolver *r, bool *fips, bool *dualstack)
{
    *fips = net_session_flag(r, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
    *dualstack = net_session_flag(r, "AWS_USE_DUALSTACK_ENDPOINT",
                                  "use_dualstack_endpoint");
}

enum awscred_status
net_service_url(const struct resolver *r, const struct net_service *s,
                const char *region, const char *configured, char **url,
                struct awscred_error *err)
{
    bool fips, dualstack;

    *url = NULL;
    /* As botocore's args.py: a configured endpoint turns both off. */
    if (configured != NULL)
        return AWSCRED_OK;
    net_endpoint_variant(r, &fips, &dualstack);
    *url = net_service_url_for(s, region, fips, dualstack);
    if (*url == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "out of memory");
    return AWSCRED_OK;
}
