"""The engine alone: `tollgate analyze` replaying a capture recorded from a workload
(events/s, median of 5), `tollgate-bench engine` on a synthetic mix, and the time to
load Falco's three rulesets together (`tollgate rules validate`, whole process, median of 5)."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from workloads import Workload

THROUGHPUT = re.compile(r"engine throughput: (\d+) events/s")
REPLAY = re.compile(r"replayed (\d+) events from \d+ file\(s\) in [0-9.]+ s: (\d+) events/s")


@dataclass
class EngineFigures:
    events_per_second: int | None
    throughput_command: str
    load_ms_median: float | None
    load_ms_min: float | None
    load_ms_max: float | None
    load_command: str
    replay_events: int | None = None
    replay_per_second: float | None = None
    replay_command: str = ""
    failure: str | None = None


def replay(tollgate: Path, workload: Workload, scratch: Path, runs: int) -> tuple[int | None, float | None, str, str | None]:
    """Records `workload` under the eBPF backend, then times `tollgate analyze` on the capture:
    (events, median events/s, command, failure)."""
    capture = scratch / f"{workload.name}.tgcap"
    if workload.prepare:
        subprocess.run(workload.prepare, check=True, stdout=subprocess.DEVNULL)
    recorded = subprocess.run([str(tollgate), "run", "--backend", "ebpf", "--quiet", "--capture", str(capture), "--"]
                              + workload.command, cwd=workload.folder, capture_output=True, text=True)
    analyze = [str(tollgate), "analyze", "--quiet", "--timing", str(capture)]
    if recorded.returncode not in (0, 3) or not capture.exists():
        return None, None, " ".join(analyze), f"recording exited {recorded.returncode}: {recorded.stderr.strip()[-200:]}"
    rates, events = [], None
    for _ in range(runs):
        done = subprocess.run(analyze, capture_output=True, text=True)
        found = REPLAY.search(done.stderr)
        if not found:
            return None, None, " ".join(analyze), f"analyze exited {done.returncode}: {done.stderr.strip()[-200:]}"
        events, rate = int(found[1]), float(found[2])
        rates.append(rate)
    return events, statistics.median(rates), " ".join(analyze), None


def measure(tollgate: Path, bench: Path, falco_folder: Path, repo: Path, events: int, loads: int) -> EngineFigures:
    rulesets = [str(falco_folder / name) for name in
                ("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml")]
    ours = [str(repo / "rules")] if (repo / "rules").is_dir() else []
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    throughput = pin + [str(bench), "engine", "--events", str(events)] + rulesets + ours
    done = subprocess.run(throughput, capture_output=True, text=True)
    found = THROUGHPUT.search(done.stdout)
    failure = None if found else f"tollgate-bench engine exited {done.returncode}: {done.stderr.strip()[-200:]}"

    validate = [str(tollgate), "rules", "validate"] + rulesets
    timings = []
    subprocess.run(validate, capture_output=True)  # warm the page cache
    for _ in range(loads):
        started = time.monotonic()
        loaded = subprocess.run(validate, capture_output=True, text=True)
        timings.append((time.monotonic() - started) * 1000)
        if loaded.returncode != 0:
            failure = f"rules validate exited {loaded.returncode}: {loaded.stderr.strip()[-200:]}"
    return EngineFigures(int(found[1]) if found else None, " ".join(throughput),
                         statistics.median(timings), min(timings), max(timings), " ".join(validate),
                         failure)
