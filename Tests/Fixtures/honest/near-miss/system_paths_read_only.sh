#!/bin/sh
# Near the system-folder rules: reading system binaries, /etc and cron; writing a fake tree of
# the same shape inside the workspace (DESTDIR installs).
. "$(dirname "$0")/../common.sh"
cat /usr/bin/env > /dev/null
cat /etc/hosts /etc/os-release > /dev/null
ls /etc/cron.d > /dev/null 2>&1 || true
cat /etc/ld.so.preload > /dev/null 2>&1 || true
mkdir -p stage/usr/bin stage/etc/cron.d stage/etc/systemd/system stage/usr/lib
cp /bin/true stage/usr/bin/tool
printf '* * * * * true\n' > stage/etc/cron.d/job
printf '[Service]\n' > stage/etc/systemd/system/x.service
printf '/usr/lib/libx.so\n' > stage/etc/ld.so.preload
: > stage/usr/lib/libx.so
python3 -c 'import json, sys' # imports stdlib modules (may write __pycache__ as root)
