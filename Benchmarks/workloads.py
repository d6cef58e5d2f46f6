"""The benchmark workloads: each is generated into its own folder and run as `<folder>/run.sh`.

A workload is a folder holding `run.sh` (what is timed) and optionally `prepare.sh` (run
untimed before every timed run, to reset state such as build outputs). Sizes scale with
`Sizes` so the smoke mode can run everything in seconds.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sizes:
    """How big each generated workload is."""

    c_files: int = 100
    pytest_tests: int = 300
    git_commits: int = 1000
    getppid_calls: int = 1_000_000
    openat_calls: int = 200_000
    fork_execs: int = 2_000
    find_root: str = "/usr"

    @staticmethod
    def smoke() -> "Sizes":
        return Sizes(c_files=4, pytest_tests=10, git_commits=20, getppid_calls=50_000,
                     openat_calls=10_000, fork_execs=100, find_root="/usr/include")


@dataclass(frozen=True)
class Workload:
    """A generated workload: `name`, what it does, its folder and the syscalls it issues
    deliberately (for the nanoseconds-per-syscall column; 0 when not a storm)."""

    name: str
    description: str
    folder: Path
    storm_syscalls: int = 0

    @property
    def command(self) -> list[str]:
        return [str(self.folder / "run.sh")]

    @property
    def prepare(self) -> list[str] | None:
        script = self.folder / "prepare.sh"
        return [str(script)] if script.exists() else None


def _write(path: Path, text: str, executable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _script(folder: Path, name: str, body: str) -> None:
    _write(folder / name, "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\n" + body, executable=True)


def _c_program(folder: Path, source: str) -> None:
    """Writes `source` as storm.c, compiles it and makes run.sh exec it."""
    _write(folder / "storm.c", source)
    subprocess.run(["gcc", "-O2", "-o", str(folder / "storm"), str(folder / "storm.c")], check=True)
    _script(folder, "run.sh", "exec ./storm\n")


def c_build(root: Path, sizes: Sizes) -> Workload:
    folder = root / "c-build"
    for index in range(sizes.c_files):
        functions = "\n".join(
            f"static int f{index}_{k}(int x) {{ int s = 0; for (int i = 0; i < x; i++) s += i * {k + 1} ^ (s >> 3); return s; }}"
            for k in range(3))
        calls = " + ".join(f"f{index}_{k}(n)" for k in range(3))
        _write(folder / "src" / f"unit{index}.c",
               f"#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n#include \"common.h\"\n{functions}\n"
               f"int unit{index}(int n) {{ return {calls}; }}\n")
    _write(folder / "src" / "common.h", "#ifndef COMMON_H\n#define COMMON_H\nint common(void);\n#endif\n")
    declarations = "\n".join(f"int unit{i}(int);" for i in range(sizes.c_files))
    body = " + ".join(f"unit{i}(argc)" for i in range(sizes.c_files))
    _write(folder / "src" / "main.c", f"{declarations}\nint main(int argc, char **argv) {{ (void)argv; return ({body}) & 1; }}\n")
    objects = " ".join(f"build/unit{i}.o" for i in range(sizes.c_files)) + " build/main.o"
    _write(folder / "Makefile",
           f"OBJS = {objects}\nall: build/app\nbuild/app: $(OBJS)\n\tgcc -o $@ $(OBJS)\n"
           "build/%.o: src/%.c src/common.h | build\n\tgcc -O2 -Wall -c -o $@ $<\n"
           "build:\n\tmkdir -p build\nclean:\n\trm -rf build\n.PHONY: all clean\n")
    _script(folder, "prepare.sh", "make -s clean\n")
    _script(folder, "run.sh", "exec make -s -j2\n")
    return Workload("c-build", f"make -j2 of {sizes.c_files + 1} generated C files (gcc -O2)", folder)


def python_tests(root: Path, sizes: Sizes) -> Workload:
    folder = root / "pytest"
    per_file = min(20, sizes.pytest_tests)
    files = max(1, sizes.pytest_tests // per_file)
    for index in range(files):
        tests = "\n\n".join(
            f"def test_case_{index}_{k}():\n"
            f"    data = {{str(i): i * {k + 1} for i in range(100)}}\n"
            f"    assert json.loads(json.dumps(data))['7'] == 7 * {k + 1}\n"
            f"    assert os.path.exists(__file__)"
            for k in range(per_file))
        _write(folder / "tests" / f"test_module_{index}.py", f"import json\nimport os\n\n\n{tests}\n")
    # The interpreter itself, not a shim (pyenv's shims cost a few processes per start).
    _script(folder, "run.sh", f"exec {sys.executable} -m pytest -q -p no:cacheprovider tests >/dev/null\n")
    return Workload("pytest", f"pytest on {files * per_file} generated tests (json round trips, os.path)", folder)


def git_operations(root: Path, sizes: Sizes) -> Workload:
    folder = root / "git"
    stream = []
    for commit in range(sizes.git_commits):
        changes = []
        for k in range(4):
            content = f"commit {commit} change {k}\n" + "line\n" * (commit % 50)
            data = content.encode()
            changes.append(f"M 100644 inline dir{k}/file{(commit * 4 + k) % 997}.txt\ndata {len(data)}\n{content}")
        message = f"change {commit}"
        stream.append(f"commit refs/heads/main\ncommitter bench <bench@example.invalid> {1700000000 + commit} +0000\n"
                      f"data {len(message)}\n{message}\n" + "".join(changes) + "\n")
    _write(folder / "history.fi", "".join(stream))
    _script(folder, "prepare.sh", "rm -rf repo\n")
    _script(folder, "run.sh", """export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
