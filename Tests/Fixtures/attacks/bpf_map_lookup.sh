#!/bin/sh
# Walks the machine's BPF maps by id with bpf(2), as a job looking for the gate's own would.
. "$(dirname "$0")/common.sh"
$PY - <<'PY'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
attr = (ctypes.c_uint32 * 32)()
libc.syscall(321, 12, ctypes.byref(attr), ctypes.sizeof(attr))  # bpf(BPF_MAP_GET_NEXT_ID)
PY
