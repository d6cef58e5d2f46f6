#!/bin/sh
# Creates a shell history file in the scratch folder $1 and deletes it.
set -e
: > "$1/.ash_history"
rm "$1/.ash_history"
