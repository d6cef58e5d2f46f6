#!/bin/sh
# Near "CI io_uring set up": the event interfaces builds and servers really use (epoll, eventfd,
# select through python's selectors and asyncio), none of which hides its I/O from the gate.
. "$(dirname "$0")/../common.sh"
python3 - <<'PY'
import asyncio, os, selectors, socket
selector = selectors.DefaultSelector()
a, b = socket.socketpair()
selector.register(a, selectors.EVENT_READ)
b.send(b"x")
assert selector.select(timeout=1)
selector.close(); a.close(); b.close()
efd = os.eventfd(0)
os.eventfd_write(efd, 1)
os.close(efd)
asyncio.run(asyncio.sleep(0))
PY
