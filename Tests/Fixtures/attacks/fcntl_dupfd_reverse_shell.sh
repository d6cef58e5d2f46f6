#!/bin/sh
# A reverse shell without dup*: the socket lands on fd 0 and fcntl(F_DUPFD) copies it onto fd 1,
# then a shell runs on it. Pointed at a loopback listener, and the shell only exits.
. "$(dirname "$0")/common.sh"
$PY - <<'PY'
import fcntl, os, socket
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
pid = os.fork()
if pid == 0:
    os.close(0)
    client = socket.socket()                  # lowest free fd: 0
    client.connect(server.getsockname())
    os.close(1)
    fcntl.fcntl(0, fcntl.F_DUPFD, 1)           # lowest free fd from 1: 1
    os.set_inheritable(0, True)
    os.execv("/bin/sh", ["sh", "-c", "exit 0"])
connection, _ = server.accept()
os.waitpid(pid, 0)
connection.close(); server.close()
PY