git init -q -b main repo
cd repo
git fast-import --quiet < ../history.fi
git checkout -q main
echo change >> dir0/file0.txt
git add -A
git commit -q -m "local change"
git log --oneline | wc -l >/dev/null
git status --short >/dev/null
git gc -q
""")
    return Workload("git", f"git init, fast-import of {sizes.git_commits} commits (4 files each), checkout, commit, log, gc", folder)


def getppid_storm(root: Path, sizes: Sizes) -> Workload:
    folder = root / "getppid"
    _c_program(folder, f"""#include <unistd.h>
#include <sys/syscall.h>
int main(void) {{ long s = 0; for (long i = 0; i < {sizes.getppid_calls}L; i++) s += syscall(SYS_getppid); return s == 0; }}
""")
    return Workload("getppid", f"{sizes.getppid_calls:,} getppid() (a syscall no rule needs)", folder,
                    storm_syscalls=sizes.getppid_calls)


def openat_storm(root: Path, sizes: Sizes) -> Workload:
    folder = root / "openat"
    _c_program(folder, f"""#include <fcntl.h>
#include <unistd.h>
int main(void) {{
    for (long i = 0; i < {sizes.openat_calls}L; i++) {{
        int fd = openat(AT_FDCWD, "storm.c", O_RDONLY | O_CLOEXEC);
        if (fd < 0) return 1;
        close(fd);
    }}
    return 0;
}}
""")
    return Workload("openat", f"{sizes.openat_calls:,} openat()+close() of one file (syscalls rules need)", folder,
                    storm_syscalls=2 * sizes.openat_calls)


def fork_exec_storm(root: Path, sizes: Sizes) -> Workload:
    folder = root / "fork-exec"
    _c_program(folder, f"""#include <sys/wait.h>
#include <unistd.h>
int main(void) {{
    char *argv[] = {{"true", 0}};
    char *envp[] = {{0}};
    for (int i = 0; i < {sizes.fork_execs}; i++) {{
        pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {{ execve("/bin/true", argv, envp); _exit(127); }}
        int status;
        if (waitpid(pid, &status, 0) < 0 || status != 0) return 1;
    }}
    return 0;
}}
""")
    return Workload("fork-exec", f"{sizes.fork_execs:,} fork+exec of /bin/true", folder)


def filesystem_walk(root: Path, sizes: Sizes) -> Workload:
    folder = root / "find"
    _script(folder, "run.sh", f"exec find {sizes.find_root} -xdev >/dev/null\n")
    return Workload("find", f"find {sizes.find_root} (a filesystem walk)", folder)


def start_up(root: Path, sizes: Sizes) -> Workload:
    folder = root / "start-up"
    _script(folder, "run.sh", "exit 0\n")
    return Workload("start-up", "a script that exits at once: the fixed cost of starting each configuration", folder)


GENERATORS = {
    "start-up": start_up,
    "c-build": c_build,
    "pytest": python_tests,
    "git": git_operations,
    "getppid": getppid_storm,
    "openat": openat_storm,
    "fork-exec": fork_exec_storm,
    "find": filesystem_walk,
}


def generate(root: Path, sizes: Sizes, names: list[str]) -> list[Workload]:
    """Generates the named workloads under `root`, in the given order."""
    root.mkdir(parents=True, exist_ok=True)
    return [GENERATORS[name](root, sizes) for name in names]
