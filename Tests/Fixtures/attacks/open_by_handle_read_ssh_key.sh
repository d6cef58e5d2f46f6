#!/bin/sh
# Reads the SSH key with open_by_handle_at(2) (root: CAP_DAC_READ_SEARCH): the handle comes from
# name_to_handle_at, and the open itself passes no path at all.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_rsa"
$PY - "$HOME/.ssh/id_rsa" "$S" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
class FileHandle(ctypes.Structure):
    _fields_ = [("handle_bytes", ctypes.c_uint), ("handle_type", ctypes.c_int), ("f_handle", ctypes.c_ubyte * 128)]
handle = FileHandle(handle_bytes=128)
mount_id = ctypes.c_int()
if libc.name_to_handle_at(-100, sys.argv[1].encode(), ctypes.byref(handle), ctypes.byref(mount_id), 0) != 0:
    sys.exit("name_to_handle_at: " + os.strerror(ctypes.get_errno()))
mount_fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
fd = libc.open_by_handle_at(mount_fd, ctypes.byref(handle), os.O_RDONLY)
if fd < 0:
    sys.exit("open_by_handle_at: " + os.strerror(ctypes.get_errno()))
os.read(fd, 64)
os.close(fd)
PY
