#!/bin/sh
# Signals a job sends that do not aim at the gate: `kill -0 $PPID` (is the parent alive?), a
# signal to its own process group (`kill 0`), a signal to its own child, `ps` of everything.
. "$(dirname "$0")/../common.sh"
kill -0 "$PPID"
trap '' USR1
kill -USR1 0
sleep 30 &
kill "$!"
ps aux > /dev/null
cat /proc/$PPID/status > /dev/null
