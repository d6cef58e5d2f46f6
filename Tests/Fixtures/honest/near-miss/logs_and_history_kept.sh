#!/bin/sh
# Near "CI Log or shell history cleared": writing and rotating the build's own logs.
. "$(dirname "$0")/../common.sh"
mkdir -p logs
printf 'build log\n' > logs/build.log
: > logs/build.log
rm -f logs/build.log
printf 'ls\n' >> "$HOME/.bash_history"
cat /var/log/dpkg.log > /dev/null 2>&1 || true
