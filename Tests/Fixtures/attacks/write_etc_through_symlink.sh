#!/bin/sh
# Creates a new, empty file below /etc through a symlink to /etc in the scratch folder (the
# name passed never starts with /etc), and removes it at once.
. "$(dirname "$0")/common.sh"
ln -s /etc "$S/settings"
NAME="tollgate-attack-$$"
: > "$S/settings/$NAME"
rm -f "/etc/$NAME"
