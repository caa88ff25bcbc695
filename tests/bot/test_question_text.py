"""The bot reads questions as the index reads articles: a soft hyphen or a zero-width space
copied from a web page changes nothing, in a private chat, with /ask, and inline."""

from __future__ import annotations

import json

from tests.bot.conftest import HarnessFactory
from tests.bot.fakes import inline_update, message_update

PLAIN = "Когда Лавров встретился с Рубио?"
HIDDEN = "Когда Лав\u00adров встретился с Ру\u200bбио?\u200e"


async def test_the_bot_answers_a_hidden_character_question_as_the_plain_one(
    make_harness: HarnessFactory
) -> None:
    harness = make_harness()
    await harness.feed(message_update(PLAIN, language_code="ru"))
    await harness.feed(message_update(HIDDEN, language_code="ru"))
    await harness.feed(message_update("/ask Лав\u00adров", language_code="ru"))
    await harness.feed(message_update("/ask Лавров", language_code="ru"))
    plain, hidden, short_hidden, short_plain = harness.texts()
    assert "Источник" in plain
    assert hidden == plain
    assert "Источник" in short_plain and short_hidden == short_plain


async def test_inline_answers_a_hidden_character_query_as_the_plain_one(
    make_harness: HarnessFactory
) -> None:
    harness = make_harness()
    await harness.feed(inline_update(PLAIN, user_id=7001))
    await harness.feed(inline_update(HIDDEN, user_id=7002))
    plain, hidden = harness.sent("answerInlineQuery")
    assert json.loads(plain["results"])[0]["title"] != "Nothing found"
    assert hidden["results"] == plain["results"]
