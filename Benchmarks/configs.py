"""The configurations a workload runs under: bare, tollgate with each backend, each backend's
floor (`tollgate-bench floor`), and the peers a user knows (strace, bpftrace).

Each configuration wraps the workload's command line. `probe()` runs it once over a
script that exits 0: a configuration that cannot start here (tollgate's exit 69, a tool that is not
installed, a probe that does not attach) is reported as "n/a (reason)", never dropped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SUMMARY = re.compile(r"tollgate: job (?P<job>.*); backend (?P<backend>\S+), (?P<events>\d+) events, "
                     r"(?P<drops>\d+) dropped; (?P<findings>\d+) findings, (?P<blocking>\d+) blocking")

# The file, process and network syscalls tollgate's rules and state tracking use; the bpftrace
# peer counts these (a map lookup per syscall, like tollgate's in-kernel bitmap).
COUNTED_SYSCALLS = """open openat openat2 creat close close_range dup dup2 dup3 fcntl execve execveat
clone clone3 fork vfork socket socketpair connect accept accept4 bind listen chdir fchdir rename
renameat renameat2 unlink unlinkat link linkat symlink symlinkat mkdir mkdirat rmdir chmod fchmod
fchmodat chown fchown fchownat lchown ptrace setuid setgid setresuid setresgid mount umount2
memfd_create pipe pipe2 sendto recvfrom kill prctl bpf init_module finit_module""".split()


@dataclass
class Summary:
    """tollgate's last stderr line, parsed."""

    backend: str
    events: int
    drops: int
    findings: int
    blocking: int

    @staticmethod
    def parse(stderr: str) -> "Summary | None":
        found = None
        for found in SUMMARY.finditer(stderr):
            pass
        if found is None:
            return None
        return Summary(found["backend"], int(found["events"]), int(found["drops"]),
                       int(found["findings"]), int(found["blocking"]))


@dataclass
class Config:
    """One way of running a workload. `prefix` goes before the command; `wrap` builds the
    whole command line when the command must be passed differently (bpftrace's -c)."""

    name: str
    label: str
    prefix: list[str] = field(default_factory=list)
    is_tollgate: bool = False
    ok_statuses: tuple[int, ...] = (0,)
    bpftrace_program: str | None = None
    unavailable: str | None = None  # the reason, once known

    @property
    def has_summary(self) -> bool:
        """tollgate run ends with its summary line (tollgate-bench floor does not)."""
        return self.is_tollgate and not self.name.startswith("floor")

    def command(self, job: list[str]) -> list[str]:
        if self.bpftrace_program is not None:
            # bpftrace's -c runs only ELF executables: give scripts to /bin/sh, as the kernel would.
            return self.prefix + ["-e", self.bpftrace_program, "-c", " ".join(["/bin/sh"] + job)]
        return self.prefix + job

    def probe(self, scratch: Path) -> None:
        """Runs the configuration over a script that exits 0; records why it cannot run here."""
        if self.unavailable is not None or not self.prefix:
            return
        script = scratch / "probe.sh"
        script.write_text("#!/bin/sh\nexit 0\n")
        script.chmod(0o755)
        try:
            done = subprocess.run(self.command([str(script)]), cwd=scratch, capture_output=True,
                                  text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as error:
            self.unavailable = f"cannot start: {error}"
            return
        if done.returncode in self.ok_statuses:
            return
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()]
        reason = (errors or lines or [f"exit status {done.returncode}"])[-1]
        if self.is_tollgate and done.returncode != 69:
            reason = f"exit {done.returncode}: {reason}"
        self.unavailable = reason.removeprefix("tollgate: error: ").removeprefix("tollgate-bench: error: ")[:160]


def _syscall_numbers(scratch: Path, names: list[str]) -> dict[str, int]:
    """Numbers of `names` on this machine, from <sys/syscall.h> via a generated C program."""
    source = scratch / "syscall_numbers.c"
    checks = "\n".join(f'#ifdef SYS_{name}\n    printf("{name} %ld\\n", (long)SYS_{name});\n#endif' for name in names)
    source.write_text(f"#include <stdio.h>\n#include <sys/syscall.h>\nint main(void) {{\n{checks}\n    return 0;\n}}\n")
    binary = scratch / "syscall_numbers"
    subprocess.run(["gcc", "-o", str(binary), str(source)], check=True)
    output = subprocess.run([str(binary)], check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: int(line.split()[1]) for line in output.splitlines()}


