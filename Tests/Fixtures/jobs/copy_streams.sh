#!/bin/sh
# Copies standard input to standard output, then writes three known bytes and "err" to
# standard error, and exits with status $1 (default 0).
cat
printf '\001\377err\n' >&2
exit "${1:-0}"
