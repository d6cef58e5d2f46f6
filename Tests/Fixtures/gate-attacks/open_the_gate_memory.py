# Opens the gate's memory for writing, as a root job would before patching the gate's verdict
# into a pass: finds the nearest ancestor named tollgate and opens <procfs>/<pid>/mem read-write
# (<procfs> is the first argument, /proc by default: a root job can mount another one).
# Prints "open=<outcome>" once the open has returned.
import os, sys
procfs = sys.argv[1] if len(sys.argv) > 1 else "/proc"
pid = os.getppid()
while pid > 1 and open(f"/proc/{pid}/comm").read().strip() != "tollgate":
    with open(f"/proc/{pid}/stat") as f:
        pid = int(f.read().rsplit(")", 1)[1].split()[1])
try:
    os.open(f"{procfs}/{pid}/mem", os.O_RDWR)
    outcome = "ok"
except OSError as error:
    outcome = error.strerror
print(f"open={outcome}", flush=True)
