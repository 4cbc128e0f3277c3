# (filled by its owner)

# The shell tests' TAP helpers (ok, not_ok, check, finish), sourced.
EXTRA_DIST += tests/lib/tap.sh

# Differential test: awscred export against Debian's AWS CLI v2
# on a few hundred static-provider scenarios; skips without /usr/bin/aws.
TESTS += tests/e2e/diff_cli.sh
dist_check_SCRIPTS += tests/e2e/diff_cli.sh tests/e2e/diff_cli.py
# The awscred command: options, formats, and no libcurl for static keys.
TESTS += tests/e2e/cli.sh
dist_check_SCRIPTS += tests/e2e/cli.sh
# libcjson loaded on first use: not by a static export, and a clear error
# from a JSON provider where it cannot be loaded.
TESTS += tests/e2e/lazy_json.sh
dist_check_SCRIPTS += tests/e2e/lazy_json.sh
# `awscred exec`: keys from a loopback container endpoint or a static
# profile in the command's environment, its exit status kept.
TESTS += tests/e2e/exec.sh
dist_check_SCRIPTS += tests/e2e/exec.sh tests/e2e/exec.py
# `awscred session` escapes terminal escapes from a user's helper (root).
TESTS += tests/e2e/session_escape.sh
dist_check_SCRIPTS += tests/e2e/session_escape.sh
# `awscred session --service` against a fake pam.d tree: sudo and cron
# stacks without the line fail the dry run; file, line and control shown.
TESTS += tests/e2e/session_stack.sh
dist_check_SCRIPTS += tests/e2e/session_stack.sh
# `awscred session --user` names the delivery a login would get and why,
# probing awscredd's control socket without registering. Root only.
TESTS += tests/e2e/session_delivery.sh
dist_check_SCRIPTS += tests/e2e/session_delivery.sh
# `awscred check-config`: every configuration mistake, with its line.
TESTS += tests/e2e/check_config.sh
dist_check_SCRIPTS += tests/e2e/check_config.sh
# Shell formats refuse values a shell would run, served by a loopback
# container endpoint.
TESTS += tests/e2e/shell_formats.sh
dist_check_SCRIPTS += tests/e2e/shell_formats.sh tests/e2e/shell_formats.py

# The install test (packages on this machine): runs only with
# AWSCRED_INSTALL_TEST=1; see the comment at its top.
TESTS += tests/e2e/install_deb.sh
dist_check_SCRIPTS += tests/e2e/install_deb.sh

# awscredd (man/awscredd.8) with botocore and `awscred export` as clients
# through the container provider; other users, wrong tokens and forged
# Host headers refused. Root only; skips otherwise.
TESTS += tests/e2e/broker.sh
dist_check_SCRIPTS += tests/e2e/broker.sh tests/e2e/broker.py
# Its port: one no user can take while the broker is down; a port any
# user may bind is warned about. Root only.
TESTS += tests/e2e/broker_port.sh
dist_check_SCRIPTS += tests/e2e/broker_port.sh tests/e2e/broker_port.py
EXTRA_DIST += tests/lib/broker_lib.py
# The issuance line's one parsing rule (pam_awscred/audit.c)
EXTRA_DIST += tests/lib/audit_line.py
# Its refresh (man/awscredd.8, REFRESH): botocore and the JS SDK v3 (npm,
# at test time; skipped without it) against moto_server across three
# expiries of 24-second credentials; about two minutes.
TESTS += tests/e2e/broker_refresh.sh
dist_check_SCRIPTS += tests/e2e/broker_refresh.sh tests/e2e/broker_refresh.py
# a login with mfa is not resolved again (awscredd/mfa.c)
TESTS += tests/e2e/broker_mfa.sh
dist_check_SCRIPTS += tests/e2e/broker_mfa.sh tests/e2e/broker_mfa.py
# 1000 requests at once from 50 users as their credentials run out: they
# wait for the refresh (bench/broker.py --tap).
TESTS += tests/e2e/broker_load.sh
dist_check_SCRIPTS += tests/e2e/broker_load.sh
# A broker killed and started again (man/awscredd.8, RESTART): botocore's
# session recovers from the saved record without a new login.
TESTS += tests/e2e/broker_restart.sh
dist_check_SCRIPTS += tests/e2e/broker_restart.sh tests/e2e/broker_restart.py
# System mode against moto_server STS: refresh re-assumes the admin's role,
# the STS down during a refresh, max_lifetime= (man/awscredd.8).
TESTS += tests/e2e/broker_system.sh
dist_check_SCRIPTS += tests/e2e/broker_system.sh tests/e2e/broker_system.py

