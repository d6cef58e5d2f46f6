# A root job blinding the eBPF capture: finds the gate's BPF map named "tracked" by id and
# deletes its own pid from it with bpf(2), then reads the file named by argv[1]. Other runs'
# maps may hold the same name: prints "delete=OK" when one delete worked, else the error of the
# first refused one ("delete=no map" when none was found).
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_bpf = 321
BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD = 3, 12, 14, 15

def bpf(cmd, attr):
    return libc.syscall(SYS_bpf, cmd, ctypes.byref(attr), ctypes.sizeof(attr))

class Attr(ctypes.Structure):
    _fields_ = [("a", ctypes.c_uint32), ("b", ctypes.c_uint32), ("c", ctypes.c_uint64), ("d", ctypes.c_uint64),
                ("e", ctypes.c_uint64), ("pad", ctypes.c_uint8 * 96)]

class Info(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint32), ("id", ctypes.c_uint32), ("key_size", ctypes.c_uint32),
                ("value_size", ctypes.c_uint32), ("max_entries", ctypes.c_uint32), ("map_flags", ctypes.c_uint32),
                ("name", ctypes.c_char * 16), ("pad", ctypes.c_uint8 * 64)]

results, next_id = [], 0
while True:
    attr = Attr(a=next_id)
    if bpf(BPF_MAP_GET_NEXT_ID, attr) != 0:
        break
    next_id = attr.b
    fd_attr = Attr(a=next_id)
    fd = bpf(BPF_MAP_GET_FD_BY_ID, fd_attr)
    if fd < 0:
        continue
    info = Info()
    info_attr = Attr(a=fd, b=ctypes.sizeof(info), c=ctypes.addressof(info))
    if bpf(BPF_OBJ_GET_INFO_BY_FD, info_attr) == 0 and info.name == b"tracked":
        key = ctypes.c_uint32(os.getpid())
        delete = Attr(a=fd, c=ctypes.addressof(key))
        results.append("OK" if bpf(BPF_MAP_DELETE_ELEM, delete) == 0 else os.strerror(ctypes.get_errno()))
    os.close(fd)
refused = [r for r in results if r == os.strerror(1)]  # EPERM
result = "OK" if "OK" in results else (refused or results or ["no map"])[0]
print(f"delete={result}", flush=True)
open(sys.argv[1], "rb").read()
