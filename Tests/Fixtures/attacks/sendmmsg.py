# Sends one UDP datagram per HOST:PORT argument with a single sendmmsg(2) call (Python's socket
# module has no sendmmsg). Prints "sent=N".
import ctypes, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)

class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("length", ctypes.c_size_t)]

class MessageHeader(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("name_length", ctypes.c_uint32), ("iov", ctypes.POINTER(IOVec)),
                ("iov_length", ctypes.c_size_t), ("control", ctypes.c_void_p), ("control_length", ctypes.c_size_t),
                ("flags", ctypes.c_int)]

class MultipleMessageHeader(ctypes.Structure):
    _fields_ = [("header", MessageHeader), ("length", ctypes.c_uint)]

payload = ctypes.create_string_buffer(b"x")
vector = (IOVec * 1)(IOVec(ctypes.cast(payload, ctypes.c_void_p), 1))
names, messages = [], (MultipleMessageHeader * (len(sys.argv) - 1))()
for i, destination in enumerate(sys.argv[1:]):
    host, port = destination.rsplit(":", 1)
    name = ctypes.create_string_buffer(struct.pack("=H", socket.AF_INET) + struct.pack("!H", int(port)) +
                                       socket.inet_aton(host) + bytes(8), 16)
    names.append(name)
    messages[i].header = MessageHeader(ctypes.cast(name, ctypes.c_void_p), 16, vector, 1, None, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = libc.sendmmsg(s.fileno(), messages, len(messages), 0)
if sent < 0:
    sys.exit("sendmmsg: " + socket.os.strerror(ctypes.get_errno()))
print(f"sent={sent}", flush=True)
