"""What users ask stays out of the log at INFO and above: the log of a busy bot is read by
operators, and a question can say more about its asker than they meant to share."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.answering import Answerer
from bot.stats import BotStats
from index.service import NewsIndex

PRIVATE = "is my neighbour Ivan Petrov on the list of Lavrov's guests"


async def test_an_inline_query_over_budget_is_logged_without_its_text(
    seed_news: NewsIndex, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()
    answer = seed_news.answer

    def slow_answer(question: str, limit: int | None = None) -> object:
        release.wait(10)  # longer than the budget: the inline query gets a stand-in
        return answer(question, limit)

    monkeypatch.setattr(seed_news, "answer", slow_answer)
    service = Answerer(seed_news, BotStats(), per_page=5, max_question_chars=1000,
                       inline_budget=0.05)
    try:
        with caplog.at_level(logging.DEBUG, logger="bot.answering"):
            result = await service.inline(PRIVATE, user_id=1)
    finally:
        release.set()
        await service.drain_inline()
    assert not result.fresh  # it did go over the budget
    over_budget = [r for r in caplog.records if "over" in r.getMessage()]
    assert over_budget, caplog.text
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not [m for m in loud if "ivan petrov" in m.casefold()], loud
