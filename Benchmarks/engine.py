"""The engine alone: `tollgate rules bench-engine` throughput and the time to load Falco's
three rulesets together (`tollgate rules validate`, a whole process, median of 5)."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

THROUGHPUT = re.compile(r"engine throughput: (\d+) events/s")


@dataclass
class EngineFigures:
    events_per_second: int | None
    throughput_command: str
    load_ms_median: float | None
    load_ms_min: float | None
    load_ms_max: float | None
    load_command: str
    failure: str | None = None


def measure(tollgate: Path, falco_folder: Path, repo: Path, events: int, loads: int) -> EngineFigures:
    rulesets = [str(falco_folder / name) for name in
                ("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml")]
    ours = [str(repo / "rules")] if (repo / "rules").is_dir() else []
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    bench = pin + [str(tollgate), "rules", "bench-engine", "--events", str(events)] + rulesets + ours
    done = subprocess.run(bench, capture_output=True, text=True)
    found = THROUGHPUT.search(done.stdout)
    failure = None if found else f"bench-engine exited {done.returncode}: {done.stderr.strip()[-200:]}"

    validate = [str(tollgate), "rules", "validate"] + rulesets
    timings = []
    subprocess.run(validate, capture_output=True)  # warm the page cache
    for _ in range(loads):
        started = time.monotonic()
        loaded = subprocess.run(validate, capture_output=True, text=True)
        timings.append((time.monotonic() - started) * 1000)
        if loaded.returncode != 0:
            failure = f"rules validate exited {loaded.returncode}: {loaded.stderr.strip()[-200:]}"
    return EngineFigures(int(found[1]) if found else None, " ".join(bench),
                         statistics.median(timings), min(timings), max(timings), " ".join(validate),
                         failure)
