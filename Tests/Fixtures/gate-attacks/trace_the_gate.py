# Tries to take over the gate: for each ancestor of this process, PTRACE_SEIZE it (then
# detach) and open its /proc/<pid>/mem. Prints one "pid:comm:seize=...:mem=..." entry per
# ancestor, one per line.
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_SEIZE = 0x4206
pid = os.getppid()
results = []
while pid > 1:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    comm = open(f"/proc/{pid}/comm").read().strip()
    r = libc.ptrace(PTRACE_SEIZE, pid, 0, 0)
    err = ctypes.get_errno()
    if r == 0:
        libc.ptrace(0x11, pid, 0, 0)  # PTRACE_DETACH
    try:
        open(f"/proc/{pid}/mem", "rb").close(); mem = "open"
    except OSError as e:
        mem = e.strerror
    results.append(f"{pid}:{comm}:seize={'ok' if r == 0 else os.strerror(err)}:mem={mem}")
    pid = int(fields[1])
print("\n".join(results))
