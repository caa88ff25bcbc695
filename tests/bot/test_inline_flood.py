"""Inline floods: one user typing (or scripting) a burst of inline queries must neither burn
the CPU on queries their next keystroke overtakes, nor hold up anybody else's question.

Through the real Dispatcher on the real seed index; only Telegram is the recording stand-in.
`-s` prints the figures RELIABILITY.md quotes.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.inline_gate import InlineGate
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import inline_update, message_update

FLOODER, OTHER = 8001, 8002
FLOOD_WORDS = "rubio lavrov meeting"
# Telegram's longest inline query (256 characters): the costliest to embed and search
LONG = (" what did the foreign ministers of russia and the united states discuss when they met in"
        " kuala lumpur and on the phone about ukraine sanctions and the embassies"
        " and what comes next")
QUESTION = "When did Rubio and Lavrov meet in person?"


class SearchLog:
    """Counts the searches that reach the index (and the CPU they take), by whose they are."""

    def __init__(self, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
        self.flood = 0
        self.flood_cpu = 0.0
        news = harness.services.news
        answer = news.answer

        def counted(question: str, *args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return answer(question, *args, **kwargs)
            finally:
                if FLOOD_WORDS in question:
                    self.flood += 1
                    self.flood_cpu += time.thread_time() - started

        monkeypatch.setattr(news, "answer", counted)


async def timed(harness: Harness, update: dict[str, Any]) -> float:
    started = time.perf_counter()
    await harness.feed(update, wait_jobs=False)
    return time.perf_counter() - started


async def test_a_burst_of_120_inline_queries_runs_few_searches_and_others_wait_little(
    make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = make_harness()
    searches = SearchLog(harness, monkeypatch)
    # searches get one thread per core, as `python -m bot run` gives them (bot/app.py)
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="search")
    asyncio.get_running_loop().set_default_executor(pool)
    idle = await timed(harness, message_update(QUESTION, user_id=OTHER))

    async def other_asks_midway() -> float:
        await asyncio.sleep(3.0)
        return await timed(harness, message_update(QUESTION + " ", user_id=OTHER))

    other = asyncio.create_task(other_asks_midway())
    cpu_before = time.process_time()
    started = time.perf_counter()
    queries = []
    for i in range(120):  # 120 distinct queries in 6 s, as in the issue
        queries.append(asyncio.create_task(
            harness.feed(inline_update(f"{FLOOD_WORDS} {i}{LONG}"[:256], user_id=FLOODER),
                         wait_jobs=False)))
        await asyncio.sleep(0.05)
    waited = await other
    await asyncio.gather(*queries)
    await harness.services.answerer.drain_inline()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    answered = harness.sent("answerInlineQuery")
    print(f"\ninline flood: 120 queries in {wall:.1f} s, {searches.flood} searched "
          f"({searches.flood_cpu:.2f} s of search CPU, {cpu:.1f} s of process CPU), "
          f"{len(answered)} answered; the other user's question took {waited:.2f} s "
          f"(idle: {idle:.2f} s)")

    assert searches.flood <= 5
    assert waited < idle + 1.0
    # the last query, the one the user sees, is answered, with results
    last = answered[-1]
    assert json.loads(last["results"]) and int(last["cache_time"]) > 0


async def test_queries_spaced_past_the_pause_are_held_to_the_users_budget(
    make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = make_harness()
    searches = SearchLog(harness, monkeypatch)
    # a script that waits out the pause after every query: 20 queries, 0.15 s apart
    harness.services.answerer.inline_gate = InlineGate(debounce=0.1, interval=1.0, burst=2)
    queries = []
    for i in range(20):
        queries.append(asyncio.create_task(
            harness.feed(inline_update(f"{FLOOD_WORDS} {i}", user_id=FLOODER), wait_jobs=False)))
        await asyncio.sleep(0.15)
    await asyncio.gather(*queries)
    await harness.services.answerer.drain_inline()
    print(f"\n20 queries 0.15 s apart: {searches.flood} searched")
    # 3 s: the burst of 2, then one a second at most
    assert searches.flood <= 2 + 3 + 1
    # and a different user is not held to the flooder's budget
    await harness.feed(inline_update(QUESTION, user_id=OTHER))
    assert json.loads(harness.sent("answerInlineQuery")[-1]["results"])


async def test_the_gate_forgets_users(make_harness: HarnessFactory) -> None:
    harness = make_harness()
    for user in range(9000, 9030):
        await harness.feed(inline_update(f"{FLOOD_WORDS} {user}", user_id=user))
    gate = harness.services.answerer.inline_gate
    assert gate.waiting == 0 and gate.searching == 0  # nothing kept once answered
    assert gate.budgets <= 30
