#!/bin/sh
. "$(dirname "$0")/common.sh"
target="/dev/shm/tollgate-attack-fixture.$$"
cp /bin/true "$target"
"$target" || true
rm -f "$target"
