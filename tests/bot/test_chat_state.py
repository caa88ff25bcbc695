"""What the bot remembers per chat (the question a follow-up is read with) is bounded: it
expires, only the most recent chats are kept, and a chain of follow-ups does not nest."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot import chat_state
from bot.chat_state import BoundedMemoryStorage
from tests.bot.conftest import HarnessFactory
from tests.bot.fakes import BOT_ID, message_update

MET_RU = "Когда Рубио и Лавров встретились лично?"
FOLLOW_UPS = ("а что сказал Рубио?", "а где?", "о чем говорили?")


def key(chat: int) -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=chat, user_id=chat)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_follow_ups_are_read_with_the_original_question_not_the_chain(
    make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = make_harness()
    news = harness.services.news
    searched: list[str] = []
    answer = news.answer

    def recording_answer(question: str, *args: Any, **kwargs: Any) -> Any:
        searched.append(question)
        return answer(question, *args, **kwargs)

    monkeypatch.setattr(news, "answer", recording_answer)
    for question in (MET_RU, *FOLLOW_UPS, *FOLLOW_UPS):
        await harness.feed(message_update(question, language_code="ru"))
    assert searched[0] == MET_RU
    assert searched[1:4] == ["что сказал Рубио? (Рубио и Лавров встретились лично)",
                             "Где Рубио и Лавров встретились лично?",
                             "о чем говорили? (Рубио и Лавров встретились лично)"]
    assert searched[4:] == searched[1:4]  # the second round reads like the first: no nesting
    assert "Куала-Лумпур" in harness.texts()[2]


async def test_the_bot_remembers_only_the_most_recent_chats(
    make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_state, "MAX_CHATS", 50)
    harness = make_harness()
    for user in range(2000, 2120):  # 120 people, each with a first question and a /start
        await harness.feed(message_update("?!", user_id=user))
        await harness.feed(message_update("/start", user_id=user + 10_000))
    storage = harness.dp.storage
    assert isinstance(storage, BoundedMemoryStorage)
    assert storage.chats == 50
    # the newest chat is remembered, the first ones are forgotten
    assert (await storage.get_data(key(2119))) == {"original_question": "?!"}
    assert (await storage.get_data(key(2000))) == {}


async def test_state_expires_and_reading_creates_nothing() -> None:
    clock = Clock()
    storage = BoundedMemoryStorage(max_chats=10, ttl=60, clock=clock)
    assert await storage.get_state(key(1)) is None and await storage.get_data(key(1)) == {}
    assert storage.chats == 0  # (aiogram's MemoryStorage makes an entry on every read)
    await storage.set_data(key(1), {"original_question": "q"})
    await storage.set_state(key(2), "asking")
    clock.now += 59
    assert await storage.get_data(key(1)) == {"original_question": "q"}
    assert await storage.get_state(key(2)) == "asking"
    clock.now += 2
    assert await storage.get_data(key(1)) == {} and await storage.get_state(key(2)) is None
    assert storage.chats == 0
    await storage.set_data(key(3), {"x": 1})
    await storage.set_data(key(3), {})  # emptied: dropped, not kept as an empty record
    assert storage.chats == 0


async def test_memory_of_40000_chats_stays_bounded() -> None:
    """The figure in RELIABILITY.md: 40,000 chats each leaving a 1,000-character question."""
    storage = BoundedMemoryStorage()
    question = ("Когда и где встречались министры иностранных дел России и США? " * 20)[:1000]
    tracemalloc.start()
    try:
        for chat in range(40_000):
            await storage.set_data(key(chat), {"original_question": f"{chat} {question}"})
            if chat % 5000 == 0:
                await asyncio.sleep(0)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert storage.chats == chat_state.MAX_CHATS
    print(f"\n40,000 chats: {storage.chats} kept, {current / 1e6:.1f} MB now, "
          f"{peak / 1e6:.1f} MB at the peak")
    assert peak < 30e6
