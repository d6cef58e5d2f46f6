#!/bin/sh
# Sets up an io_uring: its submissions (opens, reads, connects) never pass the syscall layer.
. "$(dirname "$0")/common.sh"
$PY - <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)  # struct io_uring_params, zeroed
fd = libc.syscall(425, 4, params)           # io_uring_setup(4 entries)
if fd >= 0:
    os.close(fd)
PY
