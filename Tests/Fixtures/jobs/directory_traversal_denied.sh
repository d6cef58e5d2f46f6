#!/bin/sh
# As the system user daemon (root runs the gate): opens /etc/shadow through '../' components;
# the kernel refuses (EACCES). `exec` keeps a shell out of cat's parent chain. Read-only.
exec setpriv --reuid=daemon --regid=daemon --clear-groups cat /etc/../etc/../etc/shadow 2>/dev/null
