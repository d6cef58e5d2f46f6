#!/bin/sh
# Near "CI Reverse shell" and "CI Crypto miner activity": loopback connections on pool-like
# ports, standard streams redirected to files and unix sockets (dup2 and fcntl F_DUPFD), a TCP
# socket copied to a high fd.
. "$(dirname "$0")/../common.sh"
python3 - <<'PY'
import os, socket
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
client = socket.create_connection(server.getsockname()); client.close(); server.close()
s = socket.socket(); s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", 3333))
except OSError:
    pass
s.close()
a, b = socket.socketpair()
saved = os.dup(1)
os.dup2(a.fileno(), 1)
os.dup2(saved, 1)
a.close(); b.close()
# A TCP socket copied with fcntl to a high fd (as event loops do), and a unix socket onto stdout.
import fcntl
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
client = socket.create_connection(server.getsockname())
os.close(fcntl.fcntl(client.fileno(), fcntl.F_DUPFD_CLOEXEC, 10))
a, b = socket.socketpair()
saved = os.dup(1)
os.close(1)
fcntl.fcntl(a.fileno(), fcntl.F_DUPFD, 1)
os.dup2(saved, 1)
a.close(); b.close(); client.close(); server.close()
PY
sh -c 'exec 3>&1 1>/dev/null; echo hidden; exec 1>&3'
