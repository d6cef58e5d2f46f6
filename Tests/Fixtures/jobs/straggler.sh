#!/bin/sh
# Leaves a `sleep 30` in its own session behind and exits 0; writes the sleeper's pid to
# $1/straggler.pid.
setsid sleep 30 </dev/null >/dev/null 2>&1 &
echo $! > "$1/straggler.pid"
exit 0
