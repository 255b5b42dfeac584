"""What runs after the answer: tasks of one key run one at a time, at most one waits."""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.background import DeferredBackground, ThreadedBackground

WAIT = 10  # seconds: only reached when something is stuck


class _Recorder:
    """Tasks that say when they start, can be held inside, and count who ran at once."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.inside = 0
        self.most_inside = 0
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)
        self._lock = threading.Lock()

    def task(self, label: str, *, hold: bool = False, fail: bool = False) -> Callable[[], None]:
        def run() -> None:
            with self._lock:
                self.ran.append(label)
                self.inside += 1
                self.most_inside = max(self.most_inside, self.inside)
            self.entered.release()
            try:
                if hold:
                    assert self.release.wait(WAIT)
                if fail:
                    raise RuntimeError(f"{label} failed")
            finally:
                with self._lock:
                    self.inside -= 1

        return run


def test_tasks_of_one_key_run_one_at_a_time_and_only_the_first_of_a_burst_waits() -> None:
    background, seen = ThreadedBackground(workers=4), _Recorder()
    background.submit(seen.task("first", hold=True), name="home", key="home:U1")
    assert seen.entered.acquire(timeout=WAIT)  # the first is running, and held there
    for label in ("second", "third", "fourth"):
        background.submit(seen.task(label), name="home", key="home:U1")
    seen.release.set()
    background.shutdown()
    assert seen.ran == ["first", "second"]
    assert seen.most_inside == 1


def test_tasks_without_a_key_or_of_other_keys_run_side_by_side() -> None:
    background, seen = ThreadedBackground(workers=4), _Recorder()
    background.submit(seen.task("a", hold=True), name="home", key="home:U1")
    background.submit(seen.task("b", hold=True), name="home", key="home:U2")
    background.submit(seen.task("c", hold=True), name="profile")
    for _ in range(3):
        assert seen.entered.acquire(timeout=WAIT)  # all three inside at once
    seen.release.set()
    background.shutdown()
    assert sorted(seen.ran) == ["a", "b", "c"]
    assert seen.most_inside == 3


def test_a_failed_task_still_lets_the_one_waiting_for_it_run() -> None:
    background, seen = ThreadedBackground(workers=2), _Recorder()
    background.submit(seen.task("first", hold=True, fail=True), name="home", key="k")
    assert seen.entered.acquire(timeout=WAIT)
    background.submit(seen.task("second"), name="home", key="k")
    seen.release.set()
    background.shutdown()
    assert seen.ran == ["first", "second"]


def test_deferred_tasks_of_one_key_submitted_while_one_runs_run_after_it_once() -> None:
    background, seen = DeferredBackground(), _Recorder()

    def first() -> None:
        seen.task("first")()
        background.submit(seen.task("second"), name="home", key="k")
        background.submit(seen.task("third"), name="home", key="k")

    background.submit(first, name="home", key="k")
    background.submit(seen.task("dropped"), name="home", key="k")
    assert background.run_pending() == 2
    assert seen.ran == ["first", "second"]


class _Timers:
    """Timers the test fires by hand, in the order they were made."""

    def __init__(self) -> None:
        self.made: list[_Timer] = []
        self.one_more = threading.Semaphore(0)

    def __call__(self, interval: float, function: Callable[[], None]) -> _Timer:
        timer = _Timer(interval, function)
        self.made.append(timer)
        self.one_more.release()
        return timer


class _Timer:
    def __init__(self, interval: float, function: Callable[[], None]) -> None:
        self.interval, self.function = interval, function
        self.daemon = False
        self.started = self.cancelled = False

    def start(self) -> None:
        self.started = True

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:
        assert self.started and not self.cancelled
        self.function()


def test_a_task_kept_while_its_key_runs_settles_in_its_turn() -> None:
    """A burst that goes on while the Home tab is built: the next build settles first, so a
    steady stream of changes builds it once a second, not back to back."""
    timers = _Timers()
    background, seen = ThreadedBackground(workers=2, timers=timers), _Recorder()
    background.submit(seen.task("first", hold=True), name="home", key="k", settle=1)
    assert timers.one_more.acquire(timeout=WAIT)
    timers.made[0].fire()
    assert seen.entered.acquire(timeout=WAIT)  # the first runs, held
    background.submit(seen.task("second"), name="home", key="k", settle=1)
    seen.release.set()
    assert timers.one_more.acquire(timeout=WAIT)  # the second settles, once the first is done
    assert seen.ran == ["first"] and timers.made[1].interval == 1
    timers.made[1].fire()
    assert seen.entered.acquire(timeout=WAIT)
    background.shutdown()
    assert seen.ran == ["first", "second"]


def test_a_settling_task_waits_for_the_rest_of_its_burst_and_runs_once() -> None:
    background, seen = ThreadedBackground(workers=2), _Recorder()
    for label in ("first", "second", "third"):
        background.submit(seen.task(label), name="home", key="k", settle=60)
    assert seen.ran == []  # still settling
    background.shutdown()  # what settles starts at once: nothing is lost at exit
    assert seen.ran == ["first"]


def test_a_settled_task_starts_by_itself() -> None:
    background, seen = ThreadedBackground(workers=2), _Recorder()
    background.submit(seen.task("first"), name="home", key="k", settle=0.01)
    assert seen.entered.acquire(timeout=WAIT)
    background.submit(seen.task("second"), name="home", key="k", settle=0.01)
    assert seen.entered.acquire(timeout=WAIT)  # a new burst, after the first ran
    background.shutdown()
    assert seen.ran == ["first", "second"]


def test_a_task_that_settles_while_the_pool_stops_still_runs() -> None:
    """The interpreter stopping shuts the pool down by itself (no ``shutdown`` call): the
    settled task then runs on its timer's thread."""
    timers = _Timers()
    background, seen = ThreadedBackground(workers=1, timers=timers), _Recorder()
    background.submit(seen.task("home"), name="home", key="k", settle=1)
    assert timers.one_more.acquire(timeout=WAIT)
    assert timers.made[0].daemon is False  # the interpreter waits for it
    background._pool.shutdown(wait=True)  # as the interpreter's exit does
    timers.made[0].fire()
    assert seen.ran == ["home"]
