"""Issue 8's targets as ratios within one run, each marked met or missed.

- p99 of every command under 100 ms on PostgreSQL, 300 ms on SQLite;
- p50 of `show`, `log`, `history` at most 4 × floor (c), and below floor (b);
- p50(L)/p50(S) at most 1.5 for single-account commands, 2 for lists;
- under concurrency: no errors, every acknowledged write in the database.

The issue sets them at scale L; at S they are still computed (a quick run has only S) and
say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

P99_LIMIT_MS = {"postgresql": 100.0, "sqlite": 300.0}
FLOOR_B = "floor (b) bare Bolt"
FLOOR_C = "floor (c) bare Bolt, process_before_response"
AGAINST_FLOORS = ("show", "log", "history")
SINGLE_ACCOUNT_RATIO = 1.5
LIST_RATIO = 2.0

# A run as the runner records it: database, scale, floors and commands (name → latency
# figures as Latency.as_json() gives them, or {"missing": True}).
Run = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Check:
    target: str  # "p99", "p50 ÷ floor (c)", "p50 ÷ floor (b)", "p50 L ÷ S", …
    database: str
    scale: str
    subject: str  # the command, or "concurrency"
    value: float
    limit: float
    met: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _p50(figures: Mapping[str, Any] | None) -> float | None:
    if not figures or figures.get("missing") or "p50_ms" not in figures:
        return None
    return float(figures["p50_ms"])


def checks_for_run(run: Run) -> list[Check]:
    """The p99 limit for every command, and the floor ratios of show, log and history."""
    database, scale = str(run["database"]), str(run["scale"])
    commands: Mapping[str, Mapping[str, Any]] = run["commands"]
    floors: Mapping[str, Mapping[str, Any]] = run["floors"]
    found: list[Check] = []
    limit = P99_LIMIT_MS[database]
    for name, figures in commands.items():
        if figures.get("missing") or "p99_ms" not in figures:
            continue
        p99 = float(figures["p99_ms"])
        found.append(Check("p99 ms", database, scale, name, p99, limit, p99 < limit))
    floor_b, floor_c = _p50(floors.get(FLOOR_B)), _p50(floors.get(FLOOR_C))
    for name in AGAINST_FLOORS:
        p50 = _p50(commands.get(name))
        if p50 is None:
            continue
        if floor_c:
            ratio = round(p50 / floor_c, 2)
            found.append(Check("p50 ÷ floor (c)", database, scale, name, ratio, 4.0, ratio <= 4))
        if floor_b:
            ratio = round(p50 / floor_b, 2)
            found.append(Check("p50 ÷ floor (b)", database, scale, name, ratio, 1.0, ratio < 1))
    return found


def scale_checks(runs: Sequence[Run], single_account: frozenset[str]) -> list[Check]:
    """p50(L)/p50(S) per command, for every database measured at both scales."""
    by_key = {(str(run["database"]), str(run["scale"])): run for run in runs}
    found: list[Check] = []
    for (database, scale), large in by_key.items():
        small = by_key.get((database, "S"))
        if scale != "L" or small is None:
            continue
        for name, figures in large["commands"].items():
            at_l, at_s = _p50(figures), _p50(small["commands"].get(name))
            if at_l is None or not at_s:
                continue
            limit = SINGLE_ACCOUNT_RATIO if name in single_account else LIST_RATIO
            ratio = round(at_l / at_s, 2)
            found.append(Check("p50 L ÷ S", database, "L/S", name, ratio, limit, ratio <= limit))
    return found


def concurrency_checks(result: Mapping[str, Any]) -> list[Check]:
    """No errors; every acknowledged write found afterwards."""
    if "errors" not in result:
        return []
    database, scale = str(result["database"]), str(result["scale"])
    errors = float(result["errors"])
    missing = float(result["writes_acknowledged"]) - float(result["writes_found"])
    return [
        Check("errors", database, scale, "concurrency", errors, 0.0, errors == 0),
        Check("writes missing", database, scale, "concurrency", missing, 0.0, missing == 0),
    ]


IMPORT_RATIO = 3.0
NUDGE_ITEMS_PER_SECOND = 300.0
NUDGE_PEAK_RSS_MB = 200.0
NUDGE_SCALE_RATIO = 1.5


def _number(figures: object, key: str) -> float | None:
    if isinstance(figures, Mapping) and isinstance(figures.get(key), int | float):
        return float(figures[key])
    return None


def import_checks(imports: Mapping[str, Any]) -> list[Check]:
    """Import at most 3 × its executemany floor, per database (bench/import_speed.py)."""
    found: list[Check] = []
    for database, figures in imports.items():
        ratio, rows = _number(figures, "ratio"), _number(figures, "rows")
        if ratio is not None:
            scale = f"{rows:.0f} rows" if rows is not None else "?"
            found.append(
                Check(
                    "import ÷ floor",
                    database,
                    scale,
                    "import",
                    round(ratio, 2),
                    IMPORT_RATIO,
                    ratio <= IMPORT_RATIO,
                )
            )
    return found


def nudge_checks(nudges: Mapping[str, Any]) -> list[Check]:
    """A pass delivers ≥ 300 items/s within 200 MB; at L at most 1.5 × the pass at S
    (bench/nudge_pass.py; keys are "<database> <scale>")."""
    found: list[Check] = []
    for key, figures in nudges.items():
        database, _, scale = key.partition(" ")
        rate, peak = _number(figures, "items_per_second"), _number(figures, "peak_rss_mb")
        if rate is not None:
            limit = NUDGE_ITEMS_PER_SECOND
            found.append(
                Check("items/s", database, scale, "nudge pass", round(rate), limit, rate >= limit)
            )
        if peak is not None:
            limit = NUDGE_PEAK_RSS_MB
            found.append(
                Check(
                    "peak RSS MB", database, scale, "nudge pass", round(peak), limit, peak < limit
                )
            )
        if scale == "L":
            at_l = _number(figures, "pass_seconds")
            at_s = _number(nudges.get(f"{database} S"), "pass_seconds")
            if at_l is not None and at_s:
                ratio = round(at_l / at_s, 2)
                found.append(
                    Check(
                        "pass L ÷ S",
                        database,
                        "L/S",
                        "nudge pass",
                        ratio,
                        NUDGE_SCALE_RATIO,
                        ratio <= NUDGE_SCALE_RATIO,
                    )
                )
    return found
