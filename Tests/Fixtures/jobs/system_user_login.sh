#!/bin/sh
# As root: runs a program named login (a symlink to /bin/true in $1) as the system user daemon.
set -e
chmod 0755 "$1"
ln -s /bin/true "$1/login"
exec setpriv --reuid=daemon --regid=daemon --clear-groups "$1/login"
