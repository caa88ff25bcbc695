"""Who searches next: questions asked in a private chat or a group before inline queries.

Every search runs in the loop's default thread pool (one thread per core), but only as many at
once as there are `slots`, handed out here. A question takes the next free slot, ahead of every
inline query still waiting; inline queries never hold the last slot, so a question that arrives
while many people type inline shares the CPU with at most `slots - 1` inline searches instead
of queueing behind hundreds. An inline query still waiting when its answer is due is shed: its
caller has served what the cache has by then (bot/answering.py), and no CPU is spent on a
result Telegram would no longer show.
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Shed(Exception):
    """An inline search that was never run: the pool was busy until its answer was due."""


@dataclass(eq=False, slots=True)
class _Job(Generic[T]):
    fn: Callable[[], T]
    future: asyncio.Future[T]
    deadline: float | None = None  # (inline only) loop time past which it is not worth running
    started: bool = field(default=False)


class SearchPool:
    """Slots for searches, questions first. Not thread-safe: use it from the event loop."""

    def __init__(self, slots: int) -> None:
        self.slots = max(1, slots)
        # inline searches leave one slot for questions (with one slot, they take turns)
        self.inline_slots = max(1, self.slots - 1)
        self._running = 0
        self._running_inline = 0
        self._questions: deque[_Job[Any]] = deque()
        self._inline: deque[_Job[Any]] = deque()
        self.shed = 0  # inline searches shed since start (for /stats, the tests and bench)

    @property
    def busy(self) -> bool:
        """No slot free for one more inline search right now."""
        return (self._running >= self.slots or self._running_inline >= self.inline_slots
                or bool(self._questions) or bool(self._inline))

    async def question(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a search thread, ahead of every waiting inline search."""
        return await self._submit(self._questions, functools.partial(fn, *args), None)

    async def inline(self, fn: Callable[..., T], *args: Any, deadline: float) -> T:
        """`fn(*args)` in a search thread once no question waits; raises Shed when it has not
        started by `deadline` (the loop's clock)."""
        return await self._submit(self._inline, functools.partial(fn, *args), deadline)

    async def _submit(self, queue: deque[_Job[Any]], fn: Callable[[], T],
                      deadline: float | None) -> T:
        loop = asyncio.get_running_loop()
        job: _Job[T] = _Job(fn, loop.create_future(), deadline)
        queue.append(job)
        self._dispatch()
        if deadline is not None and not job.started:
            loop.call_at(deadline, self._expire, job)
        try:
            return await job.future
        except asyncio.CancelledError:
            if not job.started:  # (a started one runs on: its thread cannot be stopped)
                with suppress(ValueError):
                    queue.remove(job)
            raise

    def _expire(self, job: _Job[Any]) -> None:
        if job.started or job.future.done():
            return
        with suppress(ValueError):
            self._inline.remove(job)
        self.shed += 1
        job.future.set_exception(Shed())

    def _dispatch(self) -> None:
        while self._running < self.slots:
            if self._questions:
                job = self._questions.popleft()
                inline = False
            elif self._inline and self._running_inline < self.inline_slots:
                job = self._inline.popleft()
                inline = True
            else:
                return
            if job.future.done():  # (cancelled while it waited)
                continue
            self._start(job, inline)

    def _start(self, job: _Job[Any], inline: bool) -> None:
        job.started = True
        self._running += 1
        self._running_inline += inline
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(None, job.fn)

        def finished(work: asyncio.Future[Any]) -> None:
            self._running -= 1
            self._running_inline -= inline
            if not job.future.done():
                if work.cancelled():
                    job.future.cancel()
                elif (exc := work.exception()) is not None:
                    job.future.set_exception(exc)
                else:
                    job.future.set_result(work.result())
            elif not work.cancelled():
                work.exception()  # (retrieved: its caller has gone)
            self._dispatch()

        work.add_done_callback(finished)

