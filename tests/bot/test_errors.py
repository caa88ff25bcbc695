"""A failing handler: the user gets a short apology, the log gets the traceback, and the bot
goes on answering."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from index.errors import IndexNotBuilt
from tests.bot.conftest import Harness
from tests.bot.fakes import callback_update, message_update


async def test_an_unexpected_error_is_logged_and_apologised_for(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    answerer = harness.services.answerer
    real_ask = answerer.ask

    async def broken(question: str, lang: object = None) -> object:
        raise RuntimeError("boom: secret internals")

    monkeypatch.setattr(answerer, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.handlers.errors"):
        await harness.feed(message_update("When did Rubio and Lavrov meet in person?",
                                          language_code="ru"))
    [apology] = harness.texts()
    assert apology.startswith("Извините, у меня что-то сломалось")
    assert "boom" not in apology and "Traceback" not in apology
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)

    monkeypatch.setattr(answerer, "ask", real_ask)
    await harness.feed(message_update("When did Rubio and Lavrov meet in person?"))
    assert ".txt</code>" in harness.texts()[-1]


async def test_a_domain_error_is_told_in_its_own_words(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def not_built(question: str, lang: object = None) -> object:
        raise IndexNotBuilt("data/<index>")

    monkeypatch.setattr(harness.services.answerer, "ask", not_built)
    await harness.feed(message_update("When did they meet?"))
    [text] = harness.texts()
    assert text.startswith("No index in data/&lt;index&gt;.")


async def test_a_failing_button_gets_an_apology_in_the_chat(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(tag: str, chunk_id: int) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.services.answerer, "passage", broken)
    await harness.feed(callback_update(f"full:{harness.services.answerer.current_tag}:1:en"))
    assert harness.texts()[0].startswith("Sorry, something went wrong")
    assert harness.sent("answerCallbackQuery")  # the button stops spinning


async def test_an_undecodable_reply_to_a_sent_answer_brings_no_apology(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An emulator returns `link_preview_options` as a string: aiogram cannot read the reply,
    but the answer went out. One log line, and no apology after it."""
    telegram = harness.session.telegram
    real_result = telegram.result

    def odd(method: str, params: Any) -> Any:
        result = real_result(method, params)
        if method == "sendMessage":
            result["link_preview_options"] = "is_disabled"
        return result

    monkeypatch.setattr(telegram, "result", odd)
    with caplog.at_level(logging.WARNING):
        await harness.feed(message_update("When did Rubio and Lavrov meet in person?"))
    [answer] = harness.texts()
    assert ".txt</code>" in answer
    decoded = [r for r in caplog.records if "could not be decoded" in r.getMessage()]
    assert len(decoded) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