def _bpftrace_program(scratch: Path) -> str:
    numbers = sorted(_syscall_numbers(scratch, COUNTED_SYSCALLS).values())
    fill = " ".join(f"@want[{number}] = 1;" for number in numbers)
    return ("BEGIN { " + fill + " } "
            "tracepoint:raw_syscalls:sys_exit /@want[args->id]/ { @count[args->id] = count(); } "
            "END { clear(@want); }")


def make(tollgate: Path, bench: Path, falco_rules: Path, scratch: Path, names: list[str]) -> list[Config]:
    """The configurations named in `names`, in that order; the floors are `bench`'s."""
    gate = [str(tollgate), "run"]
    floor = [str(bench), "floor"]
    per_syscall = ["env", "TOLLGATE_EBPF_HOOKS=per-syscall"]
    tollgate_statuses = (0, 3)  # 3: blocking findings or drops, reported in their own columns
    strace = shutil.which("strace")
    bpftrace = shutil.which("bpftrace")
    known = {
        "ebpf": lambda: Config("ebpf", "tollgate eBPF", gate + ["--backend", "ebpf", "--"],
                               True, tollgate_statuses),
        "ptrace": lambda: Config("ptrace", "tollgate ptrace", gate + ["--backend", "ptrace", "--"],
                                 True, tollgate_statuses),
        "seccomp": lambda: Config("seccomp", "tollgate seccomp", gate + ["--backend", "seccomp", "--"],
                                  True, tollgate_statuses),
        "ebpf-falco": lambda: Config("ebpf-falco", "tollgate eBPF, Falco stable rules",
                                     gate + ["--backend", "ebpf", "--rules", str(falco_rules), "--"],
                                     True, tollgate_statuses),
        "floor": lambda: Config("floor", "eBPF floor (empty programs)",
                                floor + ["--"], True, (0,)),
        # The same filter as a run with the default rules under a bare tracer or notifier, every
        # stop let go at once: what the stops alone cost here, the most that tuning the
        # recording could win back.
        "floor-ptrace": lambda: Config("floor-ptrace", "ptrace floor (stops only)",
                                       floor + ["--backend", "ptrace", "--"], True, (0,)),
        "floor-seccomp": lambda: Config("floor-seccomp", "seccomp floor (notifications only)",
                                        floor + ["--backend", "seccomp", "--"], True, (0,)),
        # The eBPF backend's syscall hooks forced per syscall (auto keeps the raw tracepoint
        # where a rule's syscall has no exit tracepoint); `env` execs, so the pid is tollgate's.
        "ebpf-per-syscall": lambda: Config("ebpf-per-syscall", "tollgate eBPF, per-syscall hooks",
                                           [*per_syscall, *gate, "--backend", "ebpf", "--"], True, tollgate_statuses),
        "floor-per-syscall": lambda: Config("floor-per-syscall", "eBPF floor, per-syscall hooks",
                                            [*per_syscall, *floor, "--"], True, (0,)),
        "strace": lambda: Config("strace", "strace -f",
                                 [strace or "strace", "-f", "-o", "/dev/null"],
                                 unavailable=None if strace else "strace is not installed"),
        "strace-seccomp": lambda: Config("strace-seccomp", "strace -f --seccomp-bpf",
                                         [strace or "strace", "-f", "--seccomp-bpf", "-e",
                                          "trace=%file,%process,%network", "-o", "/dev/null"],
                                         unavailable=None if strace else "strace is not installed"),
        "bpftrace": lambda: Config("bpftrace", "bpftrace count",
                                   [bpftrace or "bpftrace"],
                                   bpftrace_program=_bpftrace_program(scratch) if bpftrace else "",
                                   unavailable=None if bpftrace else "bpftrace is not installed"),
    }
    return [known[name]() for name in names]


ALL = ["ebpf", "ebpf-falco", "floor", "ptrace", "floor-ptrace", "seccomp", "floor-seccomp", "strace", "strace-seccomp",
       "bpftrace"]
# Accepted by --configs but not run by default: the per-syscall hooks compared with auto's.
KNOWN = ALL + ["ebpf-per-syscall", "floor-per-syscall"]
