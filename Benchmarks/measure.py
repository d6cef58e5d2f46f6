"""Runs one command and measures it: wall time, CPU of the top process and of its reaped
descendants, and the peak RSS of the top process.

What is measured, precisely:
- wall: monotonic time from spawn until the top process has exited (it is then still a zombie).
- own_cpu: user+sys of the top process itself (all its threads), read from /proc/PID/stat
  fields utime+stime while it is a zombie (waitid WNOWAIT), so its children are not included.
  Under a gate, the top process is the gate (tollgate, strace, bpftrace); bare, it is the job.
- children_cpu: cutime+cstime of the same zombie: every descendant the top process (or a
  descendant of it) waited for, i.e. the job's whole process tree.
- peak_rss: VmHWM of the top process, sampled from /proc/PID/status every 10 ms while it runs
  (the kernel does not expose a zombie's high-water mark), in KiB. Descendants are excluded.
Clock-tick resolution of the CPU figures is 1/CLK_TCK (10 ms here).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    status: int  # shell-style: the exit status, or 128+N after signal N
    wall: float
    own_cpu: float
    children_cpu: float
    peak_rss_kib: int
    stderr: str

    @property
    def total_cpu(self) -> float:
        return self.own_cpu + self.children_cpu


def _high_water_mark(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _zombie_times(pid: int) -> tuple[float, float]:
    """(own user+sys, reaped children user+sys) in seconds, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime/stime/cutime/cstime are fields 14..17.
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS


def run(command: list[str], cwd: Path, stdout_path: Path, stderr_path: Path) -> Measurement:
    """Runs `command` in `cwd`, stdout and stderr to the given files, and measures it."""
    stdout = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    stderr = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    stdin = os.open("/dev/null", os.O_RDONLY)
    previous = os.getcwd()
    try:
        os.chdir(cwd)
        started = time.monotonic()
        pid = os.posix_spawnp(command[0], command, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, stdin, 0),
                                            (os.POSIX_SPAWN_DUP2, stdout, 1),
                                            (os.POSIX_SPAWN_DUP2, stderr, 2)])
    finally:
        os.chdir(previous)
        for fd in (stdout, stderr, stdin):
            os.close(fd)

    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], _high_water_mark(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    own_cpu, children_cpu = _zombie_times(pid)
    _, wait_status, _ = os.wait4(pid, 0)
    if os.WIFSIGNALED(wait_status):
        status = 128 + os.WTERMSIG(wait_status)
    else:
        status = os.WEXITSTATUS(wait_status)
    return Measurement(status, wall, own_cpu, children_cpu, peak[0],
                       stderr_path.read_text(errors="replace"))
