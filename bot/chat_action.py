"""'typing…' in a chat while the bot works on a reply, sent in a way that can never hurt the reply.

aiogram's ChatActionSender lets a failed `sendChatAction` end its background task with the
exception, which nobody awaits: asyncio then logs "Task exception was never retrieved". A chat
action is only a courtesy, so here any failure of it is one log line, and the indicator stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot

from bot.retry import describe_error

logger = logging.getLogger(__name__)

# Telegram shows an action for 5 s, or until the bot's next message
INTERVAL = 5.0
# a chat action that takes longer than this is of no use any more
REQUEST_TIMEOUT = 10


@asynccontextmanager
async def chat_action(bot: Bot, chat_id: int, *, action: str = "typing",
                      thread_id: int | None = None,
                      interval: float = INTERVAL) -> AsyncIterator[None]:
    """`async with chat_action(bot, chat_id): ...` shows `action` until the block ends."""
    task = asyncio.create_task(_keep_sending(bot, chat_id, action, thread_id, interval),
                               name=f"chat-action-{chat_id}")
    try:
        yield
    finally:
        task.cancel()
        # the task catches every failure, so waiting for it can raise nothing but our own
        # cancellation; it only makes sure the task is over before the block is
        await asyncio.wait({task})


async def _keep_sending(bot: Bot, chat_id: int, action: str, thread_id: int | None,
                        interval: float) -> None:
    while True:
        try:
            await bot.send_chat_action(chat_id=chat_id, action=action,
                                       message_thread_id=thread_id,
                                       request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:  # whatever it is, the reply itself must not notice
            logger.warning("sendChatAction to chat %s failed, no more %r indicators for this "
                           "reply: %s", chat_id, action, describe_error(exc))
            return
        await asyncio.sleep(interval)
