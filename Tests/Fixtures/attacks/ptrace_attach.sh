#!/bin/sh
. "$(dirname "$0")/common.sh"
sleep 30 &
victim=$!
$PY - "$victim" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
if libc.ptrace(16, pid, None, None) == 0:   # PTRACE_ATTACH
    os.waitpid(pid, 0)
    libc.ptrace(17, pid, None, None)         # PTRACE_DETACH
PY
kill "$victim"
