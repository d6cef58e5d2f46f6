#!/bin/sh
# Greps the scratch folder $1 for PEM private-key headers (nothing is found: exit 1 is fine).
grep -rl "BEGIN RSA PRIVATE" "$1"
exit 0
