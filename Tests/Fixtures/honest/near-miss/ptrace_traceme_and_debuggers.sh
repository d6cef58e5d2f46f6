#!/bin/sh
# Near "CI Ptrace attach or injection": PTRACE_TRACEME (anti-debug checks, test harnesses).
. "$(dirname "$0")/../common.sh"
python3 -c 'import ctypes; ctypes.CDLL(None).ptrace(0, 0, None, None)'
