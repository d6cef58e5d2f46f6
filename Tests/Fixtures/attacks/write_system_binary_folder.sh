#!/bin/sh
# Planting a file below /usr/lib: a new empty file, removed at once.
. "$(dirname "$0")/common.sh"
target="/usr/lib/tollgate-attack-fixture.$$"
: > "$target"
rm -f "$target"
