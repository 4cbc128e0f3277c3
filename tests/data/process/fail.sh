#!/bin/sh
# Fails with a message on stderr, including a terminal escape (tests).
printf 'bad thing\033[31m happened\r\nsecond line\n' >&2
exit 3
