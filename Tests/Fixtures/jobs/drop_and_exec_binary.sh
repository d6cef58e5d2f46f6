#!/bin/sh
# Copies a system binary into the scratch folder $1 and executes the copy.
set -e
cp /bin/true "$1/dropped"
chmod 0755 "$1/dropped"
"$1/dropped"
