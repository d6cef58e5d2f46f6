#!/bin/sh
# Reaches a container engine's socket by its path instead of through the gate's proxy
# ($DOCKER_HOST): a stand-in engine listens on a docker.sock here, so no daemon is needed.
. "$(dirname "$0")/common.sh"
$PY - "$S/docker.sock" <<'PY'
import socket, sys
engine = socket.socket(socket.AF_UNIX); engine.bind(sys.argv[1]); engine.listen()
client = socket.socket(socket.AF_UNIX); client.connect(sys.argv[1])
client.sendall(b"GET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\n\r\n")
PY
