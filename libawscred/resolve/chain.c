/*
 * chain.c: the provider chain as data, in the AWS CLI's order
 * (doc/credential-chain.md section 1.1). resolve.c walks these
 * arrays with one loop; adding a provider is adding a line here.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "internal.h"
#include "providers/provider.h"
#include "resolve/resolve.h"

/* The default chain of `aws configure export-credentials`. */
const struct provider *const chain_default[] = {
    &provider_env,
    &provider_assume_role,
    &provider_web_identity,
    &provider_sso,
    &provider_shared_file,
    &provider_login,
    &provider_process,
    &provider_config_file,
    &provider_ec2_file,
    &provider_boto,
    &provider_container,
    &provider_imds,
    NULL,
};

/* What a source_profile resolves through (botocore's profile providers,
   with the environment off). */
const struct provider *const chain_source_profile[] = {
    &provider_web_identity,
    &provider_sso,
    &provider_shared_file,
    &provider_login,
    &provider_process,
    &provider_config_file,
    NULL,
};
