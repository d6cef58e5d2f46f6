#!/bin/sh
# Creates an empty file in the scratch folder $1 and sets its setuid bit.
set -e
: > "$1/setuid_file"
chmod u+s "$1/setuid_file"
