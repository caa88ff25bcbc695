"""Groups: the bot answers only when addressed, replying to the asking message."""

from __future__ import annotations

import json

import pytest

from tests.bot.conftest import Harness
from tests.bot.fakes import BOT_USERNAME, GROUP_ID, message_update
from tests.bot.html_check import check_telegram_html

MEET = "when did Rubio and Lavrov meet in person?"


def quoted(params: dict[str, str]) -> int:
    return int(json.loads(params["reply_parameters"])["message_id"])


@pytest.mark.parametrize("text", [
    "Lavrov and Rubio met again, did you see?",
    f"{MEET}",
    f"ask @{BOT_USERNAME}_fan about it",  # another account whose name starts like the bot's
    "/ask@some_other_bot when did they meet?",
])
async def test_chatter_gets_no_reply(harness: Harness, text: str) -> None:
    await harness.feed(message_update(text, chat_id=GROUP_ID))
    assert harness.methods() == []


@pytest.mark.parametrize("text", [
    f"@{BOT_USERNAME} {MEET}",
    f"{MEET} @{BOT_USERNAME.upper()}",
    f"Скажи, @{BOT_USERNAME}, когда Рубио и Лавров встретились лично? 🙂",
    f"/ask {MEET}",
    f"/ask@{BOT_USERNAME} {MEET}",
])
async def test_addressed_questions_are_answered_as_replies(harness: Harness, text: str) -> None:
    update = message_update(text, chat_id=GROUP_ID)
    await harness.feed(update)
    [reply] = harness.sent("sendMessage")
    assert int(reply["chat_id"]) == GROUP_ID
    assert quoted(reply) == update["message"]["message_id"]
    check_telegram_html(reply["text"])
    assert ".txt</code>" in reply["text"]


async def test_a_reply_to_the_bot_is_a_question(harness: Harness) -> None:
    update = message_update(MEET, chat_id=GROUP_ID, reply_to_bot=True)
    await harness.feed(update)
    [reply] = harness.sent("sendMessage")
    assert quoted(reply) == update["message"]["message_id"]
    assert ".txt</code>" in reply["text"]


async def test_a_bare_mention_gets_a_hint(harness: Harness) -> None:
    await harness.feed(message_update(f"@{BOT_USERNAME}", chat_id=GROUP_ID))
    [reply] = harness.sent("sendMessage")
    assert "for example" in reply["text"]
