#!/bin/sh
# A connection attempt to a public address on a pool port (TEST-NET-2: never answers).
. "$(dirname "$0")/common.sh"
$PY - <<'PY'
import socket
s = socket.socket()
s.setblocking(False)
try:
    s.connect(("198.51.100.7", 3333))
except OSError:
    pass
s.close()
PY
