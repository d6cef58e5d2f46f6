#!/bin/sh
# A new, empty cron.d entry, removed at once.
. "$(dirname "$0")/common.sh"
target="/etc/cron.d/tollgate-attack-fixture-$$"
mkdir -p /etc/cron.d
: > "$target"
rm -f "$target"
