"""Many people typing inline at once: private and group questions search first, inline queries
wait for a spare slot and are shed (served from the cache) when none comes in time. Every
inline query is still answered; only those a newer keystroke overtook are not.

Through the real Dispatcher; each search is a 0.25 s wait in its thread, so this tests who
searches when, not the CPU (bench/inline_fairness.py measures that)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.search_pool import SearchPool, Shed
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import GROUP_ID, inline_update, message_update

SEARCH_SECONDS = 0.25
QUESTION = "When did Rubio and Lavrov meet in person?"


def slow_searches(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    news = harness.services.news
    ready = news.answer(QUESTION)

    def slow(question: str, *args: Any, **kwargs: Any) -> Any:
        time.sleep(SEARCH_SECONDS)
        return ready

    monkeypatch.setattr(news, "answer", slow)


async def timed(harness: Harness, update: dict[str, Any]) -> float:
    started = time.perf_counter()
    await harness.feed(update, wait_jobs=False)
    return time.perf_counter() - started


async def test_questions_go_before_a_crowd_of_inline_queries(
        make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    harness = make_harness(search_threads=2)
    slow_searches(harness, monkeypatch)
    typists = [asyncio.create_task(timed(harness, inline_update(f"rubio lavrov {user}",
                                                                user_id=9000 + user)))
               for user in range(40)]
    await asyncio.sleep(0.4)  # past the inline debounce: 40 searches want the two slots
    private, group = await asyncio.gather(
        timed(harness, message_update(QUESTION, user_id=7001)),
        timed(harness, message_update(f"/ask {QUESTION}", user_id=7002, chat_id=GROUP_ID)))
    await asyncio.gather(*typists)

    # a question waits for no inline search: it takes the slot they leave free
    assert private < 3 * SEARCH_SECONDS and group < 3 * SEARCH_SECONDS, (private, group)
    # every inline query got an answer (from the cache or nothing yet), none was dropped
    assert len(harness.sent("answerInlineQuery")) == 40
    assert harness.services.answerer.pool.shed > 0


async def test_a_waiting_inline_search_is_shed_at_its_deadline() -> None:
    pool = SearchPool(2)
    loop = asyncio.get_running_loop()
    first = asyncio.create_task(pool.inline(time.sleep, 0.3, deadline=loop.time() + 5))
    await asyncio.sleep(0.01)
    assert pool.busy  # one slot is the questions' own
    with pytest.raises(Shed):
        await pool.inline(time.sleep, 0.3, deadline=loop.time() + 0.1)
    started = loop.time()
    await pool.question(time.sleep, 0.05)  # not behind the inline search
    assert loop.time() - started < 0.2
    await first
    assert pool.shed == 1 and not pool.busy
