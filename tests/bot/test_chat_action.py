"""A failing 'typing…' indicator never touches the reply: whatever sendChatAction does (an API
error, an unreadable reply, a timeout, any exception), the question is answered, the failure is
logged in one line, and no task is left with an exception nobody retrieved."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError, TelegramServerError
from aiogram.methods import SendChatAction, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update

from bot.app import build_services, create_bot, create_dispatcher
from bot.chat_action import chat_action
from index.service import NewsIndex
from tests.bot.conftest import make_settings
from tests.bot.fakes import RecordingSession, message_update

QUESTION = "When did Rubio and Lavrov meet in person?"


def _failures() -> dict[str, BaseException]:
    action = SendChatAction(chat_id=1, action="typing")
    return {
        "server error": TelegramServerError(action, "Internal Server Error"),
        "unreadable reply": ClientDecodeError("Failed to decode object",
                                              ValueError("Expecting value"), "<html>500</html>"),
        "timeout": TelegramNetworkError(action, "Request timeout error"),
        "plain timeout": TimeoutError(),
        "anything": RuntimeError("something nobody expected"),
    }


class FailingChatActions(RecordingSession):
    """Answers like Telegram, except that every sendChatAction raises `failure`."""

    def __init__(self, failure: BaseException) -> None:
        super().__init__()
        self.failure = failure

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:
        if isinstance(method, SendChatAction):
            self.calls.append((method.__api_method__, {}))
            raise self.failure
        return await super().make_request(bot, method, timeout)


@pytest.mark.parametrize("name", list(_failures()))
async def test_a_failing_chat_action_leaves_the_answer_alone(
    seed_news: NewsIndex, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    loop = asyncio.get_running_loop()
    unretrieved: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: unretrieved.append(context))
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir)
    session = FailingChatActions(_failures()[name])
    bot = create_bot(settings, session=session)
    services = build_services(settings, seed_news)
    dp = create_dispatcher(settings)
    try:
        with caplog.at_level(logging.WARNING):
            await dp.feed_update(bot, Update.model_validate(message_update(QUESTION)),
                                 **services.workflow_data())
            await asyncio.sleep(0.1)
            gc.collect()  # an unretrieved task exception is reported when the task goes
            await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert [n for n, _ in session.calls].count("sendChatAction") >= 1
    [reply] = [p for n, p in session.calls if n == "sendMessage"]
    assert ".txt</code>" in reply["text"]
    assert not unretrieved, [c.get("message") for c in unretrieved]
    # one line says so: the indicator's own, or RetryMiddleware's (a 5xx, an unreadable reply
    # or a timeout is retried, and the retry is cut short once the answer is out)
    assert any("sendChatAction" in r.getMessage() for r in caplog.records), caplog.text
    assert len([r for r in caplog.records if r.name == "bot.chat_action"]) <= 1
    assert "Traceback" not in caplog.text


async def test_the_indicator_repeats_until_the_work_is_done() -> None:
    session = RecordingSession()
    bot = Bot("123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", session=session)
    async with chat_action(bot, 7, interval=0.05):
        await asyncio.sleep(0.18)
    sent = len(session.calls)
    await asyncio.sleep(0.15)
    assert sent >= 3 and len(session.calls) == sent  # and none once the block is over
    assert {name for name, _ in session.calls} == {"sendChatAction"}
