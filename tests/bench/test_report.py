"""The benchmark's table and targets: every ratio the issue asks for, marked met or missed,
and the JSON written where `make bench` says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import report, targets
from bench.client import Reply


def _figures(p50: float, p99: float) -> dict[str, Any]:
    return {"count": 200, "errors": 0, "p50_ms": p50, "p95_ms": p99, "p99_ms": p99}


def _run(database: str, scale: str, **commands: dict[str, Any]) -> dict[str, Any]:
    return {
        "database": database,
        "scale": scale,
        "floors": {
            targets.FLOOR_B: _figures(12.0, 14.0),
            targets.FLOOR_C: _figures(1.5, 2.0),
        },
        "commands": commands,
    }


def _by_target(checks: list[targets.Check]) -> dict[tuple[str, str], targets.Check]:
    return {(c.target, c.subject): c for c in checks}


def test_p99_limits_depend_on_the_database() -> None:
    slow = _figures(50.0, 150.0)
    on_postgres = _by_target(targets.checks_for_run(_run("postgresql", "L", mine=slow)))
    on_sqlite = _by_target(targets.checks_for_run(_run("sqlite", "L", mine=slow)))
    assert not on_postgres[("p99 ms", "mine")].met
    assert on_sqlite[("p99 ms", "mine")].met


def test_show_log_history_are_held_against_both_bolt_floors() -> None:
    run = _run("postgresql", "L", show=_figures(6.0, 9.0), log=_figures(13.0, 20.0))
    checks = _by_target(targets.checks_for_run(run))
    assert checks[("p50 ÷ floor (c)", "show")].value == 4.0
    assert checks[("p50 ÷ floor (c)", "show")].met  # at most 4 ×
    assert checks[("p50 ÷ floor (b)", "show")].met  # 6 < 12
    assert not checks[("p50 ÷ floor (c)", "log")].met
    assert not checks[("p50 ÷ floor (b)", "log")].met  # 13 is not below 12
    assert ("p50 ÷ floor (c)", "mine") not in checks  # lists have no floor target


def test_a_missing_command_has_no_checks() -> None:
    run = _run("sqlite", "S", accounts={"missing": True})
    assert targets.checks_for_run(run) == []


def test_scale_ratio_is_stricter_for_single_account_commands() -> None:
    small = _run("postgresql", "S", show=_figures(10.0, 12.0), mine=_figures(10.0, 12.0))
    large = _run("postgresql", "L", show=_figures(16.0, 20.0), mine=_figures(16.0, 20.0))
    checks = _by_target(targets.scale_checks([small, large], frozenset({"show"})))
    assert checks[("p50 L ÷ S", "show")].value == 1.6
    assert not checks[("p50 L ÷ S", "show")].met  # limit 1.5
    assert checks[("p50 L ÷ S", "mine")].met  # limit 2


def test_scale_ratio_needs_both_scales_of_one_database() -> None:
    small = _run("sqlite", "S", show=_figures(10.0, 12.0))
    large = _run("postgresql", "L", show=_figures(16.0, 20.0))
    assert targets.scale_checks([small, large], frozenset({"show"})) == []


def test_concurrency_misses_on_any_error_or_lost_write() -> None:
    clean = {"database": "postgresql", "scale": "S", "errors": 0}
    lost = _by_target(
        targets.concurrency_checks(clean | {"writes_acknowledged": 10, "writes_found": 9})
    )
    assert lost[("errors", "concurrency")].met
    assert not lost[("writes missing", "concurrency")].met
    assert targets.concurrency_checks({"skipped": "no PostgreSQL"}) == []


def test_table_lines_up_and_refuses_a_ragged_row() -> None:
    text = report.table(["a", "long header"], [["wide cell", "x"]])
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1
    assert lines[0].startswith("| a ")
    with pytest.raises(ValueError, match="cells"):
        report.table(["a", "b"], [["only one"]])


def test_rows_show_figures_checks_and_missing_commands() -> None:
    run = _run("postgresql", "S", show=_figures(6.0, 150.0), accounts={"missing": True})
    rows = report.latency_rows([run], targets.checks_for_run(run))
    by_name = {row[2]: row for row in rows}
    assert all(len(row) == len(report.HEADERS) for row in rows)
    assert by_name["show"][report.HEADERS.index("p99 < limit")] == "150 MISSED"
    assert by_name["show"][report.HEADERS.index("p50 ÷ (c) ≤ 4")] == "4 met"
    assert by_name["accounts"][report.HEADERS.index("n")] == "missing"
    assert by_name[targets.FLOOR_B][report.HEADERS.index("p50 ms")] == "12.0"


def test_results_are_written_as_json(tmp_path: Path) -> None:
    path = report.write_json({"mode": "quick", "runs": []}, tmp_path / "results" / "x.json")
    assert json.loads(path.read_text()) == {"mode": "quick", "runs": []}


@pytest.mark.parametrize(
    ("status", "body", "ok", "answered"),
    [
        (200, '{"text": "*Acme* · customer"}', True, True),
        (200, "", True, False),  # an event's ack; a command answered later
        (200, '{"text": ":warning: There is no account called “X”."}', False, False),
        (200, '{"text": ":thinking_face: I don\'t understand “x”."}', False, False),
        (500, "", False, False),
        (0, "ConnectionResetError", False, False),
    ],
)
def test_a_reply_counts_only_when_it_is_a_real_answer(
    status: int, body: str, ok: bool, answered: bool
) -> None:
    reply = Reply(status, body, 0.01)
    assert (reply.ok, reply.answered) == (ok, answered)


def test_the_printed_run_is_one_table_then_what_is_not_in_it() -> None:
    from bench.runner import render

    run = _run("sqlite", "S", show=_figures(6.0, 9.0), accounts={"missing": True})
    run["seeder"] = "bench.seed"
    results = {
        "runs": [run],
        "checks": [c.as_json() for c in targets.checks_for_run(run)],
        "machine": {"cpus": 2, "memory_mb": 24105, "load_average": [1.0, 0.5, 0.25]},
        "concurrency": {"skipped": "PostgreSQL not measured"},
        "import": {"sqlite": "not available"},
        "nudge": {"sqlite S": "not available"},
    }
    text = render(results)
    assert text.startswith("| database ")
    assert "machine: 2 CPUs, 24105 MB; load average 1.00/0.50/0.25" in text
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table_lines) == 2 + 2 + 2  # header and rule, two floors, two commands
    assert "concurrency: PostgreSQL not measured" in text
    assert "missing (the product has no such command yet): accounts" in text
    assert "targets: 3 met, 0 missed" in text


def test_import_is_held_to_three_times_its_floor() -> None:
    checks = targets.import_checks(
        {
            "sqlite": {"rows": 100000.0, "ratio": 2.5},
            "postgresql": {"rows": 100000.0, "ratio": 4.8},
            "other": "not available",
        }
    )
    assert [(c.database, c.met) for c in checks] == [("sqlite", True), ("postgresql", False)]


def test_nudge_pass_rate_memory_and_scale() -> None:
    nudges = {
        "postgresql S": {"items_per_second": 900.0, "peak_rss_mb": 120.0, "pass_seconds": 2.0},
        "postgresql L": {"items_per_second": 250.0, "peak_rss_mb": 240.0, "pass_seconds": 3.2},
        "sqlite S": "not available",
    }
    checks = {(c.target, c.scale): c for c in targets.nudge_checks(nudges)}
    assert checks[("items/s", "S")].met
    assert not checks[("items/s", "L")].met
    assert not checks[("peak RSS MB", "L")].met
    assert checks[("pass L ÷ S", "L/S")].value == 1.6
    assert not checks[("pass L ÷ S", "L/S")].met
