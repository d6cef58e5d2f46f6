"""Runs every workload bare and under every configuration, interleaved in adjacent pairs
(bare, config, bare, config, ...), and collects the measurements."""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import configs as configs_module
import measure
from configs import Config, Summary
from workloads import Workload


@dataclass
class Pair:
    bare: measure.Measurement
    gated: measure.Measurement
    summary: Summary | None


@dataclass
class Cell:
    """Everything measured for one workload under one configuration."""

    workload: Workload
    config: Config
    pairs: list[Pair] = field(default_factory=list)
    failure: str | None = None  # set when a run of an available configuration failed

    @property
    def unavailable(self) -> str | None:
        return self.config.unavailable

    def ratios(self) -> list[float]:
        return [pair.gated.wall / pair.bare.wall for pair in self.pairs if pair.bare.wall > 0]

    def median(self, values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @property
    def ratio(self) -> float | None:
        return self.median(self.ratios())

    @property
    def bare_wall(self) -> float | None:
        return self.median([pair.bare.wall for pair in self.pairs])

    @property
    def gated_wall(self) -> float | None:
        return self.median([pair.gated.wall for pair in self.pairs])

    @property
    def gate_cpu(self) -> float | None:
        """Median user+sys of the gate process itself (None when bare)."""
        return self.median([pair.gated.own_cpu for pair in self.pairs])

    @property
    def added_cpu(self) -> float | None:
        """Median extra user+sys of gate plus job tree over the bare job tree, same pair."""
        return self.median([pair.gated.total_cpu - pair.bare.total_cpu for pair in self.pairs])

    @property
    def peak_rss_mib(self) -> float | None:
        values = [pair.gated.peak_rss_kib / 1024 for pair in self.pairs]
        return max(values) if values else None

    def _summaries(self) -> list[Summary]:
        return [pair.summary for pair in self.pairs if pair.summary is not None]

    @property
    def events(self) -> float | None:
        return self.median([float(s.events) for s in self._summaries()])

    @property
    def events_per_second(self) -> float | None:
        return self.median([pair.summary.events / pair.gated.wall for pair in self.pairs
                            if pair.summary is not None and pair.gated.wall > 0])

    @property
    def drops(self) -> int | None:
        summaries = self._summaries()
        return max(s.drops for s in summaries) if summaries else None

    @property
    def findings(self) -> int | None:
        summaries = self._summaries()
        return max(s.findings for s in summaries) if summaries else None

    @property
    def added_wall(self) -> float | None:
        """Median of gated minus bare wall time over the pairs."""
        return self.median([pair.gated.wall - pair.bare.wall for pair in self.pairs])

    def net_of_start_up(self, start_up: "Cell | None") -> tuple[float, float] | None:
        """(ratio, ns added per storm syscall) once the configuration's fixed start-up cost,
        measured on the start-up workload, is taken out; None when not a storm or unmeasured."""
        if not self.workload.storm_syscalls or not self.pairs or start_up is None or not start_up.pairs:
            return None
        net = (self.added_wall or 0) - (start_up.added_wall or 0)
        return 1 + net / (self.bare_wall or 1), net / self.workload.storm_syscalls * 1e9


def _prepare(workload: Workload) -> None:
    if workload.prepare:
        subprocess.run(workload.prepare, check=True, stdout=subprocess.DEVNULL)


def _run(workload: Workload, command: list[str], logs: Path, tag: str) -> measure.Measurement:
    _prepare(workload)
    return measure.run(command, workload.folder, logs / f"{tag}.out", logs / f"{tag}.err")


def _problem(config: Config, gated: measure.Measurement, summary: Summary | None) -> str | None:
    """Why a run of an available configuration counts as failed, or None."""
    if gated.status not in config.ok_statuses:
        tail = [line for line in gated.stderr.splitlines() if line.strip()][-1:]
        return f"status {gated.status}" + (f": {tail[0][:120]}" if tail else "")
    if config.has_summary and summary is None:
        return f"status {gated.status} without tollgate's summary line"
    return None


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(workloads: list[Workload], configs: list[Config], pairs: int, warmup: bool,
        logs: Path, after_workload: Callable[[list[Cell]], None] = lambda cells: None) -> list[Cell]:
    """Runs the suite, calling `after_workload` with the cells so far after each workload.
    A failing bare run is fatal: the workload itself is broken."""
    logs.mkdir(parents=True, exist_ok=True)
    cells: list[Cell] = []
    for workload in workloads:
        row = [Cell(workload, config) for config in configs]
        cells += row
        live = [cell for cell in row if cell.unavailable is None]
        rounds = ([False] if warmup else []) + [True] * pairs
        for index, recorded in enumerate(rounds):
            for cell in live:
                if cell.failure:
                    continue
                tag = f"{workload.name}.{cell.config.name}.{index}"
                bare = _run(workload, workload.command, logs, tag + ".bare")
                if bare.status != 0:
                    raise SystemExit(f"error: the bare '{workload.name}' run failed with status "
                                     f"{bare.status}; see {logs / (tag + '.bare.err')}")
                gated = _run(workload, cell.config.command(workload.command), logs, tag)
                summary = Summary.parse(gated.stderr) if cell.config.has_summary else None
                problem = _problem(cell.config, gated, summary)
                if problem:
                    cell.failure = problem
                    _log(f"  {workload.name:10} {cell.config.name:15} FAILED {problem} (log {logs / (tag + '.err')})")
                    continue
                if not recorded:
                    continue
                cell.pairs.append(Pair(bare, gated, summary))
                events = f", {summary.events} events, {summary.drops} dropped" if summary else ""
                _log(f"  {workload.name:10} {cell.config.name:15} pair {len(cell.pairs)}: "
                     f"bare {bare.wall:6.2f} s, gated {gated.wall:6.2f} s, "
                     f"ratio {gated.wall / bare.wall:5.2f}{events}")
        after_workload(cells)
    return cells
