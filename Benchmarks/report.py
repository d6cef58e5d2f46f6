"""Writes the results: a Markdown page (machine, command, matrix of ratios, details, targets,
engine figures), a CSV with one row per workload and configuration, and PNG plots."""

from __future__ import annotations

import csv
import datetime
import os
import platform
from pathlib import Path

from engine import EngineFigures
from suite import Cell


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{os.cpu_count()} CPUs ({model}), Linux {platform.release()}, {date}, "
            f"load average at the start {load}")


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _count(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _net(cell: Cell, start_up: Cell | None) -> str:
    net = cell.net_of_start_up(start_up)
    return "" if net is None else f"{net[0]:.3f}, {net[1]:.0f} ns"


def _state(cell: Cell) -> str | None:
    if cell.unavailable:
        return f"n/a ({cell.unavailable})"
    if cell.failure:
        return f"failed ({cell.failure})"
    if not cell.pairs:
        return "n/a (no runs)"
    return None


def _ratio_text(cell: Cell) -> str:
    state = _state(cell)
    if state:
        return state
    ratios = cell.ratios()
    return f"{cell.ratio:.3f} ({min(ratios):.3f}-{max(ratios):.3f})"


def targets(cells: list[Cell], engine: EngineFigures | None) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows for the targets of issues 3, 4, 5 and 10."""
    by = {(cell.workload.name, cell.config.name): cell for cell in cells}
    rows: list[tuple[str, str, str]] = []

    def ratio_target(workload: str, config: str, limit: float) -> None:
        cell = by.get((workload, config))
        if cell is None:
            return
        text = f"{config} {workload} <= {limit}"
        if _state(cell):
            rows.append((text, _state(cell) or "", "not measured"))
        else:
            rows.append((text, f"{cell.ratio:.3f}", "met" if cell.ratio <= limit else f"missed by {cell.ratio - limit:.3f}"))

    def floor_context(workload: str, floor: str, limit: float) -> None:
        """Where the backend's floor stands against the target: a target below it cannot be met."""
        cell = by.get((workload, floor))
        if cell is None or _state(cell):
            return
        rows.append((f"({floor} {workload}, for the target above)", f"{cell.ratio:.3f}",
                     "below the target" if cell.ratio <= limit else f"above the target by {cell.ratio - limit:.3f}"))

    ratio_target("c-build", "ebpf", 1.03)
    floor_context("c-build", "floor", 1.03)
    ratio_target("pytest", "ebpf", 1.03)
    ratio_target("find", "ebpf", 1.25)
    ratio_target("fork-exec", "ebpf", 1.5)
    ratio_target("c-build", "ptrace", 2.0)
    floor_context("c-build", "floor-ptrace", 2.0)
    ratio_target("c-build", "seccomp", 1.3)
    floor_context("c-build", "floor-seccomp", 1.3)
    ebpf, floor = by.get(("getppid", "ebpf")), by.get(("getppid", "floor"))
    if ebpf and floor:
        if _state(ebpf) or _state(floor):
            rows.append(("ebpf getppid within 20% of the floor", "", "not measured"))
        else:
            relative = ebpf.ratio / floor.ratio
            rows.append(("ebpf getppid within 20% of the floor (whole runs)", f"{ebpf.ratio:.3f} vs floor {floor.ratio:.3f} ({relative:.3f}x)",
                         "met" if relative <= 1.2 else f"missed by {relative - 1.2:.3f}"))
            net_ebpf = ebpf.net_of_start_up(by.get(("start-up", "ebpf")))
            net_floor = floor.net_of_start_up(by.get(("start-up", "floor")))
            if net_ebpf and net_floor:
                relative = net_ebpf[0] / net_floor[0]
                rows.append(("ebpf getppid within 20% of the floor (net of start-up)",
                             f"{net_ebpf[0]:.3f} vs floor {net_floor[0]:.3f} ({relative:.3f}x)",
                             "met" if relative <= 1.2 else f"missed by {relative - 1.2:.3f}"))
    for backend in ("ptrace", "seccomp"):
        mine = [cell for cell in cells if cell.config.name == backend and not _state(cell)
                and cell.workload.name != "start-up"]  # a fixed cost, not a workload
        if not mine:
            if any(cell.config.name == backend for cell in cells):
                rows.append((f"{backend} below strace -f on every workload", "", "not measured"))
            continue
        slower = [cell.workload.name for cell in mine
                  if (peer := by.get((cell.workload.name, "strace"))) and not _state(peer) and cell.ratio >= peer.ratio]
        rows.append((f"{backend} below strace -f on every workload", f"slower on: {', '.join(slower) or 'none'}",
                     "met" if not slower else "missed"))
    tollgate_cells = [cell for cell in cells if cell.config.has_summary and not _state(cell)]
    if tollgate_cells:
        drops = [f"{cell.workload.name}/{cell.config.name} {cell.drops}" for cell in tollgate_cells if cell.drops]
        rows.append(("zero drops everywhere", ", ".join(drops) or "0 everywhere", "met" if not drops else "missed"))
        peak = max(tollgate_cells, key=lambda cell: cell.peak_rss_mib or 0)
        rows.append(("gate peak RSS < 64 MiB", f"max {peak.peak_rss_mib:.1f} MiB ({peak.workload.name}/{peak.config.name})",
                     "met" if (peak.peak_rss_mib or 0) < 64 else "missed"))
    if engine:
        if engine.replay_per_second is not None:
            rows.append(("analyze replay >= 1,000,000 events/s", f"{engine.replay_per_second:,.0f}",
                         "met" if engine.replay_per_second >= 1_000_000 else "missed"))
        if engine.events_per_second is not None:
            rows.append(("engine (tollgate-bench engine) >= 1,000,000 events/s", f"{engine.events_per_second:,}",
                         "met" if engine.events_per_second >= 1_000_000 else "missed"))
        if engine.load_ms_median is not None:
            rows.append(("three Falco rulesets load < 300 ms", f"{engine.load_ms_median:.0f} ms",
                         "met" if engine.load_ms_median < 300 else "missed"))
    return rows


def markdown(cells: list[Cell], engine: EngineFigures | None, command: str, about: str,
             workloads_text: list[str], kill_latency: str | None = None) -> str:
    configs = []
    for cell in cells:
        if cell.config not in configs:
            configs.append(cell.config)
    workloads = []
    for cell in cells:
        if cell.workload not in workloads:
            workloads.append(cell.workload)
    by = {(cell.workload.name, cell.config.name): cell for cell in cells}
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [f"Machine: {about}; when this page was written {load}.", "", f"Command: `{command}`", "",
             "Wall-time ratio gated/bare, median of adjacent pairs (bare, gated, bare, gated, ...):", "",
             "| workload | bare (s) | " + " | ".join(config.label for config in configs) + " |",
             "|---|---:|" + "---:|" * len(configs)]
    for workload in workloads:
        row = [by[(workload.name, config.name)] for config in configs]
        bare = next((cell.bare_wall for cell in row if cell.bare_wall is not None), None)
        lines.append(f"| {workload.name} | {_number(bare)} | " +
                     " | ".join(_state(cell) or f"{cell.ratio:.3f}" for cell in row) + " |")
    lines += ["", "Workloads: " + "; ".join(workloads_text) + ".", "",
              "Details (min-max over the pairs; CPU is user+sys in seconds; gate = the tracing process itself, "
              "added = gate plus job tree minus the bare job tree of the same pair; RSS = the gate's VmHWM):", "",
              "| workload | configuration | ratio (min-max) | gated (s) | gate CPU | added CPU | gate RSS (MiB) | events | events/s | drops | findings | net of start-up: ratio, ns per storm syscall |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for workload in workloads:
        for config in configs:
            cell = by[(workload.name, config.name)]
            if _state(cell):
                lines.append(f"| {workload.name} | {config.label} | {_state(cell)} | | | | | | | | | |")
                continue
            tollgate = config.has_summary
            lines.append(
                f"| {workload.name} | {config.label} | {_ratio_text(cell)} | {_number(cell.gated_wall)} | "
                f"{_number(cell.gate_cpu)} | {_number(cell.added_cpu)} | {_number(cell.peak_rss_mib, 1)} | "
                f"{_count(cell.events) if tollgate else ''} | {_count(cell.events_per_second) if tollgate else ''} | "
                f"{'' if cell.drops is None else cell.drops} | {'' if cell.findings is None else cell.findings} | "
                f"{_net(cell, by.get(('start-up', config.name)))} |")
    if engine:
        lines += ["", "Engine alone:", ""]
        if engine.replay_per_second is not None:
            lines.append(f"- `{engine.replay_command}` (a capture of the c-build workload recorded with "
                         f"`tollgate run --backend ebpf --capture`, {engine.replay_events:,} events, default rules): "
                         f"median {engine.replay_per_second:,.0f} events/s of 5")
        if engine.events_per_second is not None:
            lines.append(f"- `{engine.throughput_command}`: {engine.events_per_second:,} events/s")
        if engine.load_ms_median is not None:
            lines.append(f"- `{engine.load_command}` (Falco's three rulesets, whole process): median "
                         f"{engine.load_ms_median:.0f} ms of 5 ({engine.load_ms_min:.0f}-{engine.load_ms_max:.0f} ms)")
        if engine.failure:
            lines.append(f"- failed: {engine.failure}")
    if kill_latency:
        lines += ["", "Kill latency (`--kill-on`, `scripts/bench-kill-latency`; targets: 1 ms median in the kernel, "
                  "10 ms from user space):", "", "```", kill_latency.rstrip(), "```"]
    rows = targets(cells, engine)
    if rows:
        lines += ["", "Targets:", "", "| target | measured | verdict |", "|---|---|---|"]
        lines += [f"| {target} | {measured} | {verdict} |" for target, measured, verdict in rows]
    return "\n".join(lines) + "\n"


def write_csv(cells: list[Cell], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["workload", "configuration", "state", "pair", "bare_wall_s", "gated_wall_s", "ratio",
                         "bare_tree_cpu_s", "gate_cpu_s", "gated_tree_cpu_s", "gate_peak_rss_kib",
                         "events", "drops", "findings"])
        for cell in cells:
            state = _state(cell)
            if state:
                writer.writerow([cell.workload.name, cell.config.name, state] + [""] * 11)
                continue
            for index, pair in enumerate(cell.pairs, 1):
                summary = pair.summary
                writer.writerow([cell.workload.name, cell.config.name, "ok", index,
                                 f"{pair.bare.wall:.4f}", f"{pair.gated.wall:.4f}",
                                 f"{pair.gated.wall / pair.bare.wall:.4f}",
                                 f"{pair.bare.total_cpu:.2f}", f"{pair.gated.own_cpu:.2f}",
                                 f"{pair.gated.children_cpu:.2f}", pair.gated.peak_rss_kib,
                                 summary.events if summary else "", summary.drops if summary else "",
                                 summary.findings if summary else ""])


def write_plots(cells: list[Cell], folder: Path) -> list[Path]:
    """Grouped bar charts of the median ratio with min-max whiskers; needs matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    workloads = list(dict.fromkeys(cell.workload.name for cell in cells))
    written = []
    plots = [("overhead.png", lambda cell: True, True, "all configurations (log scale)"),
             ("overhead-tollgate.png", lambda cell: cell.config.is_tollgate, False, "tollgate backends and the eBPF floor")]
    for name, keep, log, title in plots:
        chosen = list({cell.config.name: cell.config for cell in cells if keep(cell)}.values())
        if not chosen:
            continue
        by = {(cell.workload.name, cell.config.name): cell for cell in cells}
        figure, axes = plt.subplots(figsize=(max(8, len(workloads) * 1.6), 4.8))
        width = 0.8 / len(chosen)
        for offset, config in enumerate(chosen):
            xs, ys, low, high = [], [], [], []
            for index, workload in enumerate(workloads):
                cell = by[(workload, config.name)]
                if _state(cell):
                    continue
                ratios = cell.ratios()
                xs.append(index + offset * width - 0.4 + width / 2)
                ys.append(cell.ratio)
                low.append(cell.ratio - min(ratios))
                high.append(max(ratios) - cell.ratio)
            axes.bar(xs, ys, width, yerr=[low, high], capsize=2, label=config.label)
        axes.axhline(1.0, color="black", linewidth=0.8)
        axes.set_xticks(range(len(workloads)), workloads)
        axes.set_ylabel("wall time / bare (median, min-max)")
        axes.set_title(f"Overhead per workload: {title}")
        if log:
            axes.set_yscale("log")
        axes.legend(fontsize=7, ncol=2)
        figure.tight_layout()
        path = folder / name
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written
