#!/bin/sh
# Never answers (tests: the deadline kills it).
exec sleep 1000
