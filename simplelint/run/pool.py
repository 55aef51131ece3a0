"""Worker processes for the per-file stage, watched.

A worker that dies (LibCST's native parser can crash the process) or spends longer than a file's budget on it
(the parser is worse than linear on some generated code, and holds the GIL while it runs, so only another
process can stop it) neither hangs nor ends the run: the worker is stopped, the file it was on is named, and
the files it took down with it are checked again.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Generic, Optional, TypeVar

if TYPE_CHECKING:
    from multiprocessing.queues import SimpleQueue

T = TypeVar("T")
R = TypeVar("R")
Started = tuple[int, str, float]  # a worker's pid, the file it starts and when

# How often the parent looks at what the workers are doing, in seconds.
TICK = 0.5
# Files handed to the pool at a time, per worker (it queues one more than it has workers).
IN_FLIGHT = 4

_started: Optional[SimpleQueue[Started]] = None  # in a worker: where it says which file it starts, and when


def _init(started: SimpleQueue[Started], initializer: Callable[..., None], initargs: tuple[object, ...]) -> None:
    # A worker's own state, set once as it starts: what the pool's initializer is for.
    global _started  # noqa: PLW0603
    _started = started
    initializer(*initargs)


def _watched(work: Callable[[T], R], task: T, name: str) -> R:
    assert _started is not None  # _init set it in this worker
    _started.put((os.getpid(), name, time.monotonic()))
    return work(task)


@dataclass
class WatchedPool(Generic[T, R]):
    """Runs `work` on each task in `jobs` processes; `name(task)` names a task's file in the reports, and
    `budget(task)` is how many seconds it may take (None: no limit)."""

    work: Callable[[T], R]
    jobs: int
    initializer: Callable[..., None]
    initargs: tuple[object, ...]
    name: Callable[[T], str]
    budget: Callable[[T], Optional[float]]
    # None: fork where the platform can (workers start with what the parent loaded). A process that runs
    # other threads (the language server) must not fork: a lock another thread held is held forever in the
    # child; it passes "forkserver" or "spawn".
    start_method: Optional[str] = None

    def run(self, tasks: list[T], crashed: Callable[[T], R], timed_out: Callable[[T], R]) -> Iterator[R]:
        """Results as they come; for a file that killed its worker `crashed(task)`, for one that overran its
        budget `timed_out(task)`."""
        left = tasks
        while left:
            round_ = _Round(self, self.jobs)
            finished = 0
            for result in round_.run(left):
                finished += 1
                yield result
            if not (finished or round_.timed_out or round_.suspects):
                yield from map(crashed, round_.lost)  # the workers die before any file: retrying cannot help
                return
            yield from (timed_out(task) for task in round_.timed_out)
            for task in round_.suspects:  # one of these killed its worker: alone, each shows if it was it
                alone = _Round(self, 1)
                yield from list(alone.run([task])) or [timed_out(task) if alone.timed_out else crashed(task)]
            left = round_.lost


class _Round(Generic[T, R]):
    """One pool until it ends or breaks: what it finished, and what became of the rest."""

    def __init__(self, pool: WatchedPool[T, R], jobs: int) -> None:
        self.pool, self.jobs = pool, jobs
        self.timed_out: list[T] = []
        self.suspects: list[T] = []
        self.lost: list[T] = []
        self.running: dict[int, tuple[str, float]] = {}  # worker pid -> (file, when it started)

    def run(self, tasks: list[T]) -> Iterator[R]:
        pool = self.pool
        method = pool.start_method or ("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        context = multiprocessing.get_context(method)
        # Simple: a worker's note is in the pipe before it starts the file, even if it dies in it.
        started: SimpleQueue[Started] = context.SimpleQueue()
        executor = ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_init, initargs=(started, pool.initializer, pool.initargs)
        )
        # A few files in flight per worker, not all of them: `wait` looks at every future it is given, and
        # thousands of them, looked at after each file, cost the parent seconds of CPU on a large project.
        queued = list(reversed(tasks))  # popped from the end: in the order given
        futures: dict[Future[R], T] = {}
        unfinished = {pool.name(t): t for t in tasks}
        killed: set[str] = set()
        broken = False  # a broken pool takes no more files: those it never had are retried in the next round
        try:
            while queued and not broken or futures:
                while queued and not broken and len(futures) < IN_FLIGHT * self.jobs:
                    task = queued.pop()
                    futures[executor.submit(_watched, pool.work, task, pool.name(task))] = task
                done, _ = wait(futures, timeout=TICK, return_when=FIRST_COMPLETED)
                for future in done:
                    task = futures.pop(future)
                    error = future.exception()
                    if error is None:
                        del unfinished[pool.name(task)]
                        yield future.result()
                    elif isinstance(error, BrokenProcessPool):
                        broken = True
                    else:
                        raise error  # a bug in the work itself, as in the serial path
                self._drain(started)
                killed |= self._stop_overdue(unfinished)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        self._drain(started)
        started.close()
        self._sort_out(list(unfinished.values()), killed)

    def _drain(self, started: SimpleQueue[Started]) -> None:
        while not started.empty():
            pid, name, when = started.get()
            self.running[pid] = (name, when)

    def _stop_overdue(self, unfinished: dict[str, T]) -> set[str]:
        stopped = set()
        now = time.monotonic()
        for pid, (name, when) in list(self.running.items()):
            limit = self.pool.budget(unfinished[name]) if name in unfinished else None
            if limit is not None and now - when > limit:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue  # it finished or died meanwhile
                stopped.add(name)
                del self.running[pid]
        return stopped

    def _sort_out(self, unfinished: list[T], killed: set[str]) -> None:
        """After a broken pool: the files stopped for their budget; when a worker crashed instead, the files
        the workers were on (one of them did it); the rest never ran or were taken down with it."""
        on = {name for name, _ in self.running.values()}
        for task in unfinished:
            name = self.pool.name(task)
            if name in killed:
                self.timed_out.append(task)
            elif name in on and not killed:
                self.suspects.append(task)
            else:
                self.lost.append(task)
