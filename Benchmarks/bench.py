"""Benchmarks/run's driver: generates the workloads, probes the configurations, runs the
suite interleaved, measures the engine alone and writes the results. See README.md."""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import configs as configs_module
import engine as engine_module
import report
import suite
import workloads as workloads_module


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="Benchmarks/run", description=__doc__)
    parser.add_argument("--smoke", action="store_true",
                        help="1 pair, no warm-up, small sizes, results in a temporary folder (for CI)")
    parser.add_argument("--pairs", type=int, default=5, help="recorded pairs per workload and configuration (default 5)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the unrecorded warm-up pair")
    parser.add_argument("--workloads", default=",".join(workloads_module.GENERATORS),
                        help="comma-separated subset of: " + ", ".join(workloads_module.GENERATORS))
    parser.add_argument("--configs", default=",".join(configs_module.ALL),
                        help="comma-separated subset of: " + ", ".join(configs_module.KNOWN))
    for size in dataclasses.fields(workloads_module.Sizes):
        parser.add_argument("--" + size.name.replace("_", "-"), type=type(size.default) if size.type != "str" else str,
                            help=f"workload size (default {size.default})")
    parser.add_argument("--engine-events", type=int, default=5_000_000, help="events for tollgate-bench engine")
    parser.add_argument("--no-engine", action="store_true", help="skip the engine-alone figures")
    parser.add_argument("--no-kill-latency", action="store_true", help="skip the --kill-on latency figures")
    parser.add_argument("--results", type=Path, help="results folder (default Benchmarks/results; a temporary one with --smoke)")
    parser.add_argument("--tollgate", type=Path, required=True, help="the tollgate binary")
    parser.add_argument("--bench", type=Path, required=True, help="the tollgate-bench binary (floors, engine benchmark)")
    parser.add_argument("--repo", type=Path, required=True, help="the repository root")
    parser.add_argument("--command-line", default="Benchmarks/run", help=argparse.SUPPRESS)
    return parser.parse_args()


def measure_kill_latency(tollgate: Path, repo: Path, rounds: int) -> tuple[str | None, str | None]:
    """`scripts/bench-kill-latency ROUNDS` on `tollgate`: (its table, failure)."""
    done = subprocess.run([str(repo / "scripts" / "bench-kill-latency"), str(rounds)], env=dict(os.environ, TOLLGATE=str(tollgate)),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        return done.stdout, f"scripts/bench-kill-latency exited {done.returncode}"
    return done.stdout, None


def main() -> int:
    options = arguments()
    sizes = workloads_module.Sizes.smoke() if options.smoke else workloads_module.Sizes()
    overrides = {field.name: getattr(options, field.name) for field in dataclasses.fields(sizes)
                 if getattr(options, field.name) is not None}
    sizes = dataclasses.replace(sizes, **overrides)
    pairs = 1 if options.smoke else options.pairs
    warmup = not (options.smoke or options.no_warmup)
    names = [name for name in options.workloads.split(",") if name]
    wanted = [name for name in options.configs.split(",") if name]
    unknown = [name for name in names if name not in workloads_module.GENERATORS] + \
              [name for name in wanted if name not in configs_module.KNOWN]
    if unknown:
        print(f"error: unknown workload or configuration {', '.join(repr(n) for n in unknown)}", file=sys.stderr)
        return 64

    scratch = Path(tempfile.mkdtemp(prefix="tollgate-bench-"))
    results = options.results or (scratch / "results" if options.smoke else options.repo / "Benchmarks" / "results")
    results.mkdir(parents=True, exist_ok=True)
    about = report.machine()
    print(f"tollgate benchmarks: {about}", file=sys.stderr)
    print(f"workloads in {scratch}; logs in {scratch / 'logs'}", file=sys.stderr)
    try:
        generated = workloads_module.generate(scratch / "workloads", sizes, names)
        falco = (options.repo / ".." / "shared" / "falco-rules").resolve()
        chosen = configs_module.make(options.tollgate.resolve(), options.bench.resolve(), falco / "falco_rules.yaml",
                                     scratch, wanted)
        for config in chosen:
            config.probe(scratch)
            print(f"  configuration {config.name:15} " + (f"n/a ({config.unavailable})" if config.unavailable else "available"),
                  file=sys.stderr)
        figures = None
        if not options.no_engine:
            figures = engine_module.measure(options.tollgate.resolve(), options.bench.resolve(), falco, options.repo.resolve(),
                                            20_000 if options.smoke else options.engine_events, 5)
            recorded = next((w for w in generated if w.name == "c-build"), generated[-1])
            events, rate, command, failure = engine_module.replay(options.tollgate.resolve(), recorded, scratch, 5)
            figures.replay_events, figures.replay_per_second, figures.replay_command = events, rate, command
            figures.failure = figures.failure or failure
        workload_texts = [f"{w.name}: {w.description}" for w in generated]
        kill_latency, kill_failure = (None, None) if options.no_kill_latency else \
            measure_kill_latency(options.tollgate.resolve(), options.repo.resolve(), 3 if options.smoke else 21)

        def write(cells: list[suite.Cell]) -> str:
            page = report.markdown(cells, figures, options.command_line, about, workload_texts, kill_latency)
            (results / "latest.md").write_text(page)
            report.write_csv(cells, results / "latest.csv")
            return page

        cells = suite.run(generated, chosen, pairs, warmup, scratch / "logs", after_workload=write)
        page = write(cells)
        plots = report.write_plots(cells, results)
        print(page)
        print(f"wrote {results / 'latest.md'}, {results / 'latest.csv'}" +
              "".join(f", {plot}" for plot in plots) + ("" if plots else " (no PNG: matplotlib is not installed)"),
              file=sys.stderr)
        failed = [f"{cell.workload.name}/{cell.config.name}: {cell.failure}" for cell in cells if cell.failure]
        if figures and figures.failure:
            failed.append(f"engine: {figures.failure}")
        if kill_failure:
            failed.append(f"kill latency: {kill_failure}")
        if failed:
            print("error: configurations that should work failed:\n  " + "\n  ".join(failed), file=sys.stderr)
            return 1
        return 0
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(scratch / "workloads", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
