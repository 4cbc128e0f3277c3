#!/bin/sh
# A well-behaved credential_process helper (tests).
cat <<'JSON'
{"Version": 1, "AccessKeyId": "AKIDPROCESSOK", "SecretAccessKey": "processsecret",
 "SessionToken": "processtoken", "Expiration": "2099-01-01T00:00:00Z"}
JSON
