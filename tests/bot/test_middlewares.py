"""Per-user throttling of searches, and the typing indicator."""

from __future__ import annotations

import asyncio

from tests.bot.conftest import HarnessFactory
from tests.bot.fakes import callback_update, message_update

MEET = "When did Rubio and Lavrov meet in person?"


async def test_a_flood_gets_one_friendly_word_then_silence(make_harness: HarnessFactory) -> None:
    harness = make_harness(throttle_seconds=60)
    for _ in range(4):
        await harness.feed(message_update(MEET))
    answer, slow_down = harness.texts()
    assert ".txt</code>" in answer
    assert slow_down == "Not so fast, please: one question every 60 s."
    assert harness.services.stats.questions == 1


async def test_throttling_is_per_user_and_spares_buttons_and_commands(
    make_harness: HarnessFactory
) -> None:
    harness = make_harness(throttle_seconds=60)
    await harness.feed(message_update(MEET, user_id=501))
    await harness.feed(message_update(MEET, user_id=502))
    await harness.feed(message_update("/help", user_id=501))
    [answer] = harness.sent("sendMessage")[:1]
    data = next(b["callback_data"] for b in harness.buttons(answer))
    await harness.feed(callback_update(data, user_id=501))
    texts = harness.texts()
    assert sum(".txt</code>" in t for t in texts) >= 3  # two answers and the passage
    assert any("What I know" in t for t in texts)
    assert not any("Not so fast" in t for t in texts)


async def test_throttle_window_ends(make_harness: HarnessFactory) -> None:
    harness = make_harness(throttle_seconds=0.05)
    await harness.feed(message_update(MEET))
    await asyncio.sleep(0.1)
    await harness.feed(message_update(MEET))
    assert harness.services.stats.questions == 2


async def test_typing_is_shown_only_while_searching(make_harness: HarnessFactory) -> None:
    harness = make_harness()
    await harness.feed(message_update("/start"))
    assert "sendChatAction" not in harness.methods()
    await harness.feed(message_update(MEET))
    assert harness.methods()[1:] == ["sendChatAction", "sendMessage"]
    [action] = harness.sent("sendChatAction")
    assert action["action"] == "typing"
