#!/bin/sh
# Answers, then leaves a daemon holding stdout and stderr open (tests).
echo '{"Version": 1, "AccessKeyId": "AKIDDAEMON", "SecretAccessKey": "s"}'
sleep 1000 &
if [ -n "$1" ]; then echo $! > "$1"; fi
exit 0