# Clock skew: `awscred clock` against loopback time references
# (true and lying HTTP Date, SNTP) under libfaketime.
TESTS += tests/e2e/clock.sh
dist_check_SCRIPTS += tests/e2e/clock.sh tests/e2e/clock_server.py
# Expiry judged by AWS's clock: assume role against tests/lib/fault_server.py
# with awscred's clock shifted 20 min either way.
TESTS += tests/e2e/clock_expiry.sh
dist_check_SCRIPTS += tests/e2e/clock_expiry.sh tests/e2e/clock_expiry.py \
	tests/e2e/clock_lib.py

# A real login through a private sshd with pam_awscred.so in its session
# stack, user and system mode. Root only; skips otherwise.
TESTS += tests/e2e/sshd_login.sh
dist_check_SCRIPTS += tests/e2e/sshd_login.sh
EXTRA_DIST += tests/e2e/sshd_lib.sh

# MFA at SSH login (pam_awscred/mfa.c): keyboard-interactive through a
# private sshd, ssh answering the prompt by SSH_ASKPASS, a loopback STS.
# Root only.
TESTS += tests/e2e/sshd_mfa.sh
dist_check_SCRIPTS += tests/e2e/sshd_mfa.sh
# user mode: the user's mfa_serial, GetSessionToken; what the client sees
TESTS += tests/e2e/sshd_mfa_user.sh
dist_check_SCRIPTS += tests/e2e/sshd_mfa_user.sh
EXTRA_DIST += tests/e2e/sshd_mfa_lib.sh
# with awscredd (deliver=endpoint): the session holds the broker's pointer,
# curl in it gets the role, the refresh assumes it again from the MFA
# session without a prompt; logout, wrong code. Root only.
TESTS += tests/e2e/sshd_mfa_broker.sh
dist_check_SCRIPTS += tests/e2e/sshd_mfa_broker.sh

# Load: 50 logins at once through the private sshd in system
# mode, against moto_server and against an STS that never answers; wall
# times as TAP comments. Root only, like sshd_login.sh; about 100 s.
TESTS += tests/e2e/sshd_load.sh
dist_check_SCRIPTS += tests/e2e/sshd_load.sh tests/e2e/sshd_load.py

# STS: assume role (two hops, credential_source, external id,
# duration) and web identity against moto_server, checked with
# GetCallerIdentity, and the ~/.aws/cli/cache shared with AWS CLI v2.
TESTS += tests/e2e/sts_moto.sh
dist_check_SCRIPTS += tests/e2e/sts_moto.sh tests/e2e/sts_moto.py \
	tests/lib/aws_v2.py tests/lib/tap.py

# A resolver that never answers (fault row D4.10), in a private mount and
# network namespace: export ends within the network deadline. Root only.
TESTS += tests/e2e/dns_hang.sh
dist_check_SCRIPTS += tests/e2e/dns_hang.sh
EXTRA_DIST += tests/e2e/hang_ns.sh
# The same resolver under a login's clock probe (fault row C11.1): the
# credentials are exported within the budget. Root only.
TESTS += tests/e2e/clock_dns_hang.sh
dist_check_SCRIPTS += tests/e2e/clock_dns_hang.sh

# A host with cwd / on a read-only file system and umask 000 (fault row
# D7.3), in a private mount namespace. Root only.
TESTS += tests/e2e/readonly_root.sh
dist_check_SCRIPTS += tests/e2e/readonly_root.sh

