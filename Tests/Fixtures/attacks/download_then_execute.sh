#!/bin/sh
# A fetched program made executable and started by the same command.
. "$(dirname "$0")/common.sh"
cp /bin/true "$S/payload.src"
sh -c "curl -s -o $S/payload file://$S/payload.src && chmod +x $S/payload && $S/payload; true"
