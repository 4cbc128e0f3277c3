# profile.sh: sourced by bench/export.sh and bench/peers.sh. Makes $T (a
# temporary directory, removed at exit) holding the static profile
# "bench" (config and credentials, a session token included).
# SPDX-License-Identifier: MIT
T=$(mktemp -d /tmp/awscred-bench.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cat > "$T/credentials" <<'CREDS'
[bench]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
aws_session_token = IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD
CREDS
printf '[profile bench]\nregion = eu-west-1\n' > "$T/config"
