#!/bin/sh
# A process named httpd (symlink to /bin/sh in $1) reads /etc/shadow 6 s after it started,
# through its own redirection (no child process). Read-only.
set -e
ln -s /bin/sh "$1/httpd"
"$1/httpd" -c 'sleep 6; read -r line </etc/shadow; true'
