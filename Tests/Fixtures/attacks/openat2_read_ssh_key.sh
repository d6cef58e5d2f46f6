#!/bin/sh
# Reads the SSH key through openat2(2) (flags in a struct open_how), the open call rules forget.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_rsa"
$PY - "$HOME/.ssh/id_rsa" <<'PY'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
how = struct.pack("QQQ", os.O_RDONLY | os.O_CLOEXEC, 0, 0)  # struct open_how {flags, mode, resolve}
fd = libc.syscall(437, -100, sys.argv[1].encode(), how, len(how))  # openat2(AT_FDCWD, ...)
if fd < 0:
    sys.exit("openat2: " + os.strerror(ctypes.get_errno()))
os.read(fd, 64)
os.close(fd)
PY
