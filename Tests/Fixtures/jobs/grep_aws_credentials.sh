#!/bin/sh
# Greps the scratch folder $1 for an AWS secret key setting (nothing is found: exit 1 is fine).
grep -r aws_secret_access_key "$1"
exit 0
