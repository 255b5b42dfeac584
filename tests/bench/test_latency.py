"""How the benchmark counts requests: warm-ups left out, errors apart from the percentiles,
a workload too slow for the run's time budget cut short and marked so."""

from __future__ import annotations

import itertools

from bench.latency import measure


def test_warmups_are_sent_but_not_counted() -> None:
    sent: list[int] = []

    def send(n: int) -> tuple[float, str | None]:
        sent.append(n)
        return 0.005, None

    measured = measure(send, requests=4, warmup=2)
    assert sent == [-1, -2, 0, 1, 2, 3]
    assert len(measured.seconds) == 4
    assert not measured.cut_short


def test_errors_are_counted_apart_and_a_few_kept() -> None:
    def send(n: int) -> tuple[float, str | None]:
        return 0.005, (f"500 boom {n}" if n % 2 else None)

    measured = measure(send, requests=10, warmup=0)
    assert measured.errors == 5
    assert len(measured.seconds) == 5
    assert measured.examples == ["500 boom 1", "500 boom 3", "500 boom 5"]
    latency = measured.latency()
    assert latency is not None and latency.errors == 5 and latency.count == 5


def test_a_workload_over_its_budget_is_cut_short() -> None:
    ticks = itertools.count()  # every look at the clock: one second later

    measured = measure(
        lambda n: (1.0, None),
        requests=200,
        warmup=0,
        budget=3.5,
        timer=lambda: float(next(ticks)),
    )
    assert measured.cut_short
    assert 0 < len(measured.seconds) < 200


def test_warmups_of_a_slow_command_stop_at_a_quarter_of_the_budget() -> None:
    ticks = itertools.count()
    sent: list[int] = []

    def send(n: int) -> tuple[float, str | None]:
        sent.append(n)
        return 1.0, None

    measure(send, requests=1, warmup=10, budget=8.0, timer=lambda: float(next(ticks)))
    assert [n for n in sent if n < 0] == [-1, -2]
