"""The run's one table (printed) and its figures as JSON (`bench/results/latest.json`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.targets import Check

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, columns padded to line up in a terminal too."""
    widths = [len(h) for h in headers]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells, the table {len(headers)} columns")
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def mark(check: Check | None) -> str:
    """A check as a table cell: its value and whether it met its limit."""
    if check is None:
        return ""
    value = f"{check.value:g}"
    return f"{value} {'met' if check.met else 'MISSED'}"


def _ms(figures: Mapping[str, Any], key: str) -> str:
    return f"{float(figures[key]):.1f}" if key in figures else "—"


HEADERS = (
    "database",
    "scale",
    "request",
    "n",
    "errors",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "p99 < limit",
    "p50 ÷ (c) ≤ 4",
    "p50 ÷ (b) < 1",
    "p50 L÷S",
)


def latency_rows(runs: Sequence[Mapping[str, Any]], checks: Sequence[Check]) -> list[list[str]]:
    """One row per floor and per command of every run, with its checks beside it."""
    index = {(c.target, c.database, c.scale, c.subject): c for c in checks}
    rows: list[list[str]] = []
    for run in runs:
        database, scale = str(run["database"]), str(run["scale"])
        for name, figures in run["floors"].items():
            rows.append([database, scale, name, *_figures(figures), "", "", "", ""])
        for name, figures in run["commands"].items():
            if figures.get("missing"):
                rows.append([database, scale, name, "missing", *[""] * (len(HEADERS) - 4)])
                continue
            rows.append(
                [
                    database,
                    scale,
                    name,
                    *_figures(figures),
                    mark(index.get(("p99 ms", database, scale, name))),
                    mark(index.get(("p50 ÷ floor (c)", database, scale, name))),
                    mark(index.get(("p50 ÷ floor (b)", database, scale, name))),
                    mark(index.get(("p50 L ÷ S", database, "L/S", name))) if scale == "L" else "",
                ]
            )
    return rows


def _figures(figures: Mapping[str, Any]) -> list[str]:
    if "count" not in figures:  # every request failed: no latency to show
        return ["0", str(figures.get("errors", "?")), "—", "—", "—"]
    return [
        str(figures["count"]),
        str(figures.get("errors", 0)),
        _ms(figures, "p50_ms"),
        _ms(figures, "p95_ms"),
        _ms(figures, "p99_ms"),
    ]


def summary_lines(results: Mapping[str, Any]) -> list[str]:
    """Below the table: the concurrency run, import, nudge pass, and the targets missed."""
    machine = results.get("machine") or {}
    lines: list[str] = [
        f"commit {results.get('commit') or '?'}; machine: {machine.get('cpus', '?')} CPUs, "
        f"{machine.get('memory_mb', '?')} MB; load "
        f"average {_load(machine.get('load_average'))} at the start, "
        f"{_load(machine.get('load_average_after'))} at the end"
    ]
    concurrency = results.get("concurrency") or {}
    if "errors" in concurrency:
        latency = concurrency.get("latency") or {}
        lines.append(
            f"concurrency ({concurrency['database']}, {concurrency['scale']}): "
            f"{concurrency['clients']} clients × {concurrency['seconds']} s, "
            f"{concurrency['requests']} requests, {concurrency['throughput_per_s']}/s, "
            f"p50 {latency.get('p50_ms', '—')} ms, p99 {latency.get('p99_ms', '—')} ms, "
            f"errors {concurrency['errors']}, writes {concurrency['writes_found']}"
            f"/{concurrency['writes_acknowledged']} found"
        )
    else:
        lines.append(f"concurrency: {concurrency.get('skipped', 'not run')}")
    for key, describe in (("import", _import_line), ("nudge pass", _nudge_line)):
        parts = results.get(key.split()[0]) or {}
        if isinstance(parts, Mapping):
            for name, figures in parts.items():
                lines.append(f"{key} ({name}): {describe(figures)}")
    absent = sorted(
        {
            name
            for run in results.get("runs", [])
            for name, f in run["commands"].items()
            if f.get("missing")
        }
    )
    short = [
        f"{run['database']} {run['scale']} {name}"
        for run in results.get("runs", [])
        for part in ("floors", "commands")
        for name, f in run[part].items()
        if f.get("cut_short")
    ]
    if short:
        budget = (results.get("plan") or {}).get("budget_seconds", "?")
        lines.append(
            f"cut short after {budget} s (fewer requests than planned): {', '.join(short)}"
        )
    if absent:
        lines.append(f"missing (the product has no such command yet): {', '.join(absent)}")
    missed = [c for c in results.get("checks", []) if not c["met"]]
    lines.append(
        f"targets: {len(results.get('checks', [])) - len(missed)} met, {len(missed)} missed"
    )
    return lines


def _import_line(figures: object) -> str:
    if not isinstance(figures, Mapping) or "ratio" not in figures:
        return _compact(figures)
    return (
        f"{figures.get('rows', 0):.0f} rows in {figures.get('import_s', 0):.2f} s, "
        f"executemany floor {figures.get('floor_s', 0):.2f} s: {figures['ratio']:.2f} × the floor"
    )


def _nudge_line(figures: object) -> str:
    if not isinstance(figures, Mapping) or "pass_seconds" not in figures:
        return _compact(figures)
    return (
        f"{figures.get('due_items', 0):.0f} due, {figures.get('delivered', 0):.0f} delivered "
        f"in {figures['pass_seconds']:.2f} s ({figures.get('items_per_second', 0):.0f} items/s), "
        f"peak RSS {figures.get('peak_rss_mb', 0):.0f} MB, "
        f"{figures.get('pass_over_floor', 0):.1f} × its SQL floor"
    )


def _load(value: object) -> str:
    if isinstance(value, list | tuple) and value:
        return "/".join(f"{float(v):.2f}" for v in value)
    return "?"


def _compact(value: object) -> str:
    return (
        json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    )


def write_json(results: Mapping[str, Any], path: Path = RESULTS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
