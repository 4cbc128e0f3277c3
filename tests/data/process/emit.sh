#!/bin/sh
# Prints its first argument verbatim (tests: bad JSON, Version 2, ...).
printf '%s' "$1"
