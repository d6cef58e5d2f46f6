#!/bin/sh
# nsenter joining another process's namespaces (a sibling's here; PID 1's in a real escape).
. "$(dirname "$0")/common.sh"
sleep 30 &
victim=$!
nsenter --target "$victim" --uts --mount true
kill "$victim"
