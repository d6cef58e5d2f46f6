#!/bin/sh
# python's reverse-shell one-liner, pointed at a loopback listener and undone at once.
. "$(dirname "$0")/common.sh"
$PY - <<'PY'
import os, socket
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
client = socket.create_connection(server.getsockname())
saved = os.dup(1)
os.dup2(client.fileno(), 1)
os.dup2(saved, 1)
client.close(); server.close()
PY
