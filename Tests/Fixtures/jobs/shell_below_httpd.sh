#!/bin/sh
# A process named httpd (a symlink to /bin/sh in the scratch folder $1) spawns a shell.
# The trailing `true` keeps httpd from exec-ing the inner sh in place, so sh's parent is httpd.
set -e
ln -s /bin/sh "$1/httpd"
"$1/httpd" -c 'sh -c "ls >/dev/null"; true'
