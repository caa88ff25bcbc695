"""The buttons under an answer: whole passages, expiry after a reindex, tampered data."""

from __future__ import annotations

import pytest

from index.headlines import is_headline
from index.service import NewsIndex
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import callback_update, message_update
from tests.bot.html_check import check_telegram_html

MEET = "When did Rubio and Lavrov meet in person?"


async def _first_passage_button(harness: Harness) -> str:
    await harness.feed(message_update(MEET))
    [answer] = harness.sent("sendMessage")
    return next(b["callback_data"] for b in harness.buttons(answer)
                if b["callback_data"].startswith("full:"))


async def test_full_passage_shows_the_whole_chunk_with_its_source(
    harness: Harness, seed_news: NewsIndex
) -> None:
    data = await _first_passage_button(harness)
    chunk = seed_news.current.chunks[int(data.split(":")[2])]
    await harness.feed(callback_update(data, message_id=4321))
    passage = harness.sent("sendMessage")[1]
    check_telegram_html(passage["text"])
    assert f"<code>{chunk.source}</code>" in passage["text"]
    assert chunk.text.split(".")[0] in passage["text"]
    article = seed_news.current.articles[chunk.source]
    # a headline opens it in bold; a first sentence standing in for one stays the text's start
    assert passage["text"].startswith("<b>") == is_headline(article)
    assert passage["text"].count(article.title) == 1
    assert '"message_id":4321' in passage["reply_parameters"].replace(" ", "")
    assert harness.sent("answerCallbackQuery")


async def test_buttons_expire_after_a_reindex(make_harness: HarnessFactory,
                                              writable_news: NewsIndex) -> None:
    harness = make_harness(news=writable_news)
    data = await _first_passage_button(harness)
    writable_news.reindex()  # same articles, but a new generation: chunk ids may differ
    await harness.feed(callback_update(data))
    [answered] = harness.sent("answerCallbackQuery")
    assert "expired" in answered["text"] and answered["show_alert"] == "true"
    assert len(harness.sent("sendMessage")) == 1


async def test_more_results_after_a_reindex_still_work_and_say_so(
    make_harness: HarnessFactory, writable_news: NewsIndex
) -> None:
    harness = make_harness(news=writable_news, max_results=1)
    await harness.feed(message_update(MEET))
    [answer] = harness.sent("sendMessage")
    more = next(b["callback_data"] for b in harness.buttons(answer)
                if b["callback_data"].startswith("more:"))
    writable_news.reindex()
    await harness.feed(callback_update(more))
    page = harness.sent("sendMessage")[1]
    assert "updated since your question" in page["text"]
    assert ".txt</code>" in page["text"]


@pytest.mark.parametrize("data", [
    "",
    "full",
    "full:",
    "full:zzzz:1",
    "full:0123abcd:-1",
    "full:0123abcd:99999999999",
    "full:0123abcd:1:extra",
    "full:0123abcd:1:ru:extra",
    "more:AAAAAAAA:0123abcd:1:de",
    "more:AAAAAAAA:0123abcd:0",
    "more:AAAAAAAA:0123abcd:1000",
    "more:<script>:0123abcd:1",
    "upl:AAAAAAAA:maybe",
    "something:else",
    "💥" * 20,
])
async def test_tampered_callback_data_gets_a_polite_answer(harness: Harness, data: str) -> None:
    await harness.feed(callback_update(data))
    [answered] = harness.sent("answerCallbackQuery")
    assert answered["text"] == "This button is not valid any more."
    assert not harness.sent("sendMessage")  # no apology: nothing failed


async def test_a_valid_looking_but_unknown_passage_is_expired_not_an_error(
    harness: Harness
) -> None:
    tag = harness.services.answerer.current_tag
    await harness.feed(callback_update(f"full:{tag}:9999999:en"))
    [answered] = harness.sent("answerCallbackQuery")
    assert "expired" in answered["text"]
