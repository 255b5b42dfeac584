"""The scheduler: one interval job per process, coalesced, never two passes at once."""

from __future__ import annotations

import logging

import pytest

from bot.scheduler import start_scheduler


def test_one_interval_job_that_runs_a_pass() -> None:
    passes: list[int] = []
    scheduler = start_scheduler(lambda: passes.append(1), interval_seconds=60)
    try:
        [job] = scheduler.get_jobs()
        assert job.id == "nudge-pass"
        assert job.trigger.interval.total_seconds() == 60
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert str(job.trigger.timezone) == "UTC"
        job.func()  # what the scheduler runs every minute
        assert passes == [1]
    finally:
        scheduler.shutdown(wait=False)
    assert not scheduler.running


def test_a_failing_pass_is_logged_and_the_job_lives_on(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("database away")

    scheduler = start_scheduler(broken, interval_seconds=60)
    try:
        with caplog.at_level(logging.ERROR):
            scheduler.get_jobs()[0].func()
        assert "nudge pass failed" in caplog.text
        assert scheduler.get_jobs()
    finally:
        scheduler.shutdown(wait=False)