# [group NAME] sections for a group with a large /etc/group entry (fault
# row S12.3), in a private mount namespace. Root only.
TESTS += tests/e2e/big_group.sh
dist_check_SCRIPTS += tests/e2e/big_group.sh
EXTRA_DIST += tests/e2e/ns_lib.sh

# STS failures against tests/lib/fault_server.py: error
# documents, 500s, slow/huge/malformed replies, redirects, refused
# connections; and the shape of signed and unsigned STS requests.
TESTS += tests/e2e/sts_faults.sh
dist_check_SCRIPTS += tests/e2e/sts_faults.sh tests/e2e/sts_faults.py
# The `aws login` provider (login_session): a loopback signin service that
# verifies the DPoP proof with Python's cryptography and rotates the refresh
# token; the same homes through botocore 1.43's LoginProvider.
TESTS += tests/e2e/login.sh
dist_check_SCRIPTS += tests/e2e/login.sh tests/e2e/login.py
# Proxies for the command (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lower case
# first) through a loopback CONNECT proxy, and the same through botocore.
TESTS += tests/e2e/proxy.sh
dist_check_SCRIPTS += tests/e2e/proxy.sh tests/e2e/proxy.py
# botocore's legacy providers (OriginalEC2Provider, BotoProvider) in the
# command, scenario by scenario against botocore.
TESTS += tests/e2e/legacy.sh
dist_check_SCRIPTS += tests/e2e/legacy.sh tests/e2e/legacy.py
# The module's proxy=, no_proxy= and legacy_providers= in a login through
# the real libpam under pam_wrapper (tests/lib/pam_host.py), root only.
TESTS += tests/e2e/module_proxy.sh
dist_check_SCRIPTS += tests/e2e/module_proxy.sh tests/e2e/module_proxy.py
EXTRA_DIST += tests/lib/pam_host.py
EXTRA_DIST += tests/lib/fault_server.py

# The login's clock check through `awscred session` with the
# worker under libfaketime: the user's line with sign and size, strict
# refusal, clock_check=never, SNTP, no extra request after an STS call,
# expiry by AWS's clock. Root only; skips without libfaketime.
TESTS += tests/e2e/clock_login.sh
dist_check_SCRIPTS += tests/e2e/clock_login.sh tests/e2e/clock_login.py

# A static-key login with the default clock settings and a fresh host
# clock record loads no network module and opens no socket (every worker
# under strace, in a network namespace with loopback only). Root only.
TESTS += tests/e2e/login_network.sh
dist_check_SCRIPTS += tests/e2e/login_network.sh tests/e2e/login_network.py

# Differential test: awscred export against Debian's AWS CLI v2
# for credential_process, container and IMDS credentials, both pointed at
# tests/lib/fault_server.py; skips without /usr/bin/aws.
TESTS += tests/e2e/providers_diff.sh
dist_check_SCRIPTS += tests/e2e/providers_diff.sh tests/e2e/providers_diff.py

# IAM Identity Center: awscred export against Debian's AWS CLI v2 with both
# pointed at a loopback portal and SSO-OIDC (tests/lib/fault_server.py),
# including the token refresh and the role cache shared both ways; skips
# without /usr/bin/aws.
TESTS += tests/e2e/sso_diff.sh
dist_check_SCRIPTS += tests/e2e/sso_diff.sh tests/e2e/sso_diff.py
# awscredd's [broker] durations: seconds with an s, m or h suffix only.
TESTS += tests/e2e/daemon_durations.sh
dist_check_SCRIPTS += tests/e2e/daemon_durations.sh

# The tmpfiles.d rule for MFA handles under the real systemd-tmpfiles and
# libfaketime (etc/tmpfiles.d/pam_awscred.conf). Root only.
TESTS += tests/e2e/mfa_tmpfiles.sh
dist_check_SCRIPTS += tests/e2e/mfa_tmpfiles.sh
