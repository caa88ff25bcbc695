"""Middlewares: per-user throttling of the handlers that search, and a typing indicator.

Both are inner middlewares, so they run only once a handler's filters have matched: group
chatter the bot ignores is neither throttled nor shown a typing indicator. Handlers opt in with
flags: `flags={"throttle": True, "typing": True}`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.cache import TtlLru
from bot.chat_action import chat_action
from bot.texts import t, user_lang

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

_TRACKED_USERS = 10_000


class ThrottlingMiddleware(BaseMiddleware):
    """At most one flagged message, and one flagged button press, per user every `seconds`.

    The first event dropped is told so; later ones in the same window are dropped silently (a
    flood should not get a reply each).
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        # (user id, kind of event) -> was the user already told to slow down in this window;
        # kinds apart, so that tapping a button under a fresh answer is not "too fast"
        self._recent: TtlLru[tuple[int, str], bool] = TtlLru(_TRACKED_USERS, seconds, clock)

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if self.seconds <= 0 or user is None or not get_flag(data, "throttle"):
            return await handler(event, data)
        key = (user.id, type(event).__name__)
        warned = self._recent.get(key)
        if warned is None:
            self._recent.put(key, False)
            return await handler(event, data)
        if not warned:
            # the window is not extended: it still ends `seconds` after the accepted event
            self._recent.replace(key, True)
            await self._tell(event, user)
        logger.debug("throttled user %s", user.id)
        return None

    async def _tell(self, event: TelegramObject, user: User) -> None:
        seconds = f"{self.seconds:g}"
        if isinstance(event, Message):
            lang = user_lang(user, event.text)
            await event.reply(t(lang, "throttled", seconds=seconds))
        elif isinstance(event, CallbackQuery):
            await event.answer(t(user_lang(user), "throttled", seconds=seconds))


class TypingMiddleware(BaseMiddleware):
    """'typing…' in the chat while a flagged message handler works (repeated every 5 s)."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        bot: Bot | None = data.get("bot")
        if not isinstance(event, Message) or bot is None or not get_flag(data, "typing"):
            return await handler(event, data)
        thread = event.message_thread_id if event.is_topic_message else None
        # (not aiogram's ChatActionSender: a failed chat action there is an unretrieved
        # task exception; here it is one log line and the reply goes on)
        async with chat_action(bot, event.chat.id, thread_id=thread):
            return await handler(event, data)
