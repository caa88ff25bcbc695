"""Replies as a user reads them, through the real Dispatcher: one language for every part of a
reply and the buttons under it, and the bot's sentences written as a person would."""

from __future__ import annotations

from tests.bot.conftest import Harness
from tests.bot.fakes import message_update


async def test_missing_terms_read_as_a_sentence(harness: Harness) -> None:
    await harness.feed(message_update("Какая погода в Париже?", language_code="ru"))
    [reply] = harness.texts()
    assert reply.startswith("В статьях ничего нет о "), reply
    assert "о Париже" in reply and ":" not in reply.split("\n")[0]
