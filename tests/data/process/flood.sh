#!/bin/sh
# Floods stdout (tests: capped, then killed).
exec yes '{"Version": 1}'
