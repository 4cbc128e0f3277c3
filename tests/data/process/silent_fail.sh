#!/bin/sh
# Fails without a word (tests).
exit 4
