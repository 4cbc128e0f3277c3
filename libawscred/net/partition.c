/*
 * partition.c: the AWS partitions as botocore's data/partitions.json
 * describes them (1.43.11), for the endpoint rule sets' aws.partition
 * function (botocore/endpoint_provider.py): a region's partition is the
 * one listing it, else the one whose regionRegex matches, else "aws".
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

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
