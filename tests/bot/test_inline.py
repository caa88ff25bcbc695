"""Inline mode: one article result per cited passage, a hint for an empty query, and a cache
that serves repeated and growing queries quickly."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from tests.bot.conftest import Harness
from tests.bot.fakes import inline_update
from tests.bot.html_check import check_telegram_html


def results(params: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(params["results"])
    return found


async def test_empty_query_shows_a_hint(harness: Harness) -> None:
    await harness.feed(inline_update("   ", language_code="ru"))
    [answer] = harness.sent("answerInlineQuery")
    [hint] = results(answer)
    assert hint["type"] == "article" and "Спросите" in hint["title"]
    assert "Рубио" in hint["input_message_content"]["message_text"]


async def test_one_result_per_passage_with_the_cited_excerpt(harness: Harness) -> None:
    await harness.feed(inline_update("when did rubio and lavrov meet in person"))
    [answer] = harness.sent("answerInlineQuery")
    found = results(answer)
    assert found
    assert len({r["id"] for r in found}) == len(found)
    assert int(answer["cache_time"]) == 300
    for result in found:
        assert result["type"] == "article"
        assert result["title"]  # the article's title (the file is cited in the message)
        assert result["description"]
        assert len(result["description"]) <= 160
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        check_telegram_html(content["message_text"])
        assert re.search(r"<code>[^<]+\.txt</code>", content["message_text"])
        assert "❓ when did rubio and lavrov meet in person" in content["message_text"]


async def test_the_question_is_escaped_in_the_sent_message(harness: Harness) -> None:
    await harness.feed(inline_update("<i>Lavrov</i> & Rubio <script>meeting"))
    [answer] = harness.sent("answerInlineQuery")
    for result in results(answer):
        text = result["input_message_content"]["message_text"]
        check_telegram_html(text)
        assert "&lt;i&gt;Lavrov&lt;/i&gt; &amp; Rubio &lt;script&gt;" in text


async def test_nothing_found(harness: Harness) -> None:
    await harness.feed(inline_update("who won the football world cup in 1998"))
    [answer] = harness.sent("answerInlineQuery")
    [result] = results(answer)
    # the articles never mention 1998: the result says so, or that nothing was found
    assert result["title"] in ("Nothing found", "Not in the articles: 1998")


async def test_repeated_queries_come_from_the_cache(harness: Harness,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    await harness.feed(inline_update("When did Rubio and Lavrov meet?"))

    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached query must not search again")

    monkeypatch.setattr(harness.services.news, "answer", no_search)
    await harness.feed(inline_update("when did  rubio and lavrov meet"))  # same, normalised
    first, second = harness.sent("answerInlineQuery")
    assert results(first) == results(second)
    assert harness.services.stats.inline_queries == 2


async def test_a_growing_query_is_served_from_its_prefix_when_the_search_is_slow(
    harness: Harness
) -> None:
    await harness.feed(inline_update("when did rubio and lavrov meet"))
    answerer = harness.services.answerer
    answerer.inline_budget = 0.0  # every new search is now "too slow"
    await harness.feed(inline_update("when did rubio and lavrov meet in pers"))
    first, stand_in = harness.sent("answerInlineQuery")
    assert results(stand_in) == results(first)
    assert int(stand_in["cache_time"]) == 0  # Telegram must ask again for the real answer
    await answerer.drain_inline()
    answerer.inline_budget = 5.0
    await harness.feed(inline_update("when did rubio and lavrov meet in pers"))
    assert int(harness.sent("answerInlineQuery")[-1]["cache_time"]) == 300


async def test_a_query_overtaken_by_the_next_keystroke_is_not_answered(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = harness.services.news
    answer = news.answer
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_answer(question: str, *args: Any, **kwargs: Any) -> Any:
        if question.endswith("mee"):  # the first keystroke's search is slow
            asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=30)
        return answer(question, *args, **kwargs)

    monkeypatch.setattr(news, "answer", slow_answer)
    first = asyncio.create_task(harness.feed(inline_update("when did rubio and lavrov mee")))
    await asyncio.sleep(0.2)  # the first query is waiting for its search
    await harness.feed(inline_update("when did rubio and lavrov meet"))
    await asyncio.wait_for(first, 5)  # the first stopped waiting without its search
    release.set()
    [sent] = harness.sent("answerInlineQuery")  # only the newest query was answered
    assert results(sent)
    assert int(sent["cache_time"]) == 300
    await harness.services.answerer.drain_inline()
