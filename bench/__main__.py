"""`python -m bench [--full]`: run the benchmark, print its table, write latest.json."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import replace

from bench import report, runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="S and L, every part (slow)")
    parser.add_argument("--requests", type=int, help="requests per command (default 200)")
    parser.add_argument("--databases", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--scales", help="comma-separated: S,L")
    parser.add_argument("--concurrency-seconds", type=float)
    parser.add_argument(
        "--skip", help="comma-separated parts to leave out: import,nudge,concurrency"
    )
    parser.add_argument("--budget", type=float, help="seconds per workload before it is cut short")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    plan = runner.Plan.everything() if arguments.full else runner.Plan.quick()
    if arguments.requests:
        plan = replace(plan, requests=arguments.requests)
    if arguments.databases:
        plan = replace(plan, databases=tuple(arguments.databases.split(",")))
    if arguments.scales:
        plan = replace(plan, scales=tuple(arguments.scales.split(",")))
    if arguments.concurrency_seconds is not None:
        plan = replace(plan, concurrency_seconds=arguments.concurrency_seconds)
    if arguments.skip:
        plan = replace(plan, skip=frozenset(arguments.skip.split(",")))
    if arguments.budget is not None:
        plan = replace(plan, budget=arguments.budget)
    started = time.monotonic()

    def say(line: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {line}", file=sys.stderr, flush=True)

    results = runner.run(plan, say)
    chosen = (arguments.requests, arguments.databases, arguments.scales, arguments.skip)
    if any(x is not None for x in (*chosen, arguments.concurrency_seconds, arguments.budget)):
        given = argv if argv is not None else sys.argv[1:]
        results["mode"] += " (with options: " + " ".join(given) + ")"
    results["wall_seconds"] = round(time.monotonic() - started, 1)
    path = report.write_json(results)
    print(runner.render(results))
    print(f"\n{results['mode']} run in {results['wall_seconds']} s; figures in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
