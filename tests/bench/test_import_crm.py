"""The CRM-export import bench runs end to end on a small file: the figures it prints come
from a real import, and the second import of the same file changes nothing."""

from __future__ import annotations

from bench.import_crm import crm_rows, run


def test_the_rows_are_the_same_for_the_same_seed_and_carry_a_contract() -> None:
    rows = crm_rows(20)
    assert rows == crm_rows(20)
    assert len({row[0].casefold() for row in rows}) == 20  # names are unique
    assert all(row[4] and row[5] for row in rows)  # every row a renewal date and a value


def test_a_small_run_imports_then_changes_nothing_the_second_time() -> None:
    result = run("sqlite", 30)
    assert str(result["again_summary"]).startswith("30 unchanged")
    assert all(float(result[key]) > 0 for key in ("import_s", "again_s", "floor_s"))
