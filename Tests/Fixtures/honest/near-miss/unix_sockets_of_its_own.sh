#!/bin/sh
# Test servers on unix sockets of the job's own (an app's socket, a mock API), none of them a
# container engine's.
. "$(dirname "$0")/../common.sh"
W=$1
python3 - "$W/app.sock" "$W/mock-api.socket" <<'PY'
import socket, sys
for path in sys.argv[1:]:
    server = socket.socket(socket.AF_UNIX); server.bind(path); server.listen()
    client = socket.socket(socket.AF_UNIX); client.connect(path); client.sendall(b"ping")
    server.accept()[0].recv(4)
PY
