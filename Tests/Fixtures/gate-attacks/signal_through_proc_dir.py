# Signals the gate without naming its pid in the call: opens the gate's /proc/<pid> directory
# (pidfd_send_signal takes such an fd as a pidfd) and sends SIGCONT through it (harmless to a
# running gate, but an attempt all the same). Prints "signal=<outcome>".
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_send_signal = 424  # the same number on x86_64 and arm64
pid = os.getppid()
while pid > 1 and open(f"/proc/{pid}/comm").read().strip() != "tollgate":
    with open(f"/proc/{pid}/stat") as f:
        pid = int(f.read().rsplit(")", 1)[1].split()[1])
directory = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)
r = libc.syscall(SYS_pidfd_send_signal, directory, 18, None, 0)
print("signal=" + ("ok" if r == 0 else os.strerror(ctypes.get_errno())), flush=True)
