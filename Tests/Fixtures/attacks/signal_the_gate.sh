#!/bin/sh
# Sends SIGCONT (harmless, so the run goes on under every backend) to the outermost tollgate
# process above the job: the gate.
. "$(dirname "$0")/common.sh"
p=$PPID
while [ "$(cat /proc/$p/comm)" = tollgate ]; do gate=$p; p=$(cut -d' ' -f4 /proc/$p/stat); done
kill -CONT "$gate" 2>/dev/null || true
