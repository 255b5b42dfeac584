"""Work that happens after the answer has gone: Home refreshes, profile look-ups, replies
posted through the Web API, and their retries (STYLE.md habit 11).

A listener acknowledges Slack with what it can say from the database alone, then hands the
rest to a ``Background``; so no answer ever waits for Slack. In production the tasks run on a
small pool of threads; tests and the console keep them until the answer is out and then run
them (``DeferredBackground``), which is exactly the order Slack sees.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

Task = Callable[[], None]


class Background(Protocol):
    def submit(
        self, task: Task, *, name: str, key: Hashable | None = None, settle: float = 0.0
    ) -> None:
        """Run ``task`` soon, after the current answer; a failure is logged, never raised.
        Tasks of one ``key`` run one at a time, and at most one waits: a task is dropped
        while another of its key waits to start (the waiting one, reading the database when
        it runs, does the same and more). ``settle``: seconds a task of a key waits before
        it starts, for the rest of a burst to join it. Ten changes in a second refresh
        someone's Home tab once or twice, not ten times, and never ten at once."""
        ...


def _run_logged(task: Task, name: str) -> None:
    try:
        task()
    except Exception:
        logger.exception("background task failed", extra={"task": name})


class Timer(Protocol):
    """What ``threading.Timer`` is to a ``ThreadedBackground``: started, maybe cancelled."""

    daemon: bool

    def start(self) -> None: ...

    def cancel(self) -> None: ...


TimerFactory = Callable[[float, Callable[[], None]], Timer]


@dataclass(frozen=True, slots=True)
class _Job:
    task: Task
    name: str
    key: Hashable | None
    settle: float = 0.0


class _Keys:
    """Which keys have a task waiting to start, which have one running, and the job that
    waits for a running one of its key to finish."""

    def __init__(self) -> None:
        self._waiting: set[Hashable] = set()
        self._running: set[Hashable] = set()
        self._after: dict[Hashable, _Job] = {}
        self._lock = threading.Lock()

    def claim(self, job: _Job) -> bool:
        """True: start ``job`` (or let it settle) now. False: it was dropped (one of its key
        waits already) or kept until the running one of its key finishes (``finished``
        hands it back)."""
        if job.key is None:
            return True
        with self._lock:
            if job.key in self._waiting:
                return False
            self._waiting.add(job.key)
            if job.key in self._running:
                self._after[job.key] = job
                return False
            return True

    def started(self, key: Hashable | None) -> None:
        if key is not None:
            with self._lock:
                self._waiting.discard(key)
                self._running.add(key)

    def finished(self, key: Hashable | None) -> _Job | None:
        """The job kept for this key, to start now (it still counts as waiting)."""
        if key is None:
            return None
        with self._lock:
            self._running.discard(key)
            return self._after.pop(key, None)


class ThreadedBackground:
    """A small pool of threads (per process), and a timer for each task that settles. When
    the process stops, what is queued is finished (the interpreter joins the pool's threads)
    and what settles runs once settled (its timer is no daemon); ``shutdown`` starts what
    settles at once."""

    def __init__(self, workers: int = 4, *, timers: TimerFactory = threading.Timer) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="after-answer")
        self._keys = _Keys()
        self._timers = timers
        self._settling: dict[Timer, _Job] = {}
        self._closing = False
        self._lock = threading.Lock()

    def submit(
        self, task: Task, *, name: str, key: Hashable | None = None, settle: float = 0.0
    ) -> None:
        job = _Job(task, name, key, settle)
        if self._keys.claim(job) and not self._settle(job):
            self._pool.submit(self._start, job)

    def _settle(self, job: _Job) -> bool:
        """Start ``job`` once it has settled; False if it is to start now (it has no
        settle, or the pool is closing)."""
        with self._lock:
            if job.settle <= 0 or self._closing:
                return False
            timer = self._timers(job.settle, lambda: self._settled(timer))
            # Not a daemon: a process that exits without ``shutdown`` (the interpreter
            # stopping) still waits out the settle, and then runs the job.
            timer.daemon = False
            self._settling[timer] = job
            timer.start()
            return True

    def _settled(self, timer: Timer) -> None:
        with self._lock:
            job = self._settling.pop(timer, None)
        if job is None:  # shutdown has started it already
            return
        try:
            self._pool.submit(self._start, job)
        except RuntimeError:  # the interpreter is stopping: the pool takes no new work
            self._start(job)

    def _start(self, job: _Job) -> None:
        # The job kept for this key meanwhile settles in its turn, or runs next on this same
        # thread: still one at a time, and even when the pool is closing to new tasks.
        following: _Job | None = job
        while following is not None:
            self._keys.started(following.key)
            _run_logged(following.task, following.name)
            following = self._keys.finished(following.key)
            if following is not None and self._settle(following):
                return

    def shutdown(self) -> None:
        """Start what settles at once, finish what is queued, then stop the threads."""
        with self._lock:
            self._closing = True
            settling, self._settling = self._settling, {}
            for timer, job in settling.items():
                timer.cancel()
                self._pool.submit(self._start, job)
        self._pool.shutdown(wait=True)


class DeferredBackground:
    """Keeps tasks until ``run_pending`` runs them, in order, on the caller's thread."""

    def __init__(self) -> None:
        self._tasks: deque[tuple[str, Task, Hashable | None]] = deque()
        self._lock = threading.Lock()
        self._keys = _Keys()

    def submit(
        self, task: Task, *, name: str, key: Hashable | None = None, settle: float = 0.0
    ) -> None:
        """As ``Background.submit``; a ``settle`` changes nothing here: ``run_pending`` runs
        a burst's first task as if the burst were over."""
        if self._keys.claim(_Job(task, name, key, settle)):
            with self._lock:
                self._tasks.append((name, task, key))

    @property
    def pending(self) -> list[str]:
        """The names of the tasks waiting, oldest first."""
        with self._lock:
            return [name for name, _, _ in self._tasks]

    def run_pending(self) -> int:
        """Run every waiting task, including those the tasks submit; how many ran."""
        ran = 0
        while True:
            with self._lock:
                if not self._tasks:
                    return ran
                name, task, key = self._tasks.popleft()
            self._keys.started(key)
            _run_logged(task, name)
            following = self._keys.finished(key)
            if following is not None:
                with self._lock:
                    self._tasks.append((following.name, following.task, key))
            ran += 1
