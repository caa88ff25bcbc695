"""RetryMiddleware with a real aiogram Bot and AiohttpSession against the faulty stand-in server:
what is retried, what is not (a reply must never be posted twice), and that it stays bounded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates

from bot.retry import RetryMiddleware, RetryPolicy
from tests.stand_in_api import Fault, StandInTelegram

TOKEN = "7000001:RELIABILITYtestTOKENsecretPART_0123456789"
CHAT = 555
FAST = RetryPolicy(max_attempts=4, max_retry_after=5, base_delay=0.05, max_delay=0.2)


@pytest.fixture
async def server() -> AsyncIterator[StandInTelegram]:
    telegram = StandInTelegram(TOKEN)
    await telegram.start()
    yield telegram
    await telegram.stop()


def _bot(server: StandInTelegram, middleware: RetryMiddleware, timeout: float = 10) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url), timeout=timeout)
    session.middleware(middleware)
    return Bot(TOKEN, session=session)


@pytest.fixture
async def retry() -> RetryMiddleware:
    return RetryMiddleware(FAST)


@pytest.fixture
async def bot(server: StandInTelegram, retry: RetryMiddleware) -> AsyncIterator[Bot]:
    bot = _bot(server, retry)
    yield bot
    await bot.session.close()


async def test_flood_wait_is_honoured_then_the_reply_is_sent_once(
    server: StandInTelegram, bot: Bot, retry: RetryMiddleware
) -> None:
    server.fail("sendMessage", Fault.retry_after(1), times=2)
    started = time.monotonic()
    message = await bot.send_message(CHAT, "answer")
    assert time.monotonic() - started >= 2.0  # both waits were slept through
    assert message.text == "answer"
    assert [c.outcome for c in server.calls_of("sendMessage")] == [
        "retry_after 429", "retry_after 429", "ok"]
    assert len(server.sent_to(CHAT)) == 1
    assert retry.retries == 2


async def test_a_flood_wait_over_the_cap_is_not_slept_through(server: StandInTelegram,
                                                              bot: Bot) -> None:
    server.fail("sendMessage", Fault.retry_after(60))
    started = time.monotonic()
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT, "answer")
    assert caught.value.retry_after == 60
    assert time.monotonic() - started < 2
    assert len(server.calls_of("sendMessage")) == 1


@pytest.mark.parametrize("method", ["getMe", "sendChatAction", "answerCallbackQuery",
                                    "editMessageText"])
async def test_idempotent_methods_survive_5xx_drops_and_bad_gateways(
    server: StandInTelegram, bot: Bot, method: str
) -> None:
    server.fail(method, Fault.error(500), Fault.drop(), Fault.html(502))
    if method == "getMe":
        assert (await bot.get_me()).id > 0
    elif method == "sendChatAction":
        assert await bot.send_chat_action(CHAT, "typing")
    elif method == "answerCallbackQuery":
        assert await bot.answer_callback_query("cq1", text="ok")
    else:
        await bot.edit_message_text("edited", chat_id=CHAT, message_id=7)
    assert [c.outcome for c in server.calls_of(method)] == [
        "status 500", "drop", "html 502", "ok"]


@pytest.mark.parametrize("fault", [Fault.error(500), Fault.drop(), Fault.html(502)],
                         ids=["500", "drop", "html-502"])
async def test_a_reply_that_may_have_been_delivered_is_not_sent_twice(
    server: StandInTelegram, bot: Bot, fault: Fault
) -> None:
    server.fail("sendMessage", fault)
    with pytest.raises((TelegramServerError, TelegramNetworkError, ClientDecodeError)):
        await bot.send_message(CHAT, "answer")
    assert len(server.calls_of("sendMessage")) == 1


async def test_telegram_restarting_is_retried_even_for_a_reply(server: StandInTelegram,
                                                               bot: Bot) -> None:
    server.fail("sendMessage", Fault.error(500, "Internal Server Error: restart"))
    await bot.send_message(CHAT, "answer")
    assert len(server.sent_to(CHAT)) == 1


async def test_a_reply_is_retried_when_the_connection_was_refused(server: StandInTelegram,
                                                                  bot: Bot) -> None:
    await bot.get_me()  # the port is known and was open
    await server.stop()

    async def come_back() -> None:
        await asyncio.sleep(0.15)
        await server.start(server.port)

    returning = asyncio.create_task(come_back())
    retrying = RetryMiddleware(RetryPolicy(max_attempts=6, base_delay=0.1, max_delay=0.4))
    patient = _bot(server, retrying)
    try:
        await patient.send_message(CHAT, "answer")
    finally:
        await patient.session.close()
        await returning
    assert retrying.retries >= 1
    assert len(server.sent_to(CHAT)) == 1


async def test_retries_are_bounded_with_growing_delays(server: StandInTelegram) -> None:
    delays: list[float] = []

    async def no_sleep(seconds: float) -> None:
        delays.append(seconds)

    policy = RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=2.0, jitter=0.0)
    bot = _bot(server, RetryMiddleware(policy, sleep=no_sleep))
    server.fail("getMe", Fault.error(503, "Service Unavailable"), times=10)
    try:
        with pytest.raises(TelegramServerError):
            await bot.get_me()
    finally:
        await bot.session.close()
    assert len(server.calls_of("getMe")) == 5
    assert delays == [0.5, 1.0, 2.0, 2.0]


async def test_polling_errors_are_left_to_the_dispatchers_backoff(server: StandInTelegram,
                                                                  bot: Bot) -> None:
    server.fail("getUpdates", Fault.error(502, "Bad Gateway"))
    with pytest.raises(TelegramServerError):
        await bot(GetUpdates(timeout=0))
    assert len(server.calls_of("getUpdates")) == 1
    server.fail("getUpdates", Fault.retry_after(1))  # but a flood wait is honoured
    assert await bot(GetUpdates(timeout=0)) == []
    assert len(server.calls_of("getUpdates")) == 3


async def test_client_errors_are_not_retried(server: StandInTelegram, bot: Bot) -> None:
    server.fail("sendChatAction", Fault.error(400, "Bad Request: chat not found"))
    with pytest.raises(TelegramBadRequest):
        await bot.send_chat_action(CHAT, "typing")
    assert len(server.calls_of("sendChatAction")) == 1


async def test_slow_replies_are_waited_for_and_timeouts_retried_only_when_safe(
    server: StandInTelegram, retry: RetryMiddleware
) -> None:
    bot = _bot(server, retry, timeout=1)
    try:
        server.fail("sendMessage", Fault.slow(0.5))
        await bot.send_message(CHAT, "slow but in time")
        assert len(server.sent_to(CHAT)) == 1 and retry.retries == 0

        server.fail("getMe", Fault.slow(1.5))  # over the 1 s timeout: read-only, so again
        assert (await bot.get_me()).id > 0
        assert len(server.calls_of("getMe")) == 2

        server.fail("sendMessage", Fault.slow(1.5))  # it arrives after the client gave up
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(CHAT, "late")
        await asyncio.sleep(0.7)  # the server finishes it anyway: delivered once, not twice
        assert [s.text for s in server.sent_to(CHAT)].count("late") == 1
    finally:
        await bot.session.close()
