#!/bin/sh
# Near "CI Read another process memory or environment": own environ, other processes' status.
. "$(dirname "$0")/../common.sh"
cat /proc/self/environ > /dev/null
sleep 30 &
other=$!
cat "/proc/$other/status" "/proc/$other/cmdline" "/proc/$other/stat" > /dev/null
ls "/proc/$other/fd" > /dev/null 2>&1 || true
ps -o pid,comm -p "$other" > /dev/null
pgrep sleep > /dev/null
kill "$other"
