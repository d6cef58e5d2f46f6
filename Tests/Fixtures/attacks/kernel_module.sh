#!/bin/sh
# finit_module with an invalid fd: the attempt is the signal, nothing can load.
. "$(dirname "$0")/common.sh"
$PY -c 'import ctypes; ctypes.CDLL(None).syscall(313, -1, b"", 0)'
