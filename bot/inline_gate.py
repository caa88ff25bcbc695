"""Which inline queries may search, per user, decided before any CPU is spent on them.

Telegram sends an inline query for every keystroke, and Telegram shows only the answer to the
newest one. So a query first waits a moment for the next keystroke (a query overtaken then
never searches); a user has at most one search running at a time; and a user's searches are
held to a budget (a burst, then one per interval). One user typing fast, or a script sending a
query every 50 ms, costs a search or two instead of one per query, and everyone else's
questions keep the search threads.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from typing import Any

from bot.cache import TtlLru

# a keystroke within this of the last one overtakes it before it has cost anything
INLINE_DEBOUNCE = 0.3
# each user's searches: this many back to back, then one per interval
INLINE_SEARCH_BURST = 3
INLINE_SEARCH_INTERVAL = 1.0
_TRACKED_USERS = 10_000


class Admission(enum.Enum):
    SEARCH = "search"  # search now (the user's budget has paid for it)
    SUPERSEDED = "superseded"  # a newer query of the same user arrived: answer nothing
    LATE = "late"  # no search in time: serve what the cache has


class InlineGate:
    """Admission of inline searches per user: the newest query only, after a short pause,
    one search at a time, within a budget. Not thread-safe: use it from the event loop."""

    def __init__(self, debounce: float = INLINE_DEBOUNCE,
                 interval: float = INLINE_SEARCH_INTERVAL, burst: int = INLINE_SEARCH_BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.debounce = debounce
        self.interval = interval
        self.burst = burst
        self._clock = clock
        # user -> the event of their newest query, set when a newer one arrives
        self._newest: dict[int, asyncio.Event] = {}
        # user -> their search still running (its thread cannot be stopped)
        self._running: dict[int, asyncio.Future[Any]] = {}
        # user -> (searches left, when counted); a user unseen for a full refill has a full
        # budget again, so the entry may expire
        self._budgets: TtlLru[int, tuple[float, float]] = TtlLru(
            _TRACKED_USERS, max(interval * burst, 1.0), clock)

    # -- bookkeeping (the tests read these) -------------------------------------------------

    @property
    def waiting(self) -> int:
        return len(self._newest)

    @property
    def searching(self) -> int:
        return len(self._running)

    @property
    def budgets(self) -> int:
        return len(self._budgets)

    # -- one query's way through -----------------------------------------------------------

    def arrive(self, user_id: int | None) -> asyncio.Event:
        """Register a new query of `user_id`; its event is set when a newer one arrives (and
        the query this one replaces has its event set now)."""
        event = asyncio.Event()
        if user_id is not None:
            previous = self._newest.get(user_id)
            if previous is not None:
                previous.set()
            self._newest[user_id] = event
        return event

    def leave(self, user_id: int | None, event: asyncio.Event) -> None:
        """The query of `event` has been answered (or given up)."""
        if user_id is not None and self._newest.get(user_id) is event:
            del self._newest[user_id]

    async def admit(self, user_id: int | None, overtaken: asyncio.Event,
                    deadline: float) -> Admission:
        """Whether the query may search now; waits (until `deadline` on the event loop's
        clock at most) for the pause, the user's running search, and the budget."""
        if user_id is None:
            return Admission.SEARCH
        loop = asyncio.get_running_loop()
        pause = min(self.debounce, deadline - loop.time())
        if await _set_within(overtaken, pause):
            return Admission.SUPERSEDED
        while (running := self._running.get(user_id)) is not None and not running.done():
            left = deadline - loop.time()
            if left <= 0:
                return Admission.LATE
            waiter = asyncio.ensure_future(overtaken.wait())
            try:
                await asyncio.wait((running, waiter), timeout=left,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
            if overtaken.is_set():
                return Admission.SUPERSEDED
        while (wait := self._take(user_id)) > 0:
            if loop.time() + wait > deadline:
                return Admission.LATE
            if await _set_within(overtaken, wait):
                return Admission.SUPERSEDED
        return Admission.SEARCH

    def started(self, user_id: int | None, search: asyncio.Future[Any]) -> None:
        """`search` runs for `user_id` now: their next one waits for it to end."""
        if user_id is None:
            return
        self._running[user_id] = search

        def done(_: object) -> None:
            if self._running.get(user_id) is search:
                del self._running[user_id]

        search.add_done_callback(done)

    def _take(self, user_id: int) -> float:
        """Spend one search of the user's budget: 0.0, or the seconds until one is left."""
        now = self._clock()
        left, counted = self._budgets.get(user_id) or (float(self.burst), now)
        left = min(float(self.burst), left + (now - counted) / self.interval)
        if left >= 1.0:
            self._budgets.put(user_id, (left - 1.0, now))
            return 0.0
        self._budgets.put(user_id, (left, now))
        return (1.0 - left) * self.interval


async def _set_within(event: asyncio.Event, seconds: float) -> bool:
    """Whether `event` is set within `seconds` (at once, for none)."""
    if event.is_set() or seconds <= 0:
        return event.is_set()
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True
