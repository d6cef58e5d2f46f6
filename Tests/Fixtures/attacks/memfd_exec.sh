#!/bin/sh
. "$(dirname "$0")/common.sh"
$PY - <<'PY'
import os
fd = os.memfd_create("stage2", 0)
with open("/bin/true", "rb") as f:
    os.write(fd, f.read())
pid = os.fork()
if pid == 0:
    os.execv("/proc/self/fd/%d" % fd, ["stage2"])
os.waitpid(pid, 0)
PY
