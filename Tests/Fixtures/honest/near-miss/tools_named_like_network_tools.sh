#!/bin/sh
# Near "CI Network tool run by the build": curl, ncurses tools, names that contain "nc".
. "$(dirname "$0")/../common.sh"
cp /bin/true "$S/ncdu-report"
"$S/ncdu-report"
cp /bin/true "$S/sync"
"$S/sync"
curl --version > /dev/null
