"""Retrying Bot API requests that failed for a passing reason, only where a retry cannot harm.

aiogram raises on a 429 (`TelegramRetryAfter`), a 5xx or a network error and never retries. This
session middleware retries:

- a 429 flood wait, for any method, after the `retry_after` Telegram asks for (Telegram did
  not carry the request out, so sending it again is safe), unless the wait is longer than the
  cap: then the error goes up at once instead of holding a handler for minutes;
- a failed connection (nothing reached the server) and "restarting" 5xx, for any method;
- other 5xx, dropped connections, timeouts and unreadable replies, with exponential backoff,
  only for methods that do no harm when carried out twice (reading, editing, answering a
  callback or inline query, chat actions). A `sendMessage` that failed that way may have been
  delivered, and sending it again could post the answer twice, so it is not retried.

`getUpdates` is left to the dispatcher's own polling backoff except for flood waits, which
that backoff (1–5 s) would not honour.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientConnectorCertificateError, ClientConnectorError, ClientSSLError

if TYPE_CHECKING:
    from aiogram import Bot

logger = logging.getLogger(__name__)

# Bot API methods whose second execution changes nothing a user sees (or fails harmlessly,
# like answering a callback query twice)
IDEMPOTENT_METHODS = frozenset({
    "getMe", "getFile", "getChat", "getChatMember", "getMyCommands", "getWebhookInfo",
    "getMyName", "getMyDescription", "getMyShortDescription", "getChatMenuButton",
    "sendChatAction",
    "answerCallbackQuery", "answerInlineQuery",
    "editMessageText", "editMessageReplyMarkup", "editMessageCaption", "deleteMessage",
    "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook", "setChatMenuButton",
    "setMyName", "setMyDescription", "setMyShortDescription",
})
POLLING_METHOD = "getUpdates"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4  # tries of one request in all, the first included
    max_retry_after: float = 30.0  # a longer flood wait is not slept through
    base_delay: float = 0.5  # backoff before the first retry of a 5xx or network error
    max_delay: float = 8.0
    jitter: float = 0.2  # share of each backoff delay added at random, so clients spread out

    def backoff(self, retry: int, rng: Callable[[], float] = random.random) -> float:
        """Delay before retry number `retry` (1-based) of a 5xx or network error."""
        delay = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return delay * (1 + self.jitter * rng())


Sleep = Callable[[float], Awaitable[None]]


class RetryMiddleware(BaseRequestMiddleware):
    """Session middleware: `bot.session.middleware(RetryMiddleware())`."""

    def __init__(self, policy: RetryPolicy | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self.retries = 0  # requests retried since start, for tests and diagnostics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if exc.retry_after > self.policy.max_retry_after:
                    logger.warning("%s: flood wait of %s s is over the %s s cap; not retrying",
                                   name, exc.retry_after, self.policy.max_retry_after)
                    raise
                if attempt >= self.policy.max_attempts:
                    raise
                delay = float(exc.retry_after)
                reason = f"flood control, retry after {exc.retry_after} s"
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
                if attempt >= self.policy.max_attempts or not self.may_retry(name, exc):
                    raise
                delay = self.policy.backoff(attempt)
                # aiohttp may put the request URL, which holds the token, into the message
                reason = describe_error(exc).replace(bot.token, "<BOT_TOKEN>")
            self.retries += 1
            logger.warning("%s failed (%s); retry %d of %d in %.1f s", name, reason, attempt,
                           self.policy.max_attempts - 1, delay)
            await self._sleep(delay)
            attempt += 1

    @staticmethod
    def may_retry(name: str, exc: Exception) -> bool:
        """Whether a request that failed with `exc` (not a 429) may be sent again."""
        if name == POLLING_METHOD or isinstance(exc, TelegramEntityTooLarge):
            return False
        if isinstance(exc, RestartingTelegram) or _never_sent(exc):
            return True
        return name in IDEMPOTENT_METHODS


def _never_sent(exc: Exception) -> bool:
    """The connection was never made, so the server cannot have seen the request."""
    cause = exc.__cause__
    return (
        isinstance(exc, TelegramNetworkError)
        and isinstance(cause, ClientConnectorError)
        # a certificate or TLS failure will fail the same way again
        and not isinstance(cause, (ClientConnectorCertificateError, ClientSSLError))
    )


def describe_error(exc: BaseException) -> str:
    """A failed Bot API call in a few words, for one log line."""
    # not the body: a ClientDecodeError carries the whole reply, which may be a long page
    if isinstance(exc, ClientDecodeError):
        return "unreadable reply (not the Bot API's JSON)"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"[:200]
