#!/bin/sh
# Reads stdin to the end: must see EOF at once (tests).
cat > /dev/null
echo '{"Version": 1, "AccessKeyId": "AKIDSTDIN", "SecretAccessKey": "s"}'
