"""/start, /help, /sources and /timeline, in the user's language."""

from __future__ import annotations

import pytest

from index.service import NewsIndex
from tests.bot.conftest import Harness
from tests.bot.fakes import BOT_USERNAME, GROUP_ID, message_update
from tests.bot.html_check import check_telegram_html


@pytest.mark.parametrize(("language_code", "greeting", "example"), [
    ("ru", "Здравствуйте", "Когда Рубио и Лавров встретились лично?"),
    ("uk", "Здравствуйте", "Когда Рубио и Лавров встретились лично?"),
    ("en", "Hello", "When did Rubio and Lavrov meet in person?"),
    ("de", "Hello", "When did Rubio and Lavrov meet in person?"),
])
async def test_start_follows_the_telegram_language(harness: Harness, language_code: str,
                                                   greeting: str, example: str) -> None:
    await harness.feed(message_update("/start", language_code=language_code))
    [text] = harness.texts()
    check_telegram_html(text)
    assert text.startswith(greeting) and example in text
    assert f"@{BOT_USERNAME}" in text


async def test_without_a_telegram_language_the_text_decides(harness: Harness) -> None:
    await harness.feed(message_update("/help помощь", language_code=None))
    [text] = harness.texts()
    assert "Что я знаю" in text


async def test_help_says_what_it_knows_with_examples(harness: Harness,
                                                     seed_news: NewsIndex) -> None:
    await harness.feed(message_update("/help"))
    [text] = harness.texts()
    check_telegram_html(text)
    assert "5 news articles" in text
    assert seed_news.articles()[0].title[:40] in text
    assert "<i>When did Rubio and Lavrov meet in person?</i>" in text
    assert "/ask question" in text and "/sources" in text


async def test_sources_lists_every_article(harness: Harness, seed_news: NewsIndex) -> None:
    await harness.feed(message_update(f"/sources@{BOT_USERNAME}", chat_id=GROUP_ID,
                                      language_code="ru"))
    [text] = harness.texts()
    check_telegram_html(text)
    assert text.startswith("<b>Проиндексированные статьи (5)</b>:")
    for article in seed_news.articles():
        assert f"<code>{article.source}</code>" in text
    assert "2025" in text  # the dates the articles mention


async def test_timeline_lists_dated_events(harness: Harness) -> None:
    await harness.feed(message_update("/timeline Рубио Лавров"))
    [text] = harness.texts()
    check_telegram_html(text)
    assert "Хронология" in text and ".txt</code>" in text
