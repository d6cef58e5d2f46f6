#!/bin/sh
# The tj-actions/changed-files move: read another process's environment and memory.
. "$(dirname "$0")/common.sh"
sleep 30 &
victim=$!
cat "/proc/$victim/environ" > /dev/null
$PY -c 'import sys; open("/proc/%s/mem" % sys.argv[1], "rb").close()' "$victim"
kill "$victim"
