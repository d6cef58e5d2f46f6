#!/bin/sh
# Creates a symlink whose target is /etc inside the scratch folder $1, then lists through it.
set -e
ln -s /etc "$1/etc_link"
ls "$1/etc_link" >/dev/null
