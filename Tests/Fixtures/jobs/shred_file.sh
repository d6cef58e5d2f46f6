#!/bin/sh
# Writes a file in the scratch folder $1 and destroys it with shred -u.
set -e
printf 'bulk data content\n' > "$1/bulk"
shred -u "$1/bulk"
