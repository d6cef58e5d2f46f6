#!/bin/sh
# Opens /etc/shadow through '../' components. `exec` keeps a shell out of cat's parent chain:
# the rule ignores readers whose parent is a shell. Read-only.
exec cat /etc/../etc/../etc/shadow >/dev/null
